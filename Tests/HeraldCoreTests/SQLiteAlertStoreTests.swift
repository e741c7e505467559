import Foundation
import HeraldArticle
import Synchronization
import Testing

@testable import HeraldCore
@testable import HeraldStore

@Suite("SQLite alert store")
struct SQLiteAlertStoreTests {
    /// A line `{"id":<its id>,"rule":"…"}`; the store numbers lines as it commits them, so submitted in order it
    /// gets `id` (which says what the test expects).
    static func entry(_ id: UInt64, _ rule: String, at date: Date = Date(), kind: LogEntry.Kind = .alert) -> NewLogEntry {
        let prefix = Array("{\"id\":".utf8)
        return NewLogEntry(
            kind: kind, rule: rule, severity: "high", tags: ["a", "b"], createdAt: date,
            line: LineTemplate(bytes: prefix + Array(",\"rule\":\"\(rule)\"}".utf8), slots: [.init(offset: prefix.count, id: .own)]),
            dedupKey: "k")
    }

    @Test("committed lines read back in id order, byte for byte; suppressed lines are not replayed")
    func readBack() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            try await store.submit(article: nil, entries: [Self.entry(1, "r1"), Self.entry(2, "r2")]).durable()
            try await store.submit(article: nil, entries: [Self.entry(3, "r3", kind: .suppressed), Self.entry(4, "r4")]).durable()
            let replay = try await store.entries(after: 1, limit: 10)
            #expect(replay.map(\.id) == [2, 4])
            #expect(replay.map(\.rule) == ["r2", "r4"])
            #expect(replay[0].tags == ["a", "b"])
            #expect(String(decoding: replay[1].json, as: UTF8.self) == "{\"id\":4,\"rule\":\"r4\"}")
            #expect(try await store.highestID() == 4)
            await store.close()
        }
    }

    @Test("the commit observer sees each commit once it is durable, in submission order")
    func observer() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            let seen = Mutex<[UInt64]>([])
            store.observeCommits { entries in seen.withLock { $0 += entries.map(\.id) } }
            let tickets = (1...50).map { store.submit(article: nil, entries: [Self.entry(UInt64($0), "r")]) }
            for ticket in tickets { try await ticket.durable() }
            #expect(seen.withLock { $0 } == Array(1...50))
            await store.close()
        }
    }

    @Test("what was committed is there after reopening, and ids continue")
    func reopen() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            let article = ArticleRecord(Article(id: "a1", title: "T", body: "B"), receivedAt: Date())
            try await store.submit(article: article, entries: [Self.entry(1, "r1"), Self.entry(2, "r1")]).durable()
            await store.close()
            let reopened = try stores.open()
            #expect(try await reopened.bounds() == (1, 2))
            #expect(try await reopened.highestID() == 2)
            #expect(try await reopened.article(contentID: article.contentID) == "a1")
            #expect(try await reopened.article(contentID: "nope") == nil)
            #expect(try await reopened.dedupRecords(since: Date().addingTimeInterval(-60)).map(\.id) == [1, 2])
            await reopened.close()
        }
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

    @Test("SINCE finds the first id at or after a time; retention prunes by age and count")
    func sinceAndRetention() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            let now = Date()
            try await store.submit(
                article: nil,
                entries: [
                    Self.entry(1, "old", at: now.addingTimeInterval(-7200)),
                    Self.entry(2, "mid", at: now.addingTimeInterval(-1800)), Self.entry(3, "new", at: now),
                ]
            ).durable()
            #expect(try await store.firstID(since: now.addingTimeInterval(-3600)) == 2)
            #expect(try await store.firstID(since: now.addingTimeInterval(60)) == nil)
            #expect(try await store.prune(maximumAge: 3600, maximumCount: nil, now: now).lines == 1)
            #expect(try await store.bounds() == (2, 3))
            #expect(try await store.prune(maximumAge: nil, maximumCount: 1, now: now).lines == 1)
            #expect(try await store.bounds() == (3, 3))
            #expect(try await store.highestID() == 3)
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

    @Test("retention prunes the articles with the log: by age, and before the oldest line a count limit keeps")
    func pruneArticles() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            let now = Date()
            func article(_ id: String, at date: Date) -> ArticleRecord {
                ArticleRecord(Article(id: id, title: id, body: "body of \(id)"), receivedAt: date)
            }
            let old = article("old", at: now.addingTimeInterval(-7200))
            let mid = article("mid", at: now.addingTimeInterval(-1800))
            let quiet = article("quiet", at: now.addingTimeInterval(-900))
            let new = article("new", at: now)
            try await store.submit(article: old, entries: [Self.entry(1, "r", at: old.receivedAt)]).durable()
            try await store.submit(article: mid, entries: [Self.entry(2, "r", at: mid.receivedAt)]).durable()
            // An article that produced no line is still remembered (for duplicates) and pruned by the same rules.
            try await store.submit(article: quiet, entries: []).durable()
            try await store.submit(article: new, entries: [Self.entry(3, "r", at: new.receivedAt)]).durable()

            let byAge = try await store.prune(maximumAge: 3600, maximumCount: nil, now: now)
            #expect(byAge == PruneOutcome(lines: 1, articles: 1))
            #expect(try await store.article(contentID: old.contentID) == nil)
            #expect(try await store.article(contentID: mid.contentID) == "mid")

            // Keeping 1 line keeps the articles from its time on: quiet and mid go, new stays.
            let byCount = try await store.prune(maximumAge: nil, maximumCount: 1, now: now)
            #expect(byCount == PruneOutcome(lines: 1, articles: 2))
            #expect(try await store.article(contentID: mid.contentID) == nil)
            #expect(try await store.article(contentID: quiet.contentID) == nil)
            #expect(try await store.article(contentID: new.contentID) == "new")
            await store.close()
        }
    }

    @Test("a closed store refuses commits with a clear error; closing it again returns at once")
    func closed() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            await store.close()
            await store.close()
            await #expect(throws: StorageError.self) { try await store.submit(article: nil, entries: [Self.entry(1, "r")]).durable() }
        }
    }

    @Test("an unwritable location is an error, not a crash")
    func unwritable() {
        #expect(throws: (any Error).self) { try SQLiteAlertStore(path: "/proc/herald/none/alerts.sqlite") }
    }
}
