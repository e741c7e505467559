import Foundation
import HeraldArticle
import HeraldCore
import HeraldRules
import HeraldStore
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing

@testable import HeraldIngest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Watched folder", .timeLimit(.minutes(1)))
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

    func errorText(_ folder: URL, _ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent("failed/\(name).error"), encoding: .utf8)
    }

    @Test("a symbolic link is not followed: it goes to failed/ with the reason, and its target is not published")
    func symlinkNotFollowed() async throws {
        let folder = try Self.folder()
        let outside = try Self.folder().appendingPathComponent("secret.txt")
        try Data("Zebra secret\n\nA zebra behind a link.\n".utf8).write(to: outside)
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("link.txt").path, withDestinationPath: outside.path)
        try await Self.withEngine { engine in
            let ingest = FolderIngest(folder: folder, engine: engine, logger: Self.logger)
            #expect(await ingest.scanOnce() == FolderIngest.Pass(published: 0, duplicates: 0, alerts: 0, failed: 1))
            #expect(names(folder, "failed") == ["link.txt", "link.txt.error"])
            #expect(try errorText(folder, "link.txt").contains("symbolic link"))
            // The link itself was moved; what it points to is untouched.
            let moved = try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("failed/link.txt").path)
            #expect(moved == outside.path)
            #expect(FileManager.default.fileExists(atPath: outside.path))
        }
    }

    @Test("a file over the size limit is refused by its size, without being read")
    func sizeCheckedFirst() async throws {
        let folder = try Self.folder()
        // 1 GiB, sparse: reading it whole would take a gigabyte of memory for nothing.
        let huge = folder.appendingPathComponent("huge.jsonl")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()
        try write("Zebra small\n\nA zebra.\n", "small.txt", in: folder)
        try await Self.withEngine { engine in
            let ingest = FolderIngest(folder: folder, engine: engine, logger: Self.logger)
            #expect(await ingest.scanOnce() == FolderIngest.Pass(published: 1, duplicates: 0, alerts: 1, failed: 1))
            let reason = try errorText(folder, "huge.jsonl")
            #expect(reason.contains("1073741824 bytes is over the 10485760-byte limit; the file was not read"), "\(reason)")
        }
    }

    @Test("a FIFO (or any file that is not a regular file) is not opened: it goes to failed/ at once")
    func fifoNotOpened() async throws {
        let folder = try Self.folder()
        #expect(mkfifo(folder.appendingPathComponent("pipe.txt").path, 0o644) == 0)
        try write("Zebra\n\nA zebra.\n", "z.txt", in: folder)
        try await Self.withEngine { engine in
            let ingest = FolderIngest(folder: folder, engine: engine, logger: Self.logger)
            // Opening the FIFO for reading would wait for a writer for ever; the pass ends instead.
            #expect(await ingest.scanOnce() == FolderIngest.Pass(published: 1, duplicates: 0, alerts: 1, failed: 1))
            let reason = try errorText(folder, "pipe.txt")
            #expect(reason.contains("not a regular file (a FIFO)"), "\(reason)")
        }
    }

    @Test("a file that cannot be moved away is not read again at every pass, until it changes")
    func unmovableRemembered() async throws {
        let folder = try Self.folder()
        // done/ and failed/ are files, not folders: nothing can be moved into them.
        try write("not a folder", "done", in: folder)
        try write("not a folder", "failed", in: folder)
        try write("Zebra spotted\n\nA zebra crossed the road.\n", "a.txt", in: folder)
        try write("{\"title\": broken\n", "b.json", in: folder)
        try await Self.withEngine { engine in
            let ingest = FolderIngest(folder: folder, engine: engine, logger: Self.logger)
            #expect(await ingest.scanOnce() == FolderIngest.Pass(published: 1, duplicates: 0, alerts: 1, failed: 1))
            #expect(names(folder) == ["a.txt", "b.json", "done", "failed"])
            // Still there, unchanged: not read again (a re-read would count a duplicate and a failure).
            #expect(await ingest.scanOnce() == FolderIngest.Pass())
            #expect(await ingest.scanOnce() == FolderIngest.Pass())
            // A new file under the same name is new: it is read.
            try write("Zebra again\n\nAnother zebra, a new story.\n", "a.txt", in: folder)
            #expect(await ingest.scanOnce() == FolderIngest.Pass(published: 1, duplicates: 0, alerts: 1, failed: 0))
            #expect(await ingest.scanOnce() == FolderIngest.Pass())
        }
    }

    @Test("a file the store cannot take stays where it is for the next pass: it is not moved to failed/")
    func storeFailureLeavesFile() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (engine, store, directory) = try await Self.engineAndStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("Zebra spotted\n\nA zebra crossed the road.\n", "a.txt", in: folder)
        // What SIGTERM used to do: the store closed while the folder was still being watched.
        await store.close()
        let ingest = FolderIngest(folder: folder, engine: engine, logger: Self.logger)
        let pass = await ingest.scanOnce()
        #expect(pass.failed == 0 && pass.published == 0)
        #expect(names(folder) == ["a.txt", "done", "failed"])
        #expect(names(folder, "failed").isEmpty)
    }

    static func engineAndStore() async throws -> (AlertEngine, SQLiteAlertStore, URL) {
        let rules = "rule zebra\n    title \"Zebra\"\n    let z = \"zebra\"\n"
        let ruleSet = try #require(RuleSetLoader(source: InMemoryRuleSource(["r/z.rules": rules])).load("r").ruleSet)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteAlertStore(path: directory.appendingPathComponent("alerts.sqlite").path)
        do {
            return (try await AlertEngine(ruleSet: ruleSet, store: store), store, directory)
        } catch {
            await store.close()
            throw error
        }
    }

    @Test("shutdown: the watched folder is a service stopped before the store; a file taken during it lands in done/")
    func fileTakenDuringShutdown() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (engine, store, directory) = try await Self.engineAndStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("Zebra spotted\n\nA zebra crossed the road.\n", "a.txt", in: folder)
        try write("Zebra again\n\nAnother zebra.\n", "b.txt", in: folder)
        let group = NIOLockedValueBox<ServiceGroup?>(nil)
        let taken = NIOLockedValueBox<[String]>([])
        // SIGTERM arrives just after the first file was read, before its article is published.
        let ingest = FolderIngest(
            folder: folder, engine: engine, interval: .seconds(3600),
            afterRead: { name in
                taken.withLockedValue { $0.append(name) }
                await group.withLockedValue { $0 }?.triggerGracefulShutdown()
                // Returns once the shutdown has reached the ingest's task (at once for a later file).
                try? await gracefulShutdown()
            },
            logger: Self.logger)
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [StoreService(store: store), ingest], logger: Self.logger))
        group.withLockedValue { $0 = serviceGroup }
        try await serviceGroup.run()
        #expect(taken.withLockedValue { $0 } == ["a.txt"])
        // The file in hand was finished while the store was open; the next one waits for the next start.
        #expect(names(folder, "done") == ["a.txt"])
        #expect(names(folder, "failed").isEmpty)
        #expect(names(folder) == ["b.txt", "done", "failed"])
        // The store was closed by the group, after the ingest stopped: publishing now fails.
        await #expect(throws: (any Error).self) {
            _ = try await engine.publish(Article(title: "Zebra", body: "zebra"))
        }
    }
}
