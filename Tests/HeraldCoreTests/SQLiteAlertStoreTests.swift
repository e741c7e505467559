import Foundation
import Testing

@testable import HeraldCore

@Suite("SQLite alert store")
struct SQLiteAlertStoreTests {
    static func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("alerts.sqlite").path
    }

    static func entry(_ rule: String, at date: Date = Date(), key: String? = nil) -> PendingEntry {
        PendingEntry(kind: .alert, rule: rule, severity: "high", tags: ["a", "b"], dedupKey: key, createdAt: date) { id in
            Array("{\"id\":\(id),\"rule\":\"\(rule)\"}".utf8)
        }
    }

    @Test("ids are monotonic across commits and the JSON is rendered with its id")
    func ids() async throws {
        let store = try SQLiteAlertStore(path: try Self.temporaryPath())
        let first = try await store.commit(article: nil, entries: [Self.entry("r1"), Self.entry("r2")])
        let second = try await store.commit(article: nil, entries: [Self.entry("r3")])
        #expect(first.map(\.id) == [1, 2])
        #expect(second.map(\.id) == [3])
        #expect(String(decoding: second[0].json, as: UTF8.self) == "{\"id\":3,\"rule\":\"r3\"}")
        let replay = try await store.entries(after: 1, limit: 10)
        #expect(replay.map(\.id) == [2, 3])
        #expect(replay.map(\.rule) == ["r2", "r3"])
        #expect(replay[0].tags == ["a", "b"])
        await store.close()
    }

    @Test("what was committed is there after reopening, and ids continue")
    func reopen() async throws {
        let path = try Self.temporaryPath()
        let store = try SQLiteAlertStore(path: path)
        let article = ArticleRecord(Article(id: "a1", title: "T", body: "B"), receivedAt: Date())
        _ = try await store.commit(article: article, entries: [Self.entry("r1"), Self.entry("r1")])
        await store.close()
        let reopened = try SQLiteAlertStore(path: path)
        #expect(try await reopened.bounds() == (1, 2))
        #expect(try await reopened.article(contentID: article.contentID) == "a1")
        #expect(try await reopened.article(contentID: "nope") == nil)
        #expect(try await reopened.commit(article: nil, entries: [Self.entry("r2")]).map(\.id) == [3])
        await reopened.close()
    }

    @Test("concurrent commits share transactions (group commit) and get distinct, ordered ids")
    func groupCommit() async throws {
        let store = try SQLiteAlertStore(path: try Self.temporaryPath())
        let ids = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for index in 0..<200 {
                group.addTask { try await store.commit(article: nil, entries: [Self.entry("r\(index)")]).map(\.id) }
            }
            var all: [UInt64] = []
            for try await batch in group { all += batch }
            return all
        }
        #expect(ids.sorted() == Array(1...200))
        let counters = store.commitCounters
        #expect(counters.requests == 200)
        #expect(counters.transactions < 200, "expected batching, got \(counters)")
        await store.close()
    }

    @Test("SINCE finds the first id at or after a time; retention prunes by age and count")
    func sinceAndRetention() async throws {
        let store = try SQLiteAlertStore(path: try Self.temporaryPath())
        let now = Date()
        _ = try await store.commit(
            article: nil,
            entries: [
                Self.entry("old", at: now.addingTimeInterval(-7200)), Self.entry("mid", at: now.addingTimeInterval(-1800)),
                Self.entry("new", at: now),
            ])
        #expect(try await store.firstID(since: now.addingTimeInterval(-3600)) == 2)
        #expect(try await store.firstID(since: now.addingTimeInterval(60)) == nil)
        #expect(try await store.prune(maximumAge: 3600, maximumCount: nil, now: now) == 1)
        #expect(try await store.bounds() == (2, 3))
        #expect(try await store.prune(maximumAge: nil, maximumCount: 1, now: now) == 1)
        #expect(try await store.bounds() == (3, 3))
        await store.close()
    }

    @Test("a closed store refuses commits with a clear error")
    func closed() async throws {
        let store = try SQLiteAlertStore(path: try Self.temporaryPath())
        await store.close()
        await #expect(throws: StorageError.self) { try await store.commit(article: nil, entries: [Self.entry("r")]) }
    }

    @Test("an unwritable location is an error, not a crash")
    func unwritable() {
        #expect(throws: (any Error).self) { try SQLiteAlertStore(path: "/proc/herald/none/alerts.sqlite") }
    }
}
