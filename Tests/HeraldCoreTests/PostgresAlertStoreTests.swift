import Foundation
import HeraldArticle
import HeraldStorePostgres
import Synchronization
import Testing

@testable import HeraldCore
@testable import HeraldStore

/// What only the PostgreSQL store does: several nodes on one log. Each test's stores share one database of the test
/// server (``PostgresTestCluster``), so two stores are two nodes. Serialized: several of these race publishers on
/// purpose, and the timing tests of other suites running beside them on two cores must keep their margins.
@Suite("PostgreSQL alert store: several nodes", .serialized, .timeLimit(.minutes(2)))
struct PostgresAlertStoreTests {
    /// The trap of ids taken at insert: a transaction that took id 5 may commit after one that took id 6, and a
    /// reader that saw 6 and asks for "after 6" never sees 5. With ids given under the head lock at commit, a
    /// reader polling "after my last id" while publishers on two nodes race must see every id exactly once, in
    /// order, with no gap.
    @Test("ids are in commit order across nodes: a reader asking for 'after my last id' during racing commits misses nothing")
    func commitOrderedIDs() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let nodes = [try await fixture.open(), try await fixture.open()]
            let reader = try await fixture.open()
            let publishersPerNode = 4
            let perPublisher = 60
            let total = nodes.count * publishersPerNode * perPublisher
            let publishing = PublishingDone()
            let readerTask = Task { () throws -> [UInt64] in
                var seen: [UInt64] = []
                var last: UInt64 = 0
                while seen.count < total {
                    // Read after the publishers finished: an empty page then means a line was skipped for good.
                    let finished = publishing.value.load(ordering: .acquiring)
                    let page = try await reader.entries(after: last, limit: 50)
                    for line in page {
                        seen.append(line.id)
                        last = line.id
                    }
                    if page.isEmpty {
                        if finished { break }
                        try await Task.sleep(for: .milliseconds(1))
                    }
                }
                return seen
            }
            let published = try await withThrowingTaskGroup(of: Int.self) { group in
                for (node, store) in nodes.enumerated() {
                    for publisher in 0..<publishersPerNode {
                        group.addTask {
                            // Pipelined, as a busy publisher is: up to 8 submissions in flight.
                            var inFlight: [CommitTicket] = []
                            for index in 0..<perPublisher {
                                inFlight.append(
                                    store.submit(article: nil, entries: [.test("n\(node)-p\(publisher)-\(index)", dedupKey: nil)]))
                                if inFlight.count >= 8 { try await inFlight.removeFirst().durable() }
                            }
                            for ticket in inFlight { try await ticket.durable() }
                            return perPublisher
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            publishing.value.store(true, ordering: .releasing)
            let seen = try await readerTask.value
            #expect(published == total)
            #expect(seen.count == total)
            #expect(seen == Array(1...UInt64(total)), "the reader skipped or repeated ids")
            #expect(try await reader.highestID() == UInt64(total))
            // Each node's lines kept their submission order.
            let lines = try await reader.entries(after: 0, limit: total + 1)
            for node in 0..<nodes.count {
                for publisher in 0..<publishersPerNode {
                    let mine = lines.map(\.rule).filter { $0.hasPrefix("n\(node)-p\(publisher)-") }
                    #expect(mine == (0..<perPublisher).map { "n\(node)-p\(publisher)-\($0)" })
                }
            }
        }
    }

    @Test("every node's commit observer sees every node's lines, each once, in id order, while both publish")
    func crossNodeDelivery() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let nodes = [try await fixture.open(), try await fixture.open()]
            let observed = [ObservedIDs(), ObservedIDs()]
            for (node, store) in nodes.enumerated() {
                let seen = observed[node]
                store.observeCommits { lines in seen.append(lines.map(\.id)) }
            }
            let perNode = 150
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (node, store) in nodes.enumerated() {
                    group.addTask {
                        var inFlight: [CommitTicket] = []
                        for index in 0..<perNode {
                            inFlight.append(store.submit(article: nil, entries: [.test("n\(node)-\(index)", dedupKey: nil)]))
                            if inFlight.count >= 4 { try await inFlight.removeFirst().durable() }
                        }
                        for ticket in inFlight { try await ticket.durable() }
                    }
                }
                try await group.waitForAll()
            }
            let total = UInt64(nodes.count * perNode)
            for node in nodes.indices {
                // Other nodes' lines arrive on their NOTIFY: give them a moment.
                try await observed[node].wait(until: total)
                #expect(observed[node].ids == Array(1...total), "node \(node)")
            }
        }
    }

    @Test("a node whose LISTEN connection was killed catches up from the last id it delivered, missing nothing")
    func catchUpAfterLosingListen() async throws {
        let cluster = try await PostgresTestCluster.start()
        try await StoreFixture.with(.postgres) { fixture in
            let configuration = try #require(fixture.postgres)
            let publisher = try await fixture.open()
            let follower = try await fixture.open()
            let observed = ObservedIDs()
            follower.observeCommits { lines in observed.append(lines.map(\.id)) }
            try await publisher.submit(article: nil, entries: [.test("first")]).durable()
            try await observed.wait(until: 1)
            // Every connection of the database goes, the follower's LISTEN among them; the publisher commits on.
            try await cluster.psql(
                "postgres",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(configuration.database)' AND pid <> pg_backend_pid()")
            var committed = 1
            for index in 0..<20 {
                if (try? await publisher.submit(article: nil, entries: [.test("after\(index)")]).durable()) != nil { committed += 1 }
            }
            #expect(committed >= 20)
            try await observed.wait(until: UInt64(committed))
            #expect(observed.ids == Array(1...UInt64(committed)))
        }
    }

    @Test("the same content published on two nodes at once is stored once; the other node is told whose it was")
    func duplicatesAcrossNodes() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let nodes = [try await fixture.open(), try await fixture.open()]
            let rounds = 40
            let outcomes = try await withThrowingTaskGroup(of: (Int, Int, String?, Bool).self) { group in
                for round in 0..<rounds {
                    for (node, store) in nodes.enumerated() {
                        group.addTask {
                            let article = ArticleRecord(
                                Article(id: "node\(node)-\(round)", title: "story \(round)", body: "the same story, number \(round)"),
                                receivedAt: Date())
                            let line = NewLogEntry.test("r\(round)")
                            let ticket = store.submit(article: article, entries: [line])
                            try await ticket.durable()
                            return (round, node, ticket.duplicateOf, line.id.value != nil)
                        }
                    }
                }
                var all: [(Int, Int, String?, Bool)] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            for round in 0..<rounds {
                let both = outcomes.filter { $0.0 == round }
                #expect(both.count == 2)
                let stored = both.filter { $0.2 == nil }
                #expect(stored.count == 1, "round \(round): \(both)")
                #expect(stored.allSatisfy { $0.3 })
                if let winner = stored.first, let loser = both.first(where: { $0.2 != nil }) {
                    #expect(loser.2 == "node\(winner.1)-\(round)")
                    #expect(!loser.3)
                }
            }
            let lines = try await nodes[0].entries(after: 0, limit: 1000)
            #expect(lines.count == rounds)
            #expect(lines.map(\.id) == Array(1...UInt64(rounds)))
        }
    }

    @Test("two engines on two nodes publishing the same story at once: one publishes it, the other is told it is a duplicate of that one")
    func enginesRaceOnDuplicates() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let rules = try AlertEngineTests.ruleSet()
            let engines = [
                try await AlertEngine(ruleSet: rules, store: try await fixture.open()),
                try await AlertEngine(ruleSet: rules, store: try await fixture.open()),
            ]
            let rounds = 30
            let outcomes = try await withThrowingTaskGroup(of: (Int, Int, PublishOutcome).self) { group in
                for round in 0..<rounds {
                    for (node, engine) in engines.enumerated() {
                        group.addTask {
                            let article = Article(id: "n\(node)-\(round)", title: "t", body: "Alibaba is in Seattle, story \(round).")
                            return (round, node, try await engine.publish(article))
                        }
                    }
                }
                var all: [(Int, Int, PublishOutcome)] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            for round in 0..<rounds {
                let both = outcomes.filter { $0.0 == round }
                let published = both.filter { !$0.2.duplicate }
                #expect(published.count == 1, "round \(round)")
                #expect(published.first?.2.alerts.count == 1)
                if let winner = published.first, let loser = both.first(where: { $0.2.duplicate }) {
                    #expect(loser.2.articleID == "n\(winner.1)-\(round)")
                    #expect(loser.2.alerts.isEmpty)
                    #expect(loser.2.entries.isEmpty)
                }
            }
            // Published again on either node, each story is a duplicate of the article that was stored, even on the
            // node whose engine had first taken it for its own.
            for round in 0..<rounds {
                guard let winner = outcomes.first(where: { $0.0 == round && !$0.2.duplicate }) else { continue }
                for (node, engine) in engines.enumerated() {
                    let again = try await engine.publish(
                        Article(id: "again-\(node)-\(round)", title: "t", body: "Alibaba is in Seattle, story \(round)."))
                    #expect(again.duplicate)
                    #expect(again.articleID == "n\(winner.1)-\(round)", "node \(node), round \(round)")
                }
            }
            let stored = try await engines[0].store.entries(after: 0, limit: 1000)
            #expect(stored.map(\.id) == Array(1...UInt64(rounds)))
            let ids = outcomes.flatMap { $0.2.alerts.map(\.id) }.sorted()
            #expect(ids == Array(1...UInt64(rounds)))
        }
    }

    @Test("the ingest lease is held by one node at a time, and passes on when its holder gives it up or loses its connection")
    func ingestLease() async throws {
        let cluster = try await PostgresTestCluster.start()
        try await StoreFixture.with(.postgres) { fixture in
            let configuration = try #require(fixture.postgres)
            let nodes = [try await fixture.open(), try await fixture.open()].compactMap { $0 as? PostgresAlertStore }
            let first = nodes[0].ingestLease()
            let second = nodes[1].ingestLease()
            #expect(try await first.tryAcquire())
            #expect(try await first.tryAcquire(), "asking again while holding it is fine")
            #expect(try await !second.tryAcquire())
            #expect(await first.confirm())
            await first.release()
            #expect(await !first.confirm())
            #expect(try await second.tryAcquire())
            #expect(try await !first.tryAcquire())
            // The holder's connection dies (as when its node is killed): the server frees the lock.
            try await cluster.psql(
                "postgres",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(configuration.database)' AND pid <> pg_backend_pid()")
            #expect(await !second.confirm())
            #expect(try await first.tryAcquire())
            await first.release()
            await second.release()
        }
    }

    /// Waits until `engine` has taken in at least `count` lines from other nodes.
    static func waitUntilLearned(_ engine: AlertEngine, _ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while await engine.linesLearned < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test("dedup windows and throttles span the nodes: a repeat on another node is an update of the first node's alert, and both nodes' alerts count toward a throttle")
    func dedupAndThrottleAcrossNodes() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let windowed = try AlertEngineTests.ruleSet(" window 1h")
            let a = try await AlertEngine(ruleSet: windowed, store: try await fixture.open())
            let b = try await AlertEngine(ruleSet: windowed, store: try await fixture.open())
            let first = try await a.publish(Article(title: "a", body: "Alibaba is in Sunnyvale.", source: "Wire A"))
            #expect(first.alerts.map(\.id) == [1])
            try await Self.waitUntilLearned(b, 1)
            let repeated = try await b.publish(Article(title: "b", body: "Alibaba opened in Seattle.", source: "Wire B"))
            #expect(repeated.alerts.isEmpty)
            #expect(repeated.entries.map(\.kind) == [.update])
            let update = try AlertEngineTests.json(try #require(repeated.entries.first))
            #expect(update["of"] as? Int == 1)
        }
        try await StoreFixture.with(.postgres) { fixture in
            let throttled = try AlertEngineTests.ruleSet("\n    throttle 2 per 1h")
            let a = try await AlertEngine(ruleSet: throttled, store: try await fixture.open())
            let b = try await AlertEngine(ruleSet: throttled, store: try await fixture.open())
            _ = try await a.publish(Article(title: "1", body: "Alibaba is in Seattle."))
            _ = try await a.publish(Article(title: "2", body: "ByteDance is in Seattle."))
            try await Self.waitUntilLearned(b, 2)
            let third = try await b.publish(Article(title: "3", body: "Baidu is in Seattle."))
            #expect(third.entries.map(\.kind) == [.suppressed, .throttled])
        }
    }

    @Test("nodes announce themselves and list each other; a broadcast command reaches every node")
    func membership() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let nodes = [try await fixture.open(), try await fixture.open()].compactMap { $0 as? PostgresAlertStore }
            let heard = [ObservedCommands(), ObservedCommands()]
            for (index, node) in nodes.enumerated() {
                let commands = heard[index]
                node.observeCommands { commands.append($0) }
            }
            try await nodes[0].announce(node: "a", state: Array(#"{"hash":"h1"}"#.utf8))
            try await nodes[1].announce(node: "b", state: Array(#"{"hash":"h2"}"#.utf8))
            try await nodes[1].announce(node: "b", state: Array(#"{"hash":"h3"}"#.utf8))
            let members = try await nodes[0].members(seenWithin: 60)
            #expect(members.map(\.name) == ["a", "b"])
            #expect(members.map { String(decoding: $0.state, as: UTF8.self) } == [#"{"hash":"h1"}"#, #"{"hash":"h3"}"#])
            #expect(try await nodes[0].members(seenWithin: -1).isEmpty)
            // The control listeners connect in the background: broadcast until both have heard one.
            let deadline = ContinuousClock.now + .seconds(10)
            while heard.contains(where: { $0.commands.isEmpty }), ContinuousClock.now < deadline {
                try await nodes[1].broadcast("reload")
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(heard.allSatisfy { $0.commands.first == "reload" })
        }
    }

    @Test("a silence added or ended on one node is news to the others: their observer fires, and they read it from the store")
    func silencesAcrossNodes() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let a = try await fixture.open()
            let b = try await fixture.open()
            let changes = Atomic(0)
            b.observeSilenceChanges { changes.add(1, ordering: .relaxed) }
            // The control listener connects in the background, and reports once it has (news it may have missed).
            try await Self.waitFor { changes.load(ordering: .relaxed) > 0 }
            let seen = changes.load(ordering: .relaxed)
            let now = Date()
            let silence = try await a.addSilence(
                SilenceRecord(rules: "zebra-*", reason: "drill", createdBy: "ops", startsAt: now, endsAt: now.addingTimeInterval(3600)))
            try await Self.waitFor { changes.load(ordering: .relaxed) > seen }
            #expect(try await b.silences(endingAfter: now).map(\.id) == [silence.id])
            let before = changes.load(ordering: .relaxed)
            #expect(try await b.endSilence(id: silence.id, endedBy: "other", now: Date()) != nil)
            #expect(try await a.endSilence(id: silence.id, endedBy: "ops", now: Date()) == nil, "ended on the other node already")
            try await Self.waitFor { changes.load(ordering: .relaxed) > before }
            #expect(try await a.silences(endingAfter: now).map(\.endedBy) == ["other"])
            // Feed state written by one node is what the other reads.
            try await a.saveFeedState("https://x.example/rss", FeedState(etag: "e1", seen: ["1", "2"]))
            #expect(try await b.feedState("https://x.example/rss") == FeedState(etag: "e1", seen: ["1", "2"]))
        }
    }

    /// Waits (up to 10 s) until `condition` holds.
    static func waitFor(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(condition())
    }

    @Test("the schema is versioned: a new database is set up once; one written by a newer Herald is refused")
    func schemaVersions() async throws {
        let cluster = try await PostgresTestCluster.start()
        try await StoreFixture.with(.postgres) { fixture in
            let configuration = try #require(fixture.postgres)
            let store = try await fixture.open()
            #expect((store as? PostgresAlertStore)?.schemaMigration == nil)
            let again = try await fixture.open()
            #expect((again as? PostgresAlertStore)?.schemaMigration == nil)
            let version = try await cluster.psql(configuration.database, "SELECT version FROM herald_schema")
            #expect(version.trimmingCharacters(in: .whitespacesAndNewlines) == "\(PostgresAlertStore.schemaVersion)")
            try await cluster.psql(configuration.database, "UPDATE herald_schema SET version = 99")
            do {
                _ = try await fixture.open()
                Issue.record("a database from a newer Herald was opened")
            } catch {
                #expect("\(error)".contains("schema version 99"), "\(error)")
                #expect("\(error)".contains("newer Herald"), "\(error)")
            }
        }
    }

    @Test("PostgreSQL unreachable at open is a clear error naming where, not a hang")
    func unreachable() async throws {
        try await PostgresTestCluster.withRefusingPort { port in
            var configuration = PostgresStoreConfiguration(
                host: "127.0.0.1", port: port, username: "herald", database: "herald", tlsMode: .disable)
            configuration.connectTimeout = .seconds(2)
            let started = ContinuousClock.now
            do {
                let store = try await PostgresAlertStore(configuration: configuration, logger: StoreFixture.logger)
                await store.close()
                Issue.record("a store opened with nothing listening on port \(port)")
            } catch {
                #expect(error is StorageError)
                #expect("\(error)".contains("cannot be reached"), "\(error)")
                #expect("\(error)".contains("127.0.0.1:\(port)"), "\(error)")
            }
            // Refused at once when alone; the bound leaves room for a loaded machine, it only rules out a hang.
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    @Test("a database that does not exist is a clear error")
    func missingDatabase() async throws {
        let cluster = try await PostgresTestCluster.start()
        let configuration = PostgresStoreConfiguration(
            host: "127.0.0.1", port: cluster.port, username: "herald", database: "no_such_database", tlsMode: .disable)
        do {
            let store = try await PostgresAlertStore(configuration: configuration, logger: StoreFixture.logger)
            await store.close()
            Issue.record("a store opened a database that does not exist")
        } catch {
            #expect("\(error)".contains("no_such_database"), "\(error)")
        }
    }

    @Test("connections killed under the store: a commit fails with an error or succeeds, never a false ok, and the store reconnects by itself")
    func reconnects() async throws {
        let cluster = try await PostgresTestCluster.start()
        try await StoreFixture.with(.postgres) { fixture in
            let configuration = try #require(fixture.postgres)
            let store = try await fixture.open()
            try await store.submit(article: nil, entries: [.test("before")]).durable()
            #expect(try await store.highestID() == 1)
            try await cluster.psql(
                "postgres",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(configuration.database)' AND pid <> pg_backend_pid()")
            var committed: [String] = []
            var failed = 0
            for attempt in 0..<5 {
                let line = NewLogEntry.test("after\(attempt)")
                do {
                    try await store.submit(article: nil, entries: [line]).durable()
                    committed.append("after\(attempt)")
                } catch {
                    #expect(error is StorageError)
                    #expect(line.id.wasDropped)
                    failed += 1
                }
            }
            #expect(failed == 0, "a batch whose BEGIN found the connection dead is tried again on a new one")
            #expect(!committed.isEmpty)
            // Reads reconnect too; and exactly the acknowledged lines are there.
            var stored: [String] = []
            for _ in 0..<2 {
                if let lines = try? await store.entries(after: 1, limit: 10) {
                    stored = lines.map(\.rule)
                    break
                }
            }
            #expect(stored == committed)
        }
    }
}

/// Set once every publisher of a test has had its last commit acknowledged.
final class PublishingDone: Sendable {
    let value = Atomic(false)
}

/// The ids a commit observer was handed, in order.
final class ObservedIDs: Sendable {
    private let state = Mutex<[UInt64]>([])

    var ids: [UInt64] { state.withLock { $0 } }

    func append(_ ids: [UInt64]) { state.withLock { $0 += ids } }

    /// Waits (up to 10 s) until an id of at least `id` has been seen.
    func wait(until id: UInt64) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while (ids.last ?? 0) < id, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// The commands a node heard broadcast.
final class ObservedCommands: Sendable {
    private let state = Mutex<[String]>([])
    var commands: [String] { state.withLock { $0 } }
    func append(_ command: String) { state.withLock { $0.append(command) } }
}
