import Foundation
import HeraldServer
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

/// The limits of issue 7 over real TLS: connections in total and per address, idle and handshake timeouts, the
/// publish rate, the article size, half-sent lines and connection churn. Each has an error code and a counter.
@Suite("Limits", .timeLimit(.minutes(2)))
struct LimitsTests {
    @Test("over the per-address limit a client gets too_many_connections and is closed; the others are unaffected")
    func perAddressLimit() async throws {
        try await TestServer.run(configure: { $0.maximumConnectionsPerAddress = 3 }) { server in
            var clients: [TestClient] = []
            for _ in 0..<3 { clients.append(try await TestClient.connected(to: server)) }
            let refused = try await TestClient.connect(port: server.port, caPath: server.caPath)
            let error = try await refused.expectError("too_many_connections")
            #expect((error["message"] as? String)?.contains("127.0.0.1 has its maximum of 3 connections") == true)
            try await refused.expectClosed()

            try await clients[0].request("PING 1", expecting: "pong")
            let stats = try await clients[1].request("STATS")
            #expect((stats["errors_by_code"] as? [String: Int])?["too_many_connections"] == 1)
            #expect((stats["disconnects_by_reason"] as? [String: Int])?["too_many_connections"] == 1)

            // A freed slot is usable again at once.
            await clients[2].close()
            try await server.waitForStatistics { $0.socketsOpen == 2 }
            clients[2] = try await TestClient.connected(to: server)
            for client in clients { await client.close() }
        }
    }

    @Test("over the total limit a client gets too_many_connections")
    func totalLimit() async throws {
        try await TestServer.run(configure: {
            $0.maximumConnections = 2
            $0.maximumConnectionsPerAddress = 0
        }) { server in
            let first = try await TestClient.connected(to: server)
            let second = try await TestClient.connected(to: server)
            let refused = try await TestClient.connect(port: server.port, caPath: server.caPath)
            let error = try await refused.expectError("too_many_connections")
            #expect((error["message"] as? String)?.contains("maximum of 2 connections") == true)
            try await refused.expectClosed()
            try await second.request("PING", expecting: "pong")
            await first.close()
            await second.close()
            try await server.waitForStatistics { $0.closeReasons[.tooManyConnections] == 1 && $0.socketsOpen == 0 }
        }
    }

    @Test("with no command a connection gets idle_timeout; subscribers and pingers stay; STATS and /metrics count it")
    func idleTimeout() async throws {
        let metricsPort = NIOLockedValueBox(0)
        try await TestServer.run(configure: { configuration in
            // Long enough that a loaded CI machine still answers the pinger well within it.
            configuration.idleTimeout = .milliseconds(1500)
            configuration.metricsPort = 0
            configuration.onMetricsRunning = { address in metricsPort.withLockedValue { $0 = address.port ?? 0 } }
        }) { server in
            let idle = try await TestClient.connected(to: server)
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB *")
            let pinger = try await TestClient.connected(to: server)

            for index in 0..<8 {
                try await Task.sleep(for: .milliseconds(300))
                try await pinger.request("PING \(index)", expecting: "pong")
            }
            let error = try await idle.expectError("idle_timeout")
            #expect((error["message"] as? String)?.contains("1500 ms") == true)
            try await idle.expectClosed()
            // The pinger has shown it stays; closed now, before a slow step below lets it fall quiet too long.
            await pinger.close()

            // Quiet for longer than the timeout, yet subscribed: still served.
            let publisher = try await TestClient.connected(to: server)
            try await publisher.request(#"PUB {"title":"Zebra","body":"A zebra."}"#)
            await publisher.close()
            try await subscriber.expect("alert")
            try await subscriber.request("PING", expecting: "pong")

            let stats = try await subscriber.request("STATS")
            #expect((stats["errors_by_code"] as? [String: Int])?["idle_timeout"] == 1)
            #expect((stats["disconnects_by_reason"] as? [String: Int])?["idle_timeout"] == 1)
            let metrics = try await MetricsTests.get("/metrics", port: metricsPort.withLockedValue { $0 })
            #expect(metrics.contains("herald_errors_total{code=\"idle_timeout\"} 1\n"))
            #expect(metrics.contains("herald_disconnects_total{reason=\"idle_timeout\"} 1\n"))
            #expect(metrics.contains("# TYPE herald_sockets_open gauge\n"))
            await subscriber.close()
        }
    }

    @Test("a client that sends half a line and waits is closed after the idle timeout; others are unaffected")
    func halfLine() async throws {
        // Three seconds: long enough for the publisher below to connect and publish on a loaded machine.
        try await TestServer.run(configure: { $0.idleTimeout = .seconds(3) }) { server in
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB *")
            let stalled = try await TestClient.connected(to: server)
            try await stalled.sendRaw(Array("SUB zebra-sigh".utf8))
            let rest = try await stalled.expectClosed(timeout: .seconds(10))
            #expect(rest.count == 1 && rest[0].contains(#""code":"idle_timeout""#), "\(rest)")

            let publisher = try await TestClient.connected(to: server)
            try await publisher.request(#"PUB {"title":"Zebra","body":"A zebra."}"#)
            try await subscriber.expect("alert")
            try await server.waitForStatistics { $0.closeReasons[.idleTimeout] == 1 }
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("a client that never starts the handshake is counted in STATS as tls_handshake_timeout")
    func handshakeTimeoutCounter() async throws {
        // Long enough for the admin client's own handshake on a loaded machine; the probe never starts one.
        try await TestServer.run(configure: { $0.handshakeTimeout = .seconds(3) }) { server in
            let probe = try await RawProbe.send([], port: server.port, timeout: .seconds(10))
            #expect(probe.closedByServer)
            let admin = try await TestClient.connected(to: server)
            let stats = try await admin.request("STATS")
            #expect((stats["disconnects_by_reason"] as? [String: Int])?["tls_handshake_timeout"] == 1)
            await admin.close()
        }
    }

    @Test("over the publish rate an article is refused with rate_limited and retry_after_ms; the connection stays")
    func publishRate() async throws {
        // The rate is measured by a clock the test moves: no waiting, and a slow machine cannot refill the bucket
        // between the requests.
        let clock = NIOLockedValueBox(NIODeadline.now())
        try await TestServer.run(configure: {
            $0.publishRate = 0.25
            $0.publishBurst = 2
            $0.publishClock = { clock.withLockedValue { $0 } }
        }) { server in
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB *")
            let publisher = try await TestClient.connected(to: server)
            try await publisher.request(#"PUB {"title":"Zebra one","body":"A zebra."}"#)
            try await publisher.request(#"PUB {"title":"Zebra two","body":"A zebra."}"#)
            try await publisher.send(#"{"cmd":"pub","article":{"title":"Zebra three","body":"A zebra."},"id":7}"#)
            let refused = try await publisher.expectError("rate_limited")
            #expect(refused["command"] as? String == "pub")
            #expect(refused["ref"] as? String == "7" || refused["ref"] as? Int == 7)
            let retry = try #require(refused["retry_after_ms"] as? Int)
            #expect(retry == 4000, "one token every 4 s, none left")

            // The refused article was not processed: only two alerts arrived.
            try await subscriber.expect("alert")
            try await subscriber.expect("alert")
            await subscriber.expectNothing(for: .milliseconds(100))

            // A moment before the token is due the article is still refused; once it is due, it is taken.
            clock.withLockedValue { $0 = $0 + .milliseconds(Int64(retry) - 10) }
            try await publisher.send(#"PUB {"title":"Zebra three","body":"A zebra."}"#)
            _ = try await publisher.expectError("rate_limited")
            clock.withLockedValue { $0 = $0 + .milliseconds(10) }
            try await publisher.request(#"PUB {"title":"Zebra three","body":"A zebra."}"#)
            try await subscriber.expect("alert")
            let stats = try await publisher.request("STATS")
            #expect(stats["articles_in"] as? Int == 3)
            #expect((stats["errors_by_code"] as? [String: Int])?["rate_limited"] == 2)
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("an oversized ARTICLE block is counted in STATS as article_too_large")
    func articleSizeCounter() async throws {
        try await TestServer.run(configure: { $0.maximumArticleBytes = 1024 }) { server in
            let client = try await TestClient.connected(to: server)
            try await client.send("ARTICLE")
            for _ in 0..<30 { try await client.send(String(repeating: "zebra ", count: 10)) }
            try await client.send(".")
            try await client.expectError("article_too_large")
            let stats = try await client.request("STATS")
            #expect((stats["errors_by_code"] as? [String: Int])?["article_too_large"] == 1)
            #expect(stats["articles_in"] as? Int == 0)
            await client.close()
        }
    }

    @Test("2,000 connections opened and closed (plain TCP and full TLS) leak nothing; a normal client is served")
    func connectionChurn() async throws {
        try await TestServer.run { server in
            let plain = 1_700
            let tls = 300
            let batch = 20
            for start in stride(from: 0, to: plain + tls, by: batch) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in start..<min(start + batch, plain + tls) {
                        group.addTask {
                            if index < plain {
                                try await Self.openAndClose(port: server.port)
                            } else {
                                let client = try await TestClient.connected(to: server)
                                await client.close()
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let client = try await TestClient.connected(to: server)
            try await client.request("SUB *")
            try await client.request(#"PUB {"title":"Zebra","body":"A zebra."}"#, expecting: "alert")
            try await client.expect("ok")
            try await server.waitForStatistics(timeout: .seconds(20)) {
                $0.socketsOpen == 1 && $0.sessionsOpen == 1 && $0.connectionsAccepted == plain + tls + 1
            }
            let stats = try await client.request("STATS")
            #expect(stats["sockets_open"] as? Int == 1)
            #expect(stats["connections_open"] as? Int == 1)
            await client.close()
        }
    }

    /// Opens a plain TCP connection and closes it at once, as a port scanner or a health check does.
    private static func openAndClose(port: Int) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.close()
    }
}
