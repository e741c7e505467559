import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import HeraldServer

#if canImport(Glibc)
import Glibc
#endif

/// Dead peers: subscribed connections are sent heartbeat lines, which need no answer.
@Suite("Heartbeats", .timeLimit(.minutes(1)))
struct HeartbeatTests {
    @Test("a subscriber in openssl s_client gets heartbeat lines while alerts are quiet, and never has to answer")
    func openSSLSubscriber() async throws {
        try #require(OpenSSLTool.isAvailable)
        try await TestServer.run(configure: { $0.heartbeatInterval = .milliseconds(100) }) { server in
            let session = try OpenSSLSession(port: server.port, caPath: server.caPath)
            defer { session.terminate() }
            try await session.expect("hello")
            try session.send("SUB *")
            try await session.expect("ok")
            // Nothing is sent back: the connection stays open and heartbeats keep coming.
            for _ in 0..<3 {
                let heartbeat = try await session.expect("heartbeat")
                #expect(heartbeat["interval_ms"] as? Int == 100)
            }
            // Alerts still arrive between them.
            let publisher = try await TestClient.connected(to: server)
            try await publisher.request(#"PUB {"title":"Zebra","body":"A zebra."}"#)
            let alert = try await session.expectSkippingHeartbeats("alert")
            #expect(alert["rule"] as? String == "zebra-sighting")
            await publisher.close()
        }
    }

    #if os(Linux)
    @Test("accepted sockets get TCP keepalive and a user timeout from the dead-peer timeout")
    func deadPeerSocketOptions() async throws {
        let seen = NIOLockedValueBox<[Int]>([])
        let accepted = NIOLockedValueBox<EventLoopPromise<Void>?>(nil)
        let group = MultiThreadedEventLoopGroup.singleton
        let done = group.next().makePromise(of: Void.self)
        accepted.withLockedValue { $0 = done }
        let bootstrap = ServerBootstrap(group: group)
        DeadPeerOptions.apply(timeout: .seconds(90), to: bootstrap)
        let server = try await bootstrap.childChannelInitializer { channel in
            let tcp = NIOBSDSocket.OptionLevel.tcp
            let options: [ChannelOptions.Types.SocketOption] = [
                .init(level: .socket, name: .so_keepalive),
                .init(level: tcp, name: .init(rawValue: TCP_KEEPIDLE)),
                .init(level: tcp, name: .init(rawValue: TCP_KEEPINTVL)),
                .init(level: tcp, name: .init(rawValue: TCP_KEEPCNT)),
                .init(level: tcp, name: .init(rawValue: TCP_USER_TIMEOUT)),
            ]
            let values = options.map { option in channel.getOption(option) }
            return EventLoopFuture.whenAllSucceed(values, on: channel.eventLoop).map { values in
                seen.withLockedValue { $0 = values }
                accepted.withLockedValue { $0 }?.succeed()
            }
        }.bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let client = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
        try await done.futureResult.get()
        #expect(seen.withLockedValue { $0 } == [1, 30, 15, 4, 90_000])
        try await client.close()
        try await server.close()
    }
    #endif

    @Test("only subscribed connections get heartbeats: none before SUB, none after UNSUB *")
    func onlySubscribers() async throws {
        try await TestServer.run(configure: { $0.heartbeatInterval = .milliseconds(50) }) { server in
            let client = try await TestClient.connected(to: server)
            // A publisher that never subscribes (and the `PING` answer proves the heartbeat timer had time to run).
            await client.expectNothing(for: .milliseconds(200))
            try await client.request("PING", expecting: "pong")
            try await client.request("SUB *")
            try await client.expect("heartbeat")
            try await client.send("UNSUB *")
            try await client.expectSkippingHeartbeats("ok")
            // One may have been queued just after the UNSUB reply; after the next reply there are none.
            try await client.send("PING")
            try await client.expectSkippingHeartbeats("pong")
            await client.expectNothing(for: .milliseconds(200))
            await client.close()
        }
    }
}

extension TestClient {
    /// The next line that is not a heartbeat must be of this type.
    @discardableResult
    func expectSkippingHeartbeats(_ type: String) async throws -> [String: Any] {
        while true {
            let message = try await nextMessage()
            if message["type"] as? String == "heartbeat" { continue }
            guard message["type"] as? String == type else { throw TestFailure("expected \(type), got \(message)", #_sourceLocation) }
            return message
        }
    }
}

extension OpenSSLSession {
    /// The next line that is not a heartbeat must be of this type.
    func expectSkippingHeartbeats(_ type: String) async throws -> [String: Any] {
        while true {
            switch await inbox.next(timeout: .seconds(10)) {
            case .line(let line):
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                if object["type"] as? String == "heartbeat" { continue }
                guard object["type"] as? String == type else { throw TestFailure("expected \(type), got \(line)", #_sourceLocation) }
                return object
            case .closed: throw TestFailure("s_client output ended while waiting for \(type)", #_sourceLocation)
            case .timedOut: throw TestFailure("no \(type) from s_client", #_sourceLocation)
            }
        }
    }
}
