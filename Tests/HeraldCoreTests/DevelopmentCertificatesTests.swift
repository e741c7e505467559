import Foundation
import HeraldArticle
import HeraldCertificates
import HeraldCore
import Testing

/// Checks the generated files with the system `openssl` tool rather than with our own code,
/// so a bug shared by generator and checker cannot hide itself.
@Suite("Development certificates")
struct DevelopmentCertificatesTests {
    @Test("creates the CA and server files, with private keys readable only by the owner")
    func createsFiles() throws {
        try withTemporaryDirectory { directory in
            let (files, created) = try DevelopmentCertificates.ensure(in: directory)
            #expect(created)
            #expect(files.directory == directory)
            for url in [files.caCertificate, files.caKey, files.serverCertificate, files.serverKey] {
                #expect(FileManager.default.fileExists(atPath: url.path), "missing \(url.lastPathComponent)")
            }
            #expect(try permissions(of: files.caKey) == 0o600)
            #expect(try permissions(of: files.serverKey) == 0o600)
            #expect(try permissions(of: directory) == 0o755)
            #expect(try String(contentsOf: files.serverKey, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
            #expect(try String(contentsOf: files.caKey, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(Set(leftovers) == ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"])
        }
    }

    @Test("the server certificate verifies against the CA for TLS server use")
    func serverCertificateVerifies() throws {
        try withTemporaryDirectory { directory in
            let (files, _) = try DevelopmentCertificates.ensure(in: directory)
            let result = try openssl(
                ["verify", "-purpose", "sslserver", "-CAfile", files.caCertificate.path, files.serverCertificate.path])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("\(files.serverCertificate.path): OK"), "\(result.output)")
        }
    }

    @Test("the server certificate carries the expected names and extensions")
    func serverCertificateContents() throws {
        try withTemporaryDirectory { directory in
            let (files, _) = try DevelopmentCertificates.ensure(in: directory)
            let result = try openssl(["x509", "-in", files.serverCertificate.path, "-noout", "-text"])
            #expect(result.status == 0, "\(result.output)")
            let text = result.output
            #expect(text.contains("Subject: CN = localhost"), "\(text)")
            #expect(text.contains("Issuer: CN = Herald Development CA"), "\(text)")
            #expect(text.contains("DNS:localhost"), "\(text)")
            #expect(text.contains("IP Address:127.0.0.1"), "\(text)")
            #expect(text.contains("IP Address:0:0:0:0:0:0:0:1"), "\(text)")
            #expect(text.contains("CA:FALSE"), "\(text)")
            #expect(text.contains("Digital Signature"), "\(text)")
            #expect(text.contains("TLS Web Server Authentication"), "\(text)")
            #expect(text.contains("X509v3 Authority Key Identifier"), "\(text)")
            #expect(text.contains("ecdsa-with-SHA256"), "\(text)")
            #expect(text.contains("prime256v1") || text.contains("P-256"), "\(text)")
            #expect(text.contains("Version: 3 (0x2)"), "\(text)")

            let dates = try openssl(["x509", "-in", files.serverCertificate.path, "-noout", "-checkend", "0"])
            #expect(dates.status == 0, "certificate should be valid now: \(dates.output)")
            let days366 = String(366 * 24 * 3600)
            let beyond = try openssl(["x509", "-in", files.serverCertificate.path, "-noout", "-checkend", days366])
            #expect(beyond.status != 0, "validity must stay within 366 days: \(beyond.output)")
        }
    }

    @Test("custom hostnames and addresses end up in the subject alternative names")
    func customNames() throws {
        try withTemporaryDirectory { directory in
            let (files, _) = try DevelopmentCertificates.ensure(
                in: directory, hostnames: ["herald.test", "*.herald.test"], ipAddresses: ["10.0.0.7"])
            let text = try openssl(["x509", "-in", files.serverCertificate.path, "-noout", "-text"]).output
            #expect(text.contains("Subject: CN = herald.test"), "\(text)")
            #expect(text.contains("DNS:herald.test, DNS:*.herald.test, IP Address:10.0.0.7"), "\(text)")
        }
    }

    @Test("invalid hostnames and addresses are rejected before anything is written")
    func rejectsInvalidNames() throws {
        try withTemporaryDirectory { directory in
            let target = directory
            #expect(throws: CertificateError.self) {
                try DevelopmentCertificates.ensure(in: target, hostnames: ["evil,IP:1.2.3.4"])
            }
            #expect(throws: CertificateError.self) {
                try DevelopmentCertificates.ensure(in: target, ipAddresses: ["300.1.1.1"])
            }
            #expect(throws: CertificateError.self) {
                try DevelopmentCertificates.ensure(in: target, hostnames: [], ipAddresses: [])
            }
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }

    @Test("the CA certificate is a CA restricted to signing certificates and CRLs")
    func caCertificateContents() throws {
        try withTemporaryDirectory { directory in
            let (files, _) = try DevelopmentCertificates.ensure(in: directory)
            let result = try openssl(["x509", "-in", files.caCertificate.path, "-noout", "-text"])
            #expect(result.status == 0, "\(result.output)")
            let text = result.output
            #expect(text.contains("Subject: CN = Herald Development CA"), "\(text)")
            #expect(text.contains("Issuer: CN = Herald Development CA"), "\(text)")
            #expect(text.contains("CA:TRUE"), "\(text)")
            #expect(text.contains("Certificate Sign, CRL Sign"), "\(text)")
            #expect(text.contains("X509v3 Subject Key Identifier"), "\(text)")
            #expect(text.contains("prime256v1") || text.contains("P-256"), "\(text)")
        }
    }

    @Test("a second call reuses the existing files byte for byte")
    func reusesExistingFiles() throws {
        try withTemporaryDirectory { directory in
            let (first, created) = try DevelopmentCertificates.ensure(in: directory)
            #expect(created)
            let before = try contents(of: first)
            let (second, createdAgain) = try DevelopmentCertificates.ensure(in: directory)
            #expect(!createdAgain)
            #expect(second.serverCertificate == first.serverCertificate)
            #expect(try contents(of: second) == before)
        }
    }

    @Test("an existing CA signs a regenerated server certificate instead of being replaced")
    func keepsExistingCA() throws {
        try withTemporaryDirectory { directory in
            let (files, _) = try DevelopmentCertificates.ensure(in: directory)
            let caBefore = try Data(contentsOf: files.caCertificate)
            let serverBefore = try Data(contentsOf: files.serverCertificate)
            try FileManager.default.removeItem(at: files.serverCertificate)
            try FileManager.default.removeItem(at: files.serverKey)

            let (_, created) = try DevelopmentCertificates.ensure(in: directory)
            #expect(created)
            #expect(try Data(contentsOf: files.caCertificate) == caBefore)
            #expect(try Data(contentsOf: files.serverCertificate) != serverBefore)
            let result = try openssl(["verify", "-CAfile", files.caCertificate.path, files.serverCertificate.path])
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test("a directory holding only server.pem is an error, not a silent regeneration")
    func onlyServerCertificateThrows() throws {
        try withTemporaryDirectory { directory in
            let (files, _) = try DevelopmentCertificates.ensure(in: directory)
            try FileManager.default.removeItem(at: files.serverKey)
            let error = #expect(throws: CertificateError.self) {
                try DevelopmentCertificates.ensure(in: directory)
            }
            #expect(error?.description.contains("server-key.pem") == true)
        }
    }

    @Test("a server key that does not match the certificate is reported")
    func mismatchedKeyThrows() throws {
        try withTemporaryDirectory { directory in
            let (files, _) = try DevelopmentCertificates.ensure(in: directory)
            try FileManager.default.removeItem(at: files.serverKey)
            try FileManager.default.copyItem(at: files.caKey, to: files.serverKey)
            #expect(throws: CertificateError.self) {
                try DevelopmentCertificates.ensure(in: directory)
            }
        }
    }

    @Test("the fingerprint matches openssl's SHA-256 fingerprint")
    func fingerprintMatchesOpenSSL() throws {
        try withTemporaryDirectory { directory in
            let (files, _) = try DevelopmentCertificates.ensure(in: directory)
            for url in [files.caCertificate, files.serverCertificate] {
                let result = try openssl(["x509", "-in", url.path, "-noout", "-fingerprint", "-sha256"])
                #expect(result.status == 0, "\(result.output)")
                let line = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
                let expected = try #require(line.split(separator: "=", maxSplits: 1).last.map(String.init))
                let fingerprint = try DevelopmentCertificates.fingerprintSHA256(
                    pem: String(contentsOf: url, encoding: .utf8))
                #expect(fingerprint == expected)
                #expect(fingerprint.count == 32 * 3 - 1)
            }
        }
    }

    @Test("fingerprinting text without a certificate throws")
    func fingerprintOfGarbageThrows() {
        #expect(throws: CertificateError.self) {
            try DevelopmentCertificates.fingerprintSHA256(pem: "not a certificate")
        }
        #expect(throws: CertificateError.self) {
            try DevelopmentCertificates.fingerprintSHA256(pem: "")
        }
    }

    @Test("issued client certificates verify against the CA for TLS client use")
    func clientCertificateVerifies() throws {
        try withTemporaryDirectory { directory in
            let (files, _) = try DevelopmentCertificates.ensure(in: directory)
            let client = try DevelopmentCertificates.issueClientCertificate(
                commonName: "test-client",
                caCertificatePEM: String(contentsOf: files.caCertificate, encoding: .utf8),
                caKeyPEM: String(contentsOf: files.caKey, encoding: .utf8)
            )
            #expect(client.keyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
            let clientURL = directory.appendingPathComponent("client.pem")
            try client.certificatePEM.write(to: clientURL, atomically: true, encoding: .utf8)

            let verify = try openssl(
                ["verify", "-purpose", "sslclient", "-CAfile", files.caCertificate.path, clientURL.path])
            #expect(verify.status == 0, "\(verify.output)")
            #expect(verify.output.contains("\(clientURL.path): OK"), "\(verify.output)")

            let text = try openssl(["x509", "-in", clientURL.path, "-noout", "-text"]).output
            #expect(text.contains("Subject: CN = test-client"), "\(text)")
            #expect(text.contains("TLS Web Client Authentication"), "\(text)")
            #expect(text.contains("CA:FALSE"), "\(text)")

            // The returned key must belong to the returned certificate.
            let keyURL = directory.appendingPathComponent("client-key.pem")
            try client.keyPEM.write(to: keyURL, atomically: true, encoding: .utf8)
            let certificateKey = try openssl(["x509", "-in", clientURL.path, "-noout", "-pubkey"])
            let privateKey = try openssl(["pkey", "-in", keyURL.path, "-pubout"])
            #expect(certificateKey.status == 0 && privateKey.status == 0)
            #expect(certificateKey.output == privateKey.output)
        }
    }

    @Test("issuing a client certificate with a key that is not the CA's fails")
    func clientCertificateWithWrongKeyThrows() throws {
        try withTemporaryDirectory { directory in
            let (files, _) = try DevelopmentCertificates.ensure(in: directory)
            #expect(throws: CertificateError.self) {
                try DevelopmentCertificates.issueClientCertificate(
                    commonName: "test-client",
                    caCertificatePEM: String(contentsOf: files.caCertificate, encoding: .utf8),
                    caKeyPEM: String(contentsOf: files.serverKey, encoding: .utf8)
                )
            }
            // A server certificate is not a CA, even with its own key.
            #expect(throws: CertificateError.self) {
                try DevelopmentCertificates.issueClientCertificate(
                    commonName: "test-client",
                    caCertificatePEM: String(contentsOf: files.serverCertificate, encoding: .utf8),
                    caKeyPEM: String(contentsOf: files.serverKey, encoding: .utf8)
                )
            }
        }
    }
}

@Suite("SHA-256 digests")
struct SHA256DigestTests {
    @Test("known test vectors")
    func knownVectors() {
        #expect(SHA256Digest.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hash(Array("abc".utf8)).count == 32)
    }

    @Test("contiguous and non-contiguous inputs of a megabyte give the NIST digest")
    func millionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256Digest.hex(bytes) == expected)
        #expect(SHA256Digest.hex(Data(bytes)) == expected)
        #expect(SHA256Digest.hex(bytes[...]) == expected)
        #expect(SHA256Digest.hex(repeatElement(UInt8(ascii: "a"), count: 1_000_000)) == expected)
    }
}

// MARK: - Helpers

private struct CommandResult {
    var status: Int32
    var output: String
}

/// Runs the system `openssl` with stdout and stderr merged, so one pipe drains everything and cannot deadlock.
private func openssl(_ arguments: [String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

private func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("herald-certificates-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // Generate into a subdirectory so `ensure` has to create it, with its own permissions.
    try body(directory.appendingPathComponent("certs", isDirectory: true))
}

private func permissions(of url: URL) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    let mode = try #require(attributes[.posixPermissions] as? Int)
    return mode & 0o777
}

private func contents(of files: DevelopmentCertificates) throws -> [Data] {
    try [files.caCertificate, files.caKey, files.serverCertificate, files.serverKey].map { try Data(contentsOf: $0) }
}
