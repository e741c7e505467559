import HeraldServer
import Logging
import Testing

@Suite("Structured logs", .timeLimit(.minutes(1)))
struct LoggingTests {
    @Test("connections are logged with id, peer, roles, command and close reason as metadata")
    func metadata() async throws {
        let store = CapturingLogHandler.Store()
        try await TestServer.run(logger: store.logger()) { server in
            let client = try await TestClient.connected(to: server)
            try await client.request("SUB *")
            try await client.request("QUIT", expecting: "bye")
            try await client.expectClosed()
            _ = try await RawProbe.send(Array("GET / HTTP/1.1\r\n\r\n".utf8), port: server.port)
            try await server.waitForStatistics {
                $0.closeReasons[.quit] == 1 && $0.closeReasons[.tlsHandshakeFailed] == 1
            }
        }
        let records = store.all
        let opened = try #require(records.first { $0.message == "connection opened" })
        #expect(opened.metadata["connection"] == "1")
        #expect(opened.metadata["peer"]?.contains("127.0.0.1") == true)
        #expect(opened.metadata["roles"] == "subscribe,publish,admin")
        #expect(opened.metadata["tls"] == "TLSv1.3")
        #expect(records.contains { $0.message == "command" && $0.metadata["command"] == "sub" })
        let closed = try #require(records.first { $0.message == "connection closed" })
        #expect(closed.metadata["close_reason"] == "quit")
        #expect(closed.metadata["connection"] == "1")
        let probe = try #require(records.first { $0.message == "connection closed before the session began" })
        #expect(probe.level == .info)
        #expect(probe.metadata["close_reason"] == "tls_handshake_failed")
        #expect(probe.metadata["hint"] == "a plain HTTP client on the TLS port")
        #expect(probe.metadata["connection"] == "2")
    }
}
