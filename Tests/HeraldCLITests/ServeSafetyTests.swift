import Foundation
import HeraldCertificates
import HeraldCore
import Testing

/// `herald serve` refuses to start on an unsafe setup, and says what to fix: private keys readable by others, a
/// certificate folder anyone can write to, a "loopback" host that is really a DNS name.
@Suite("herald serve: unsafe setups are refused", .timeLimit(.minutes(2)))
struct ServeSafetyTests {
    static let rules = ClientCommandTests.root.appendingPathComponent("Rules").path

    /// A fresh folder with a development CA and server certificate in `certs/` (keys 0600, folder 0755).
    static func folderWithCertificates() throws -> (folder: URL, certs: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-safety-\(UUID().uuidString)")
        let certs = folder.appendingPathComponent("certs")
        _ = try DevelopmentCertificates.ensure(in: certs)
        return (folder, certs)
    }

    static func serve(_ folder: URL, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await HeraldProcess.run(
            ["serve", "--port", "0", "--rules", rules, "--data", folder.appendingPathComponent("data").path] + arguments,
            timeout: .seconds(60))
    }

    static func chmod(_ url: URL, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    static func remove(_ folder: URL) {
        try? FileManager.default.removeItem(at: folder)
    }

    @Test(
        "a private key readable or writable by group or others stops serve, naming the file and the chmod",
        arguments: [("server-key.pem", 0o644), ("server-key.pem", 0o640), ("ca-key.pem", 0o604), ("server-key.pem", 0o620)])
    func looseKeyRefused(file: String, mode: Int) async throws {
        let (folder, certs) = try Self.folderWithCertificates()
        defer { Self.remove(folder) }
        let key = certs.appendingPathComponent(file)
        try Self.chmod(key, mode)
        let result = try await Self.serve(folder, ["--certs", certs.path])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains(key.path), "\(result.stderr)")
        #expect(result.stderr.contains("mode 0\(String(mode, radix: 8))"), "\(result.stderr)")
        #expect(result.stderr.contains("chmod 600 \(key.path)"), "\(result.stderr)")
        #expect(!result.stdout.contains("listening"))
    }

    @Test("a certificate folder anyone can write to stops serve, even before anything is generated in it")
    func worldWritableFolderRefused() async throws {
        let (folder, certs) = try Self.folderWithCertificates()
        defer { Self.remove(folder) }
        try Self.chmod(certs, 0o777)
        let existing = try await Self.serve(folder, ["--certs", certs.path])
        #expect(existing.status == 1, "\(existing)")
        #expect(existing.stderr.contains("\(certs.path) is writable by everyone (mode 0777)"), "\(existing.stderr)")
        #expect(existing.stderr.contains("chmod o-w \(certs.path)"), "\(existing.stderr)")
        #expect(!existing.stdout.contains("listening"))

        let empty = folder.appendingPathComponent("empty-certs")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try Self.chmod(empty, 0o1777)
        let fresh = try await Self.serve(folder, ["--certs", empty.path])
        #expect(fresh.status == 1, "\(fresh)")
        #expect(fresh.stderr.contains("\(empty.path) is writable by everyone"), "\(fresh.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty, "nothing generated in it")
    }

    @Test("--key given by the user is checked the same way, and so is the folder holding it")
    func ownKeyChecked() async throws {
        let (folder, certs) = try Self.folderWithCertificates()
        defer { Self.remove(folder) }
        let arguments = [
            "--cert", certs.appendingPathComponent("server.pem").path, "--key",
            certs.appendingPathComponent("server-key.pem").path,
        ]
        try Self.chmod(certs.appendingPathComponent("server-key.pem"), 0o604)
        let loose = try await Self.serve(folder, arguments)
        #expect(loose.status == 1, "\(loose)")
        #expect(loose.stderr.contains("chmod 600"), "\(loose.stderr)")
        try Self.chmod(certs.appendingPathComponent("server-key.pem"), 0o600)
        try Self.chmod(certs, 0o757)
        let folderOpen = try await Self.serve(folder, arguments)
        #expect(folderOpen.status == 1, "\(folderOpen)")
        #expect(folderOpen.stderr.contains("is writable by everyone"), "\(folderOpen.stderr)")
    }

    @Test("protected mode: a host name that starts with 127. is not loopback, and serve says so")
    func lookalikeHostRefused() async throws {
        let (folder, certs) = try Self.folderWithCertificates()
        defer { Self.remove(folder) }
        let result = try await Self.serve(folder, ["--certs", certs.path, "--host", "127.0.0.1.attacker.example"])
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stderr.contains("refusing to listen on 127.0.0.1.attacker.example with no authentication configured"),
            "\(result.stderr)")
        #expect(!result.stdout.contains("listening"))
    }

    @Test("keys 0600 in a folder 0755 (what serve generates): serve starts")
    func safeSetupStarts() async throws {
        try await ServeProcess.with(rules: Self.rules) { server in
            #expect(server.port > 0)
            let key = server.folder.appendingPathComponent("certs/server-key.pem")
            let mode = try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }
}
