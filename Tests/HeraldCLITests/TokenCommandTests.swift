import ArgumentParser
import Foundation
import HeraldServer
import Testing

@testable import HeraldCLI

@Suite("herald token")
struct TokenCommandTests {
    @Test("token add appends a hash line (never the token) to a private file; bad roles are user errors")
    func add() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tokens-\(UUID().uuidString)")
        let file = directory.appendingPathComponent("tokens").path
        for name in ["alice", "bob"] {
            let command = try #require(
                try HeraldCommand.parseAsRoot(["token", "add", name, "--roles", "publish,subscribe", "--file", file])
                    as? TokenCommand.Add)
            try command.validate()
            try command.run()
        }
        let auth = try AuthFile.load(path: file)
        #expect(auth.tokens.map(\.name) == ["alice", "bob"])
        #expect(auth.tokens.allSatisfy { $0.roles == [.subscribe, .publish] && $0.hash.count == 32 })
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(throws: (any Error).self) { try HeraldCommand.parseAsRoot(["token", "add", "x", "--roles", "root"]) }
    }
}
