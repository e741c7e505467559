import Foundation
import HeraldCore
import HeraldRules
import Logging
import Testing

@testable import HeraldIngest

@Suite("Watched folder")
struct FolderIngestTests {
    /// Runs `body` with an engine over a new store in a temporary folder; then closes the store (its writer
    /// thread ends) and removes the folder, whether `body` threw or not.
    static func withEngine<T>(_ body: (AlertEngine) async throws -> T) async throws -> T {
        let rules = "rule zebra\n    title \"Zebra\"\n    let z = \"zebra\"\n"
        let ruleSet = try #require(RuleSetLoader(source: InMemoryRuleSource(["r/z.rules": rules])).load("r").ruleSet)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteAlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(try await AlertEngine(ruleSet: ruleSet, store: store)))
        } catch {
            outcome = .failure(error)
        }
        await store.close()
        try? FileManager.default.removeItem(at: directory)
        return try outcome.get()
    }

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-inbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func write(_ text: String, _ name: String, in folder: URL) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    func names(_ folder: URL, _ sub: String = "") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(sub).path)) ?? []).sorted()
    }

    @Test("files are ingested once and moved to done/; bad files go to failed/ with the reason beside them")
    func ingest() async throws {
        let folder = try Self.folder()
        try await Self.withEngine { engine in
            let ingest = FolderIngest(folder: folder, engine: engine, logger: Self.logger)
            try write("Zebra spotted\n\nA zebra crossed the road.\n", "a.txt", in: folder)
            try write(#"{"title":"Zebra again","body":"Another zebra."}"# + "\n", "b.jsonl", in: folder)
            try write("{\"title\": broken\n", "c.json", in: folder)
            let pass = await ingest.scanOnce()
            #expect(pass == FolderIngest.Pass(published: 2, duplicates: 0, alerts: 2, failed: 1))
            #expect(names(folder) == ["done", "failed"])
            #expect(names(folder, "done") == ["a.txt", "b.jsonl"])
            #expect(names(folder, "failed") == ["c.json", "c.json.error"])
            let reason = try String(contentsOf: folder.appendingPathComponent("failed/c.json.error"), encoding: .utf8)
            #expect(reason.hasPrefix("c.json:1: malformed JSON"))
            // Nothing left: a second pass does nothing; the same content dropped again is a duplicate.
            #expect(await ingest.scanOnce() == FolderIngest.Pass())
            try write("Zebra spotted\n\nA zebra crossed the road.\n", "a.txt", in: folder)
            #expect(await ingest.scanOnce() == FolderIngest.Pass(published: 0, duplicates: 1, alerts: 0, failed: 0))
            #expect(names(folder, "done") == ["a.txt", "a.txt.1", "b.jsonl"])
        }
    }

    @Test("files still being written (hidden, .tmp, .part) are left alone until renamed")
    func halfWritten() async throws {
        let folder = try Self.folder()
        try await Self.withEngine { engine in
            let ingest = FolderIngest(folder: folder, engine: engine, logger: Self.logger)
            try write("Zebra news\n\nA zebra", ".d.txt", in: folder)
            try write("Zebra news\n\nA zebra", "e.txt.tmp", in: folder)
            try write("Zebra news\n\nA zebra", "f.part", in: folder)
            #expect(await ingest.scanOnce() == FolderIngest.Pass())
            try FileManager.default.moveItem(
                at: folder.appendingPathComponent("e.txt.tmp"), to: folder.appendingPathComponent("e.txt"))
            #expect(await ingest.scanOnce().published == 1)
            #expect(names(folder).contains(".d.txt") && names(folder).contains("f.part"))
        }
    }
}
