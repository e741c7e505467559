import Foundation
import HeraldCertificates
import HeraldCore
import HeraldRules
import HeraldServer
import Testing

/// Roles from tokens and client certificates, and protected mode.
@Suite("Authentication and roles", .timeLimit(.minutes(1)))
struct AuthTests {
    static let tokens = ["sub-token-1", "pub-token-2", "admin-token-3"]

    static let authText = """
        # name roles hash
        \(AuthFile.tokenLine(name: "reader", roles: [.subscribe], token: tokens[0]))
        \(AuthFile.tokenLine(name: "feeder", roles: [.publish], token: tokens[1]))
        \(AuthFile.tokenLine(name: "ops", roles: [.admin], token: tokens[2]))
        cert CN=analyst-1 roles=subscribe
        """

    static func auth() throws -> AuthFile { try AuthFile.parse(authText) }

    @Test("protected mode: no auth configured and a non-loopback address: the server refuses to start")
    func protectedModeRefusal() async throws {
        let certificates = try TestCertificates.shared.get()
        let configuration = HeraldServerConfiguration(
            host: "0.0.0.0", port: 0,
            tls: TLSSettings(
                certificateChainPath: certificates.serverCertificate.path, privateKeyPath: certificates.serverKey.path))
        try await TestEngine.with(.empty) { engine in
            let server = HeraldServer(configuration: configuration, engine: engine, logger: TestLogging.logger)
            let error = await #expect(throws: ProtectedModeError.self) { try await server.run() }
            #expect(error?.description.contains("herald token add") == true)
        }
    }

    @Test(
        "protected mode refuses a host name that only looks like loopback",
        arguments: ["127.attacker.example", "127.0.0.1.nip.io", "localhost.attacker.example"])
    func protectedModeRefusesLookalikes(host: String) async throws {
        let certificates = try TestCertificates.shared.get()
        let configuration = HeraldServerConfiguration(
            host: host, port: 0,
            tls: TLSSettings(
                certificateChainPath: certificates.serverCertificate.path, privateKeyPath: certificates.serverKey.path))
        try await TestEngine.with(.empty) { engine in
            let server = HeraldServer(configuration: configuration, engine: engine, logger: TestLogging.logger)
            let error = await #expect(throws: ProtectedModeError.self) { try await server.run() }
            #expect(error?.host == host)
        }
    }

    @Test("loopback means 127.0.0.0/8 and ::1 as parsed addresses, or localhost; nothing else")
    func loopbackAddresses() {
        for host in ["127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "0:0:0:0:0:0:0:1", "localhost", "LocalHost"] {
            #expect(HeraldServer.isLoopback(host), "\(host)")
        }
        for host in [
            "127.attacker.example", "127.0.0.1.nip.io", "127.1", "127.0.0.256", "128.0.0.1", "0.0.0.0", "::", "",
            "::2", "::ffff:10.0.0.1", "localhost.attacker.example", "10.127.0.1", " 127.0.0.1",
        ] {
            #expect(!HeraldServer.isLoopback(host), "\(host)")
        }
    }

    @Test("protected mode on loopback: every role, and AUTH says no auth is configured")
    func protectedModeLoopback() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connect(port: server.port, caPath: server.caPath)
            #expect(try await client.expect("hello")["roles"] as? [String] == ["subscribe", "publish", "admin"])
            try await client.request("STATS")
            try await client.send("AUTH whatever")
            try await client.expectError("auth_failed")
            await client.close()
        }
    }

    @Test("with auth configured a connection starts with no roles; each role is refused until a token grants it")
    func tokens() async throws {
        let auth = try Self.auth()
        try await TestServer.run(configure: { $0.auth = auth }) { server in
            let client = try await TestClient.connect(port: server.port, caPath: server.caPath)
            #expect(try await client.expect("hello")["roles"] as? [String] == [])
            for command in ["SUB *", #"PUB {"title":"zebra","body":"zebra"}"#, "ARTICLE", "STATS", "RELOAD", "CLIENTS"] {
                try await client.send(command)
                let error = try await client.expectError("forbidden")
                #expect((error["message"] as? String)?.contains("AUTH") == true)
            }
            // Commands that need no role still work.
            try await client.request("PING", expecting: "pong")
            try await client.request("RULES")
            try await client.send("AUTH not-a-token")
            try await client.expectError("auth_failed")

            let reader = try await client.request("AUTH \(Self.tokens[0])")
            #expect(reader["roles"] as? [String] == ["subscribe"])
            #expect(reader["name"] as? String == "reader")
            try await client.request("SUB *")
            try await client.send(#"PUB {"title":"zebra","body":"zebra"}"#)
            try await client.expectError("forbidden")

            // Roles add up; the JSON form carries an id.
            let feeder = try await client.request(#"{"cmd":"auth","token":"\#(Self.tokens[1])","id":7}"#)
            #expect(feeder["roles"] as? [String] == ["subscribe", "publish"])
            #expect(feeder["ref"] as? String == "7")
            // A publisher that is subscribed gets its alert before its ok.
            try await client.send(#"PUB {"title":"zebra","body":"A zebra."}"#)
            try await client.expect("alert")
            try await client.expect("ok")
            try await client.send("STATS")
            try await client.expectError("forbidden")

            let admin = try await TestClient.connect(port: server.port, caPath: server.caPath)
            try await admin.expect("hello")
            try await admin.request("AUTH \(Self.tokens[2])")
            try await admin.request("STATS")
            try await admin.send("SUB *")
            try await admin.expectError("forbidden")
            try await server.waitForStatistics { $0.errors[.forbidden] == 9 }
            await admin.close()
            await client.close()
        }
    }

    @Test("roles are checked before an article is read: no parse, no hash, no UTF-8 check for a non-publisher")
    func roleBeforeParsing() async throws {
        let auth = try Self.auth()
        try await TestServer.run(configure: { $0.auth = auth }) { server in
            let client = try await TestClient.connect(port: server.port, caPath: server.caPath)
            try await client.expect("hello")
            // Malformed articles: a parser that ran first would answer bad_json or bad_arguments.
            try await client.send("PUB {not json")
            #expect(try await client.expectError("forbidden")["command"] as? String == "pub")
            try await client.send(#"{"cmd":"pub","article":{"title":7}}"#)
            try await client.expectError("forbidden")
            try await client.send(#"{"cmd":"article","text":""}"#)
            try await client.expectError("forbidden")
            // A long line is refused unread: invalid UTF-8 inside it is never looked at.
            try await client.sendRaw(Array("PUB ".utf8) + [UInt8](repeating: 0xFF, count: 100_000) + [10])
            #expect((try await client.expectError("forbidden")["message"] as? String)?.contains("unread") == true)
            // A subscriber is no publisher either.
            try await client.request("AUTH \(Self.tokens[0])")
            try await client.send("pub {not json")
            try await client.expectError("forbidden")
            // With the role, the same line is parsed and refused for what it is.
            try await client.request("AUTH \(Self.tokens[1])")
            try await client.send("PUB {not json")
            try await client.expectError("bad_json")
            try await client.request("PING", expecting: "pong")
            await client.close()
        }
    }

    @Test("a connection without the publish role never holds a long line: it is dropped as it streams in")
    func longLinesSkippedWithoutPublish() async throws {
        let auth = try Self.auth()
        try await TestServer.run(configure: {
            $0.auth = auth
            $0.maximumLineBytes = 256 << 10
        }) { server in
            let client = try await TestClient.connect(port: server.port, caPath: server.caPath)
            try await client.expect("hello")
            // Four times the hard limit: buffered, it would end the connection with line_too_long.
            let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
            try await client.sendRaw(Array("PUB ".utf8))
            for _ in 0..<16 { try await client.sendRaw(chunk) }
            try await client.sendRaw([13, 10])
            let error = try await client.expectError("forbidden")
            #expect((error["message"] as? String)?.contains("a line of \(4 + 16 * (64 << 10)) bytes") == true)
            try await client.request("PING", expecting: "pong")
            // With the role, the hard limit applies again.
            try await client.request("AUTH \(Self.tokens[1])")
            try await client.sendRaw(Array("PUB ".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 300 << 10) + [10])
            try await client.expectError("line_too_long")
            try await client.expectClosed()
        }
    }

    @Test("mutual TLS: a certificate's common name or fingerprint maps to roles; unmapped certificates get none")
    func mutualTLSRoles() async throws {
        let certificates = try TestCertificates.shared.get()
        let caPEM = try String(contentsOf: certificates.caCertificate, encoding: .utf8)
        let caKeyPEM = try String(contentsOf: certificates.caKey, encoding: .utf8)
        let analyst = try DevelopmentCertificates.issueClientCertificate(
            commonName: "analyst-1", caCertificatePEM: caPEM, caKeyPEM: caKeyPEM)
        let operatorCertificate = try DevelopmentCertificates.issueClientCertificate(
            commonName: "ops-laptop", caCertificatePEM: caPEM, caKeyPEM: caKeyPEM)
        let stranger = try DevelopmentCertificates.issueClientCertificate(
            commonName: "stranger", caCertificatePEM: caPEM, caKeyPEM: caKeyPEM)
        let fingerprint = try DevelopmentCertificates.fingerprintSHA256(pem: operatorCertificate.certificatePEM)
        let auth = try AuthFile.parse(Self.authText + "\ncert sha256=\(fingerprint) roles=admin,publish\n")
        try await TestServer.run(configure: {
            $0.auth = auth
            $0.tls.clientCAPath = certificates.caCertificate.path
        }) { server in
            let reader = try await TestClient.connect(
                port: server.port, caPath: server.caPath, certificate: (analyst.certificatePEM, analyst.keyPEM))
            #expect(try await reader.expect("hello")["roles"] as? [String] == ["subscribe"])
            try await reader.request("SUB *")
            try await reader.send("STATS")
            try await reader.expectError("forbidden")

            let ops = try await TestClient.connect(
                port: server.port, caPath: server.caPath,
                certificate: (operatorCertificate.certificatePEM, operatorCertificate.keyPEM))
            #expect(try await ops.expect("hello")["roles"] as? [String] == ["publish", "admin"])
            try await ops.request("STATS")
            try await ops.request(#"PUB {"title":"zebra","body":"A zebra."}"#)
            try await reader.expect("alert")

            let nobody = try await TestClient.connect(
                port: server.port, caPath: server.caPath, certificate: (stranger.certificatePEM, stranger.keyPEM))
            #expect(try await nobody.expect("hello")["roles"] as? [String] == [])
            try await nobody.send("SUB *")
            try await nobody.expectError("forbidden")
            // A token still works on top of a certificate.
            try await nobody.request("AUTH \(Self.tokens[0])")
            try await nobody.request("SUB *")
            await nobody.close()
            await ops.close()
            await reader.close()
        }
    }

    @Test("the auth file: tokens stored as hashes, cert mappings, line-numbered errors")
    func authFile() throws {
        let auth = try Self.auth()
        #expect(auth.tokens.count == 3)
        #expect(!Self.authText.contains(Self.tokens[0]))
        #expect(auth.authenticate(token: Self.tokens[2])?.name == "ops")
        #expect(auth.authenticate(token: "nope") == nil)
        #expect(auth.roles(commonName: "analyst-1", fingerprint: nil)?.roles == [.subscribe])
        #expect(throws: AuthFile.ParseError.self) { try AuthFile.parse("token bob roles=root sha256=00") }
        do {
            _ = try AuthFile.parse("# fine\nwhat is this roles=admin\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
        }
    }
}
