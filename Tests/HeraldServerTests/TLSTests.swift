import Foundation
import HeraldCertificates
import HeraldCore
import HeraldServer
import Testing

@Suite("TLS and probes", .timeLimit(.minutes(1)))
struct TLSTests {
    @Test("plain TCP, HTTP and random bytes on the TLS port are closed; TLS clients are not disturbed")
    func probes() async throws {
        try await TestServer.run { server in
            let bystander = try await TestClient.connected(to: server)
            try await bystander.request("SUB *")

            let http = try await RawProbe.send(Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8), port: server.port)
            #expect(http.closedByServer)
            #expect(!String(decoding: http.received, as: UTF8.self).contains("\"type\""))
            let plain = try await RawProbe.send(Array("SUB *\nPING\n".utf8), port: server.port)
            #expect(plain.closedByServer)
            var generator = SystemRandomNumberGenerator()
            let noise = (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let random = try await RawProbe.send(noise, port: server.port)
            #expect(random.closedByServer)

            try await server.waitForStatistics { $0.closeReasons[.tlsHandshakeFailed, default: 0] >= 3 }
            #expect(server.server.statistics.snapshot.sessionsOpen == 1)

            // The bystander still works, and so does a new client.
            try await bystander.request("PING", expecting: "pong")
            let newcomer = try await TestClient.connected(to: server)
            try await newcomer.request(#"PUB {"title":"zebra","body":"A zebra."}"#)
            try await bystander.expect("alert")
            await bystander.close()
            await newcomer.close()
        }
    }

    @Test("a client that never starts the handshake is closed after the handshake timeout")
    func handshakeTimeout() async throws {
        try await TestServer.run(configure: { $0.handshakeTimeout = .milliseconds(200) }) { server in
            let silent = try await RawProbe.send([], port: server.port, timeout: .seconds(5))
            #expect(silent.closedByServer)
            try await server.waitForStatistics { $0.closeReasons[.tlsHandshakeTimeout] == 1 }
        }
    }

    @Test("mutual TLS: a client without a certificate is refused; with one, hello names it")
    func mutualTLS() async throws {
        let certificates = try TestCertificates.shared.get()
        try await TestServer.run(configure: { $0.tls.clientCAPath = certificates.caCertificate.path }) { server in
            let anonymous = try await TestClient.connect(port: server.port, caPath: server.caPath)
            let lines = try await anonymous.expectClosed()
            #expect(lines.isEmpty)
            try await server.waitForStatistics { $0.closeReasons[.tlsHandshakeFailed] == 1 }

            let issued = try DevelopmentCertificates.issueClientCertificate(
                commonName: "analyst-1",
                caCertificatePEM: String(contentsOf: certificates.caCertificate, encoding: .utf8),
                caKeyPEM: String(contentsOf: certificates.caKey, encoding: .utf8))
            let client = try await TestClient.connect(
                port: server.port, caPath: server.caPath, certificate: (issued.certificatePEM, issued.keyPEM))
            let hello = try await client.expect("hello")
            #expect(hello["client"] as? String == "analyst-1")
            try await client.request("PING", expecting: "pong")
            await client.close()
        }
    }

    @Test("the server offers TLS 1.3 and refuses TLS 1.1", .enabled(if: OpenSSLTool.isAvailable))
    func protocolVersions() async throws {
        try await TestServer.run { server in
            let modern = try await OpenSSLTool.handshake(port: server.port, caPath: server.caPath, extra: ["-tls1_3"])
            #expect(modern.succeeded, "\(modern.output)")
            let tls12 = try await OpenSSLTool.handshake(port: server.port, caPath: server.caPath, extra: ["-tls1_2"])
            #expect(tls12.succeeded, "\(tls12.output)")
            #expect(tls12.output.contains("ECDHE"), "\(tls12.output)")
            let old = try await OpenSSLTool.handshake(port: server.port, caPath: server.caPath, extra: ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"])
            #expect(!old.succeeded)
            let cbc = try await OpenSSLTool.handshake(
                port: server.port, caPath: server.caPath, extra: ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"])
            #expect(!cbc.succeeded)
        }
    }
}
