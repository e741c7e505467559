import Foundation
import Synchronization
import Testing

@testable import HeraldCore

@Suite("SQLite alert store")
struct SQLiteAlertStoreTests {
    static func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("alerts.sqlite").path
    }

    static func entry(_ id: UInt64, _ rule: String, at date: Date = Date(), kind: LogEntry.Kind = .alert) -> LogEntry {
        LogEntry(
            id: id, kind: kind, rule: rule, severity: "high", tags: ["a", "b"], createdAt: date,
            json: Array("{\"id\":\(id),\"rule\":\"\(rule)\"}".utf8), dedupKey: "k")
    }

    @Test("committed lines read back in id order, byte for byte; suppressed lines are not replayed")
    func readBack() async throws {
        let store = try SQLiteAlertStore(path: try Self.temporaryPath())
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

    @Test("the commit observer sees each commit once it is durable, in submission order")
    func observer() async throws {
        let store = try SQLiteAlertStore(path: try Self.temporaryPath())
        let seen = Mutex<[UInt64]>([])
        store.observeCommits { entries in seen.withLock { $0 += entries.map(\.id) } }
        let tickets = (1...50).map { store.submit(article: nil, entries: [Self.entry(UInt64($0), "r")]) }
        for ticket in tickets { try await ticket.durable() }
        #expect(seen.withLock { $0 } == Array(1...50))
        await store.close()
    }

    @Test("what was committed is there after reopening, and ids continue")
    func reopen() async throws {
        let path = try Self.temporaryPath()
        let store = try SQLiteAlertStore(path: path)
        let article = ArticleRecord(Article(id: "a1", title: "T", body: "B"), receivedAt: Date())
        try await store.submit(article: article, entries: [Self.entry(1, "r1"), Self.entry(2, "r1")]).durable()
        await store.close()
        let reopened = try SQLiteAlertStore(path: path)
        #expect(try await reopened.bounds() == (1, 2))
        #expect(try await reopened.highestID() == 2)
        #expect(try reopened.article(contentID: article.contentID) == "a1")
        #expect(try reopened.article(contentID: "nope") == nil)
        #expect(try await reopened.dedupRecords(since: Date().addingTimeInterval(-60)).map(\.id) == [1, 2])
        await reopened.close()
    }

    @Test("concurrent submissions share transactions (group commit)")
    func groupCommit() async throws {
        let store = try SQLiteAlertStore(path: try Self.temporaryPath())
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

    @Test("SINCE finds the first id at or after a time; retention prunes by age and count")
    func sinceAndRetention() async throws {
        let store = try SQLiteAlertStore(path: try Self.temporaryPath())
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
        #expect(try await store.prune(maximumAge: 3600, maximumCount: nil, now: now) == 1)
        #expect(try await store.bounds() == (2, 3))
        #expect(try await store.prune(maximumAge: nil, maximumCount: 1, now: now) == 1)
        #expect(try await store.bounds() == (3, 3))
        #expect(try await store.highestID() == 3)
        await store.close()
    }

    @Test("a closed store refuses commits with a clear error")
    func closed() async throws {
        let store = try SQLiteAlertStore(path: try Self.temporaryPath())
        await store.close()
        await #expect(throws: StorageError.self) { try await store.submit(article: nil, entries: [Self.entry(1, "r")]).durable() }
    }

    @Test("an unwritable location is an error, not a crash")
    func unwritable() {
        #expect(throws: (any Error).self) { try SQLiteAlertStore(path: "/proc/herald/none/alerts.sqlite") }
    }
}
