import Foundation
@testable import HeraldServer
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// Issue 17 item 1: memory grew by about 1.5 KB per accepted connection and was never given back. Each connection
/// was kept alive by reference cycles through closures its queues held (the outbox's kick held the writer and the
/// channel context, the inbound queue's pump and read resumer held the session and the inbox), so the channel,
/// its pipeline and the session outlived the socket. `bench/connect-cycles.py` measures the memory; this test
/// checks the cause: once closed, every connection's channel, outbox and inbound queue are deallocated.
@Suite("Connection memory", .timeLimit(.minutes(2)))
struct ConnectionMemoryTests {
    /// Weak references to each accepted connection's channel, outbox and inbound queue, filled in by the server's
    /// accept hook.
    final class AcceptedConnections: Sendable {
        private struct Entry: Sendable {
            weak var object: (any AnyObject & Sendable)?
        }
        private let entries = NIOLockedValueBox<[Entry]>([])

        func add(_ connection: AcceptedConnection) {
            entries.withLockedValue {
                $0.append(contentsOf: [
                    Entry(object: connection.channel), Entry(object: connection.outbox),
                    Entry(object: connection.inbound),
                ])
            }
        }

        var count: Int { entries.withLockedValue { $0.count } }
        var alive: Int { entries.withLockedValue { $0.filter { $0.object != nil }.count } }
    }

    @Test("closed connections are let go of: subscribers, publishers, refused, and failed handshakes")
    func closedConnectionsAreReleased() async throws {
        let accepted = AcceptedConnections()
        try await TestServer.run(configure: {
            $0.maximumConnectionsPerAddress = 6
            $0.onConnectionAccepted = { accepted.add($0) }
        }) { server in
            for round in 0..<3 {
                var clients: [TestClient] = []
                for _ in 0..<6 { clients.append(try await TestClient.connected(to: server)) }
                try await clients[0].request("SUB *")
                try await clients[1].request(#"PUB {"title":"Round \#(round)","body":"Nothing to match."}"#)
                try await clients[2].request("PING", expecting: "pong")
                // Over the per-address limit: answered with too_many_connections and closed.
                let refused = try await TestClient.connect(port: server.port, caPath: server.caPath)
                _ = try await refused.expectError("too_many_connections")
                try await refused.expectClosed()
                for client in clients { await client.close() }
                // Not TLS at all: the handshake fails.
                _ = try await RawProbe.send(Array("PING\r\n".utf8), port: server.port)
            }
            try await server.waitForStatistics { $0.socketsOpen == 0 }
            #expect(accepted.count == 24 * 3)
            // Deallocation follows the close on the event loop; wait for it, bounded.
            let deadline = ContinuousClock.now + .seconds(10)
            while accepted.alive > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(accepted.alive == 0, "\(accepted.alive) of \(accepted.count) channels, outboxes and inbound queues still in memory")
        }
    }
}
