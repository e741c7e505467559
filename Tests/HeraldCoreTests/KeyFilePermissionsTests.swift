import Foundation
import HeraldCertificates
import Testing

@testable import HeraldCore

@Suite("Key file permissions")
struct KeyFilePermissionsTests {
    static func folder(mode: Int = 0o755) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-perm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: folder.path)
        return folder
    }

    static func file(_ folder: URL, _ name: String, mode: Int) throws -> String {
        let path = folder.appendingPathComponent(name).path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("key".utf8)))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test("keys 0600 or 0400 in a folder 0755 or 0700 are fine; missing keys are left to whoever reads them")
    func safe() throws {
        for (folderMode, keyMode) in [(0o755, 0o600), (0o700, 0o400), (0o775, 0o600)] {
            let folder = try Self.folder(mode: folderMode)
            let key = try Self.file(folder, "k.pem", mode: keyMode)
            #expect(KeyFilePermissions.problems(privateKeys: [key, folder.appendingPathComponent("none").path], folders: [folder.path]).isEmpty)
            try FileManager.default.removeItem(at: folder)
        }
    }

    @Test("any group or other bit on a key is a problem; so is a world-writable folder, sticky or not, named once")
    func unsafe() throws {
        let folder = try Self.folder(mode: 0o1777)
        let keys = try [0o640, 0o604, 0o620, 0o700, 0o600].enumerated().map { try Self.file(folder, "k\($0.offset).pem", mode: $0.element) }
        let problems = KeyFilePermissions.problems(privateKeys: keys, folders: [folder.path + "/"])
        #expect(problems.map(\.path) == [folder.path] + keys.prefix(3), "\(problems)")
        #expect(problems[0].description.contains("(mode 01777)"))
        #expect(problems[0].description.contains("chmod o-w \(folder.path)"))
        #expect(problems[1].description.contains("(mode 0640)"))
        #expect(problems[1].description.contains("chmod 600 \(keys[0])"))
        try FileManager.default.removeItem(at: folder)
    }

    @Test("a symbolic link is judged by the file it points to, as the TLS loader reads that file")
    func symlinkFollowed() throws {
        let folder = try Self.folder()
        let target = try Self.file(folder, "real.pem", mode: 0o644)
        let link = folder.appendingPathComponent("link.pem").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(KeyFilePermissions.problems(privateKeys: [link], folders: []).map(\.mode) == [0o644])
        try FileManager.default.removeItem(at: folder)
    }
}
