import Foundation
import HeraldArticle
import Synchronization
import Testing

@testable import HeraldCore
@testable import HeraldStore

/// What only the SQLite store does: its schema migrations and group-commit counters. What every store does is in
/// ``AlertStoreConformanceTests``.
@Suite("SQLite alert store")
struct SQLiteAlertStoreTests {
    /// A line the store will number `id` when submitted in order (the store numbers lines; `id` documents it).
    static func entry(_ id: UInt64, _ rule: String, at date: Date = Date(), kind: LogEntry.Kind = .alert) -> NewLogEntry {
        let prefix = Array("{\"id\":".utf8)
        return NewLogEntry(
            kind: kind, rule: rule, severity: "high", tags: ["a", "b"], createdAt: date,
            line: LineTemplate(bytes: prefix + Array(",\"rule\":\"\(rule)\"}".utf8), slots: [.init(offset: prefix.count, id: .own)]),
            dedupKey: "k")
    }

    @Test("concurrent submissions share transactions (group commit)")
    func groupCommit() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 1...200 {
                    let ticket = store.submit(article: nil, entries: [Self.entry(UInt64(index), "r")])
                    group.addTask { try await ticket.durable() }
                }
                try await group.waitForAll()
            }
            #expect(try await store.bounds() == (1, 200))
            let counters = store.commitCounters
            #expect(counters.requests == 200)
            #expect(counters.transactions < 200, "expected batching, got \(counters)")
            await store.close()
        }
    }

    @Test("a commit waits for a submission announced by a publisher still matching, and not for one called off", .timeLimit(.minutes(1)))
    func announcedSubmissions() async throws {
        try await TemporaryStores.with { stores in
            // A delay no test run reaches: the commit must wait for the announced submission itself, not time out.
            let store = try stores.open(commitDelay: .seconds(3600))
            store.expectSubmission()
            store.expectSubmission()
            let first = store.submit(article: nil, entries: [Self.entry(1, "r")])
            // Not needed for the result (one transaction either way), only so that the writer is likely awake and
            // holding the commit when the second arrives.
            try await Task.sleep(for: .milliseconds(50))
            let second = store.submit(article: nil, entries: [Self.entry(2, "r")])
            try await first.durable()
            try await second.durable()
            #expect(store.commitCounters == (transactions: 1, requests: 2))
            // Called off: the commit held for it goes ahead at once (the test's time limit says if it did not).
            store.expectSubmission()
            store.expectSubmission()
            let third = store.submit(article: nil, entries: [Self.entry(3, "r")])
            store.cancelExpectedSubmission()
            try await third.durable()
            #expect(try await store.bounds() == (1, 3))
            await store.close()
        }
    }

    /// The schema as written before it had a version (user_version 0): what a log from an earlier Herald holds.
    static let unversionedSchema = """
        CREATE TABLE IF NOT EXISTS articles (
            content_id TEXT PRIMARY KEY, id TEXT NOT NULL, title TEXT NOT NULL, source TEXT, url TEXT,
            published TEXT, received_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS log (
            id INTEGER PRIMARY KEY, kind TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL,
            tags TEXT NOT NULL, dedup_key TEXT, created_at INTEGER NOT NULL, json BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS log_created ON log(created_at);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """

    static func userVersion(_ path: String) throws -> Int64 {
        let connection = try SQLiteConnection(path: path)
        var version: Int64 = -1
        try connection.query("PRAGMA user_version") { version = $0.integer(0) }
        return version
    }

    static func indexes(_ path: String) throws -> [String] {
        let connection = try SQLiteConnection(path: path)
        var names: [String] = []
        try connection.query("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name") {
            names.append($0.text(0) ?? "")
        }
        return names
    }

    @Test("a log written by the unversioned schema is migrated on open: versioned, indexed, its lines and articles kept")
    func migratesUnversionedLog() async throws {
        try await TemporaryStores.with { stores in
            let path = stores.path
            do {
                let old = try SQLiteConnection(path: path)
                try old.execute("PRAGMA journal_mode=WAL")
                try old.execute(Self.unversionedSchema)
                try old.execute(
                    """
                    INSERT INTO articles VALUES ('c1', 'a1', 'Title', 'Wire', NULL, NULL, 1700000000000);
                    INSERT INTO log VALUES (7, 'alert', 'r1', 'high', 'a', 'k', 1700000000000, CAST('{"id":7}' AS BLOB));
                    INSERT INTO meta VALUES ('highest_id', 9);
                    """)
            }
            #expect(try Self.userVersion(path) == 0)

            let store = try stores.open()
            #expect(store.schemaMigration?.from == 0)
            #expect(store.schemaMigration?.to == SQLiteAlertStore.schemaVersion)
            #expect(try Self.userVersion(path) == Int64(SQLiteAlertStore.schemaVersion))
            #expect(try Self.indexes(path).contains("articles_received"))
            #expect(try await store.bounds() == (7, 7))
            #expect(try await store.highestID() == 9)
            #expect(try await store.article(contentID: "c1") == "a1")
            #expect(String(decoding: try await store.entries(after: 0, limit: 5)[0].json, as: UTF8.self) == #"{"id":7}"#)
            try await store.submit(article: nil, entries: [Self.entry(10, "r2")]).durable()
            await store.close()

            // Opening again finds nothing to do.
            let again = try stores.open()
            #expect(again.schemaMigration == nil)
            #expect(try await again.bounds() == (7, 10))
            await again.close()
        }
    }

    @Test("a new log is created at the current schema version; one from a newer Herald is refused, untouched")
    func schemaVersions() async throws {
        try await TemporaryStores.with { stores in
            let path = stores.path
            let store = try stores.open()
            #expect(store.schemaMigration == nil)
            await store.close()
            #expect(try Self.userVersion(path) == Int64(SQLiteAlertStore.schemaVersion))

            try SQLiteConnection(path: path).execute("PRAGMA user_version = 99")
            do {
                _ = try stores.open()
                Issue.record("a log from a newer Herald was opened")
            } catch {
                #expect("\(error)".contains("schema version 99"), "\(error)")
                #expect("\(error)".contains("newer Herald"), "\(error)")
            }
            #expect(try Self.userVersion(path) == 99)
        }
    }

    @Test("an unwritable location is an error, not a crash")
    func unwritable() {
        #expect(throws: (any Error).self) { try SQLiteAlertStore(path: "/proc/herald/none/alerts.sqlite") }
    }
}
