import Foundation
import HeraldServer
import Testing

@Suite("Graceful shutdown", .timeLimit(.minutes(1)))
struct ShutdownTests {
    @Test("shutdown sends bye to every client, closes them, and stops accepting")
    func byeToEveryone() async throws {
        try await TestServer.run { server in
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB *")
            let idle = try await TestClient.connected(to: server)
            let midArticle = try await TestClient.connected(to: server)
            try await midArticle.send("ARTICLE")
            try await midArticle.send("A zebra, half-written")
            try await midArticle.send("PING")  // inside the block: no reply expected
            try await server.waitForStatistics { $0.sessionsOpen == 3 }

            await server.serviceGroup.triggerGracefulShutdown()

            for client in [subscriber, idle, midArticle] {
                let bye = try await client.expect("bye")
                #expect(bye["reason"] as? String == "shutdown")
                try await client.expectClosed()
            }
            try await server.waitForStatistics { $0.closeReasons[.serverShutdown] == 3 && $0.sessionsOpen == 0 }
            await #expect(throws: (any Error).self) {
                _ = try await TestClient.connect(port: server.port, caPath: server.caPath)
            }
        }
    }

    @Test("a client that reads nothing and never closes does not hold up shutdown")
    func ignoresBye() async throws {
        try await TestServer.run(configure: { $0.closeGracePeriod = .milliseconds(300) }) { server in
            // This client never reads and never closes: its kernel buffers are tiny and already full.
            let stubborn = try await TestClient.connected(to: server, receiveBuffer: 4096)
            try await stubborn.channel.setOption(.autoRead, value: false).get()
            for _ in 0..<200 { try await stubborn.send("HELP") }
            let started = ContinuousClock.now
            await server.serviceGroup.triggerGracefulShutdown()
            try await server.waitForStatistics { $0.sessionsOpen == 0 }
            #expect(ContinuousClock.now - started < .seconds(5))
            await stubborn.close()
        }
    }
}
