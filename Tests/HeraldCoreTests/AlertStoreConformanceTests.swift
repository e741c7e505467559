import Foundation
import HeraldArticle
import Synchronization
import Testing

@testable import HeraldCore
@testable import HeraldStore

/// What every ``AlertStore`` must do, run against each implementation: SQLite, and PostgreSQL in a private test
/// server (``PostgresTestCluster``; without PostgreSQL's binaries the PostgreSQL cases fail, saying so).
@Suite("Alert store conformance", .timeLimit(.minutes(2)))
struct AlertStoreConformanceTests {
    static func json(_ entry: LogEntry) -> String { String(decoding: entry.json, as: UTF8.self) }

    @Test("the store numbers lines at commit, from 1, in submission order; lines read back byte for byte; suppressed ones are not replayed", arguments: Backend.allCases)
    func readBack(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            let first = [NewLogEntry.test("r1"), NewLogEntry.test("r2")]
            let second = [NewLogEntry.test("r3", kind: .suppressed), NewLogEntry.test("r4")]
            try await store.submit(article: nil, entries: first).durable()
            try await store.submit(article: nil, entries: second).durable()
            #expect((first + second).map(\.id.value) == [1, 2, 3, 4])
            let replay = try await store.entries(after: 1, limit: 10)
            #expect(replay.map(\.id) == [2, 4])
            #expect(replay.map(\.rule) == ["r2", "r4"])
            #expect(replay[0].tags == ["a", "b"])
            #expect(Self.json(replay[1]) == #"{"id":4,"rule":"r4"}"#)
            #expect(try await store.entries(before: 4, limit: 10).map(\.id) == [2, 1])
            #expect(try await store.highestID() == 4)
            #expect(try await store.bounds() == (1, 4))
        }
    }

    @Test("a line names another by its id: one of its own submission, or of an earlier one", arguments: Backend.allCases)
    func references(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            let original = NewLogEntry.test("r")
            let pipelined = store.submit(article: nil, entries: [NewLogEntry.test("x"), original])
            // Submitted before the first commit is known: the store resolves the reference when it writes.
            let update = NewLogEntry.test("r", kind: .update, of: .line(original.id))
            let notice = NewLogEntry.test("r", kind: .throttled, of: .line(update.id))
            let later = store.submit(article: nil, entries: [update, notice])
            try await pipelined.durable()
            try await later.durable()
            let lines = try await store.entries(after: 0, limit: 10)
            #expect(lines.map(Self.json) == [
                #"{"id":1,"rule":"x"}"#, #"{"id":2,"rule":"r"}"#, #"{"id":3,"of":2,"rule":"r"}"#, #"{"id":4,"of":3,"rule":"r"}"#,
            ])
            #expect(update.committed.map(Self.json) == #"{"id":3,"of":2,"rule":"r"}"#)
        }
    }

    @Test("the commit observer sees each commit once it is durable, in submission order", arguments: Backend.allCases)
    func observer(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            let seen = Mutex<[UInt64]>([])
            store.observeCommits { entries in seen.withLock { $0 += entries.map(\.id) } }
            let tickets = (1...50).map { store.submit(article: nil, entries: [NewLogEntry.test("r\($0)")]) }
            for ticket in tickets { try await ticket.durable() }
            #expect(seen.withLock { $0 } == Array(1...50))
            #expect(try await store.entries(after: 0, limit: 100).map(\.rule) == (1...50).map { "r\($0)" })
        }
    }

    @Test("calling the commit observer costs as many frames after many commits as after the first (no closure rewrapped per read)", arguments: Backend.allCases)
    func observerDepth(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            let depths = Mutex<[Int]>([])
            store.observeCommits { _ in
                let depth = Thread.callStackSymbols.count
                depths.withLock { $0.append(depth) }
            }
            for index in 1...100 { try await store.submit(article: nil, entries: [NewLogEntry.test("r\(index)")]).durable() }
            let seen = depths.withLock { $0 }
            #expect(seen.count == 100)
            // A closure kept bare in a Mutex gained two thunk frames per read: 2 + 198 here.
            #expect((seen.max() ?? 0) - (seen.min() ?? 0) < 10, "observer call depth grew: \(seen.first ?? 0) -> \(seen.last ?? 0)")
        }
    }

    @Test("what was committed is there after reopening, and ids continue", arguments: Backend.allCases)
    func reopen(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            let article = ArticleRecord(Article(id: "a1", title: "T", body: "B"), receivedAt: Date())
            try await store.submit(article: article, entries: [NewLogEntry.test("r1"), NewLogEntry.test("r1")]).durable()
            await store.close()
            let reopened = try await fixture.open()
            #expect(try await reopened.bounds() == (1, 2))
            #expect(try await reopened.highestID() == 2)
            #expect(try await reopened.article(contentID: article.contentID) == "a1")
            #expect(try await reopened.article(contentID: "nope") == nil)
            #expect(try await reopened.dedupRecords(since: Date().addingTimeInterval(-60)).map(\.id) == [1, 2])
            let next = NewLogEntry.test("r2")
            try await reopened.submit(article: nil, entries: [next]).durable()
            #expect(next.id.value == 3)
        }
    }

    @Test("content the store holds is a duplicate at commit: nothing of it is stored, the ticket names the first article", arguments: Backend.allCases)
    func duplicateAtCommit(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            let body = Article(id: "first", title: "T", body: "the same words")
            let again = Article(id: "second", title: "T", body: "the same words")
            let lines = [NewLogEntry.test("r1")]
            let repeated = [NewLogEntry.test("r1"), NewLogEntry.test("r2")]
            // Both in one batch, and once more later.
            let one = store.submit(article: ArticleRecord(body, receivedAt: Date()), entries: lines)
            let two = store.submit(article: ArticleRecord(again, receivedAt: Date()), entries: repeated)
            try await one.durable()
            try await two.durable()
            #expect(one.duplicateOf == nil)
            #expect(two.duplicateOf == "first")
            #expect(repeated.allSatisfy { $0.id.wasDropped })
            let third = [NewLogEntry.test("r3")]
            let three = store.submit(article: ArticleRecord(again, receivedAt: Date()), entries: third)
            try await three.durable()
            #expect(three.duplicateOf == "first")
            #expect(third[0].id.wasDropped)
            #expect(try await store.entries(after: 0, limit: 10).map(\.rule) == ["r1"])
            // Ids are not used up by duplicates.
            let next = NewLogEntry.test("r4")
            try await store.submit(article: nil, entries: [next]).durable()
            #expect(next.id.value == 2)
        }
    }

    @Test("concurrent submissions share transactions (group commit) and all commit, numbered 1…n", arguments: Backend.allCases)
    func groupCommit(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 1...200 {
                    let ticket = store.submit(article: nil, entries: [NewLogEntry.test("r\(index)")])
                    group.addTask { try await ticket.durable() }
                }
                try await group.waitForAll()
            }
            #expect(try await store.bounds() == (1, 200))
            #expect(try await store.entries(after: 0, limit: 500).map(\.rule) == (1...200).map { "r\($0)" })
        }
    }

    @Test("SINCE finds the first id at or after a time; retention prunes by age and count; ids never go back", arguments: Backend.allCases)
    func sinceAndRetention(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            let now = Date()
            try await store.submit(
                article: nil,
                entries: [
                    .test("old", at: now.addingTimeInterval(-7200)), .test("mid", at: now.addingTimeInterval(-1800)),
                    .test("new", at: now),
                ]
            ).durable()
            #expect(try await store.firstID(since: now.addingTimeInterval(-3600)) == 2)
            #expect(try await store.firstID(since: now.addingTimeInterval(60)) == nil)
            #expect(try await store.prune(maximumAge: 3600, maximumCount: nil, now: now).lines == 1)
            #expect(try await store.bounds() == (2, 3))
            #expect(try await store.prune(maximumAge: nil, maximumCount: 1, now: now).lines == 1)
            #expect(try await store.bounds() == (3, 3))
            #expect(try await store.prune(maximumAge: 0, maximumCount: nil, now: now.addingTimeInterval(10)).lines == 1)
            #expect(try await store.bounds() == (0, 0))
            #expect(try await store.highestID() == 3)
            await store.close()
            let reopened = try await fixture.open()
            let next = NewLogEntry.test("after")
            try await reopened.submit(article: nil, entries: [next]).durable()
            #expect(next.id.value == 4)
        }
    }

    @Test("retention prunes the articles with the log: by age, and before the oldest line a count limit keeps; the archive forgets texts", arguments: Backend.allCases)
    func pruneArticles(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            let now = Date()
            func article(_ id: String, at date: Date) -> ArticleRecord {
                ArticleRecord(Article(id: id, title: id, body: "body of \(id)"), receivedAt: date, archiving: true)
            }
            let old = article("old", at: now.addingTimeInterval(-7200))
            let mid = article("mid", at: now.addingTimeInterval(-1800))
            let quiet = article("quiet", at: now.addingTimeInterval(-900))
            let new = article("new", at: now)
            try await store.submit(article: old, entries: [.test("r", at: old.receivedAt)]).durable()
            try await store.submit(article: mid, entries: [.test("r", at: mid.receivedAt)]).durable()
            // An article that produced no line is still remembered (for duplicates) and pruned by the same rules.
            try await store.submit(article: quiet, entries: []).durable()
            try await store.submit(article: new, entries: [.test("r", at: new.receivedAt)]).durable()

            #expect(try await store.pruneArchive(maximumAge: 1200, now: now) == 2)
            #expect(try await store.pruneArchive(maximumAge: 1200, now: now) == 0)

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
        }
    }

    @Test("a closed store refuses commits with a clear error; closing it again returns at once", arguments: Backend.allCases)
    func closed(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            await store.close()
            await store.close()
            let entry = NewLogEntry.test("r")
            await #expect(throws: StorageError.self) { try await store.submit(article: nil, entries: [entry]).durable() }
            #expect(entry.id.value == nil)
        }
    }

    @Test("the engine over the store: ids from the store, dedup windows and duplicates across a restart", arguments: Backend.allCases)
    func engine(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            let rules = try AlertEngineTests.ruleSet(" window 1h")
            let engine = try await AlertEngine(ruleSet: rules, store: store)
            let first = try await engine.publish(Article(title: "t", body: "Alibaba is in Sunnyvale. ByteDance is in Seattle."))
            #expect(first.alerts.map(\.id) == [1, 2])
            let repeat_ = try await engine.publish(Article(title: "u", body: "Alibaba is in Seattle."))
            #expect(repeat_.entries.map(\.kind) == [.update])
            #expect(repeat_.entries.map(\.id) == [3])
            let update = try AlertEngineTests.json(repeat_.entries[0])
            #expect(update["id"] as? Int == 3)
            #expect(update["of"] as? Int == 1)
            await store.close()

            let reopened = try await fixture.open()
            let engine2 = try await AlertEngine(ruleSet: rules, store: reopened)
            let again = try await engine2.publish(Article(title: "t", body: "Alibaba is in Sunnyvale. ByteDance is in Seattle."))
            #expect(again.duplicate)
            #expect(again.articleID == first.articleID)
            let later = try await engine2.publish(Article(title: "v", body: "ByteDance is in Sunnyvale."))
            #expect(later.entries.map(\.kind) == [.update])
            #expect(try AlertEngineTests.json(later.entries[0])["of"] as? Int == 2)
        }
    }

    @Test("silences are kept with the log: ids from the store, ended early by name, listed by when they end, kept across a reopen", arguments: Backend.allCases)
    func silences(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            // Whole seconds: what the store keeps (milliseconds) reads back equal.
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let drill = try await store.addSilence(
                SilenceRecord(rules: "zebra-*", reason: "drill", createdBy: "ops", startsAt: now, endsAt: now.addingTimeInterval(3600)))
            let short = try await store.addSilence(
                SilenceRecord(rules: "cn-*", reason: nil, createdBy: "admin", startsAt: now, endsAt: now.addingTimeInterval(60)))
            #expect(drill.id > 0 && short.id > drill.id)
            #expect(try await store.silences(endingAfter: now) == [drill, short])
            #expect(try await store.silences(endingAfter: now.addingTimeInterval(120)) == [drill])

            let ended = try await store.endSilence(id: drill.id, endedBy: "ops", now: now.addingTimeInterval(10))
            #expect(ended?.endedBy == "ops")
            #expect(ended?.endsAt == now.addingTimeInterval(10))
            #expect(try await store.endSilence(id: drill.id, endedBy: "ops", now: now.addingTimeInterval(11)) == nil, "ended already")
            #expect(try await store.endSilence(id: 999, endedBy: "ops", now: now) == nil)
            // Ended early: still listed for whoever asks what ended since, with who ended it.
            #expect(try await store.silences(endingAfter: now).map(\.endedBy) == ["ops", nil])
            #expect(try await store.silences(endingAfter: now.addingTimeInterval(20)) == [short])
            await store.close()

            let reopened = try await fixture.open()
            #expect(try await reopened.silences(endingAfter: now.addingTimeInterval(20)) == [short])
            let next = try await reopened.addSilence(
                SilenceRecord(rules: "*", reason: nil, createdBy: "ops", startsAt: now, endsAt: now.addingTimeInterval(5)))
            #expect(next.id > short.id, "ids are never reused")
        }
    }

    @Test("feed state is kept with the log: validators and items seen, replaced by the next poll's, kept across a reopen", arguments: Backend.allCases)
    func feedState(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = try await fixture.open()
            let feed = "https://news.example/rss.xml"
            #expect(try await store.feedState(feed) == nil)
            let first = FeedState(etag: "\"v1\"", lastModified: nil, seen: ["guid-1", "https://news.example/2"])
            try await store.saveFeedState(feed, first)
            #expect(try await store.feedState(feed) == first)
            #expect(try await store.feedState("https://other.example/atom") == nil)
            let second = FeedState(etag: nil, lastModified: "Wed, 02 Dec 2026 10:00:00 GMT", seen: ["guid-1", "guid-3", ""])
            try await store.saveFeedState(feed, second)
            await store.close()
            let reopened = try await fixture.open()
            #expect(try await reopened.feedState(feed) == second)
            try await reopened.saveFeedState(feed, FeedState())
            #expect(try await reopened.feedState(feed) == FeedState())
        }
    }
}
