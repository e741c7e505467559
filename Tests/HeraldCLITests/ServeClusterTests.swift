import Foundation
import HeraldClient
import Synchronization
import Testing

/// Cluster mode end to end (issue #18): three real `herald serve` processes on one PostgreSQL database of the
/// test server (``PostgresTestCluster``), driven by clients over TLS. Every wait is for an event (a line received,
/// an `ok`, a request seen), bounded by a deadline that only a failure reaches.
///
/// Serialized, like ``ServePostgresTests``: each test runs three servers and several clients on two cores.
@Suite("herald serve: three nodes on one PostgreSQL", .serialized, .timeLimit(.minutes(3)))
struct ServeClusterTests {
    /// Two rules: "zebra" and "giraffe" each raise one alert (`zebra-sighting`, `giraffe-sighting`).
    static let rules: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-clusterrules-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let rules = """
            rule zebra-sighting
                title    "Zebra sighted"
                severity high
                let z = "zebra"
                require z

            rule giraffe-sighting
                title    "Giraffe sighted"
                severity low
                let g = "giraffe"
                require g
            """
        try? Data(rules.utf8).write(to: folder.appendingPathComponent("animals.rules"))
        return folder.path
    }()

    /// Starts `count` nodes on the database at `url`, one after the other, named n1, n2, …; stops them after `body`.
    static func withNodes<T>(
        _ count: Int, url: String, extraArguments: [String] = [], _ body: ([ServeProcess]) async throws -> T
    ) async throws -> T {
        func start(_ started: [ServeProcess]) async throws -> T {
            guard started.count < count else { return try await body(started) }
            let arguments = ["--store", url, "--node-name", "n\(started.count + 1)"] + extraArguments
            return try await ServeProcess.with(rules: rules, extraArguments: arguments) { node in
                try await start(started + [node])
            }
        }
        return try await start([])
    }

    static func options(_ node: ServeProcess) -> HeraldClientOptions {
        HeraldClientOptions(host: "localhost", port: node.port, caFile: node.ca)
    }

    /// A `PUB` line for an article that raises one alert of `animal`'s rule; `tag` makes its content distinct.
    static func pub(_ tag: String, _ animal: String = "zebra") -> String {
        #"PUB {"title":"\#(animal.capitalized) news \#(tag)","body":"A \#(animal) was seen near the river, report \#(tag)."}"#
    }

    /// Publishes `lines` on one connection, each after the previous one's `ok`; returns the alert ids acknowledged.
    static func publish(on node: ServeProcess, _ lines: [String]) async throws -> [Int] {
        try await publish(to: options(node), lines)
    }

    static func publish(to options: HeraldClientOptions, _ lines: [String]) async throws -> [Int] {
        try await HeraldConnection.with(options) { connection in
            var ids: [Int] = []
            for line in lines {
                try await connection.send(line)
                let reply = try await connection.reply()
                guard reply.type == "ok" else { throw HeraldClientError("publishing failed: \(reply.text)") }
                ids += reply.object["alert_ids"] as? [Int] ?? []
            }
            return ids
        }
    }

    /// Waits until `condition` holds; fails the test with `what` after `timeout`.
    static func waitUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw HeraldClientError("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test("three nodes are one Herald: a subscriber on each gets the alerts published on all three, once, in id order")
    func threeNodes() async throws {
        let cluster = try await PostgresTestCluster.start()
        let url = cluster.url(of: try await cluster.makeDatabase())
        try await Self.withNodes(3, url: url) { nodes in
            let subscribers = nodes.map { ClusterSubscriber.start($0, "SUB *") { $0.alertIDs.count >= 9 } }
            for subscriber in subscribers { try await subscriber.ready() }
            try await withThrowingTaskGroup(of: [Int].self) { group in
                for (index, node) in nodes.enumerated() {
                    let options = Self.options(node)
                    group.addTask { try await Self.publish(to: options, (1...3).map { Self.pub("n\(index)-\($0)") }) }
                }
                var acknowledged: [Int] = []
                for try await ids in group { acknowledged += ids }
                #expect(acknowledged.sorted() == Array(1...9))
            }
            for (index, subscriber) in subscribers.enumerated() {
                try await subscriber.finished()
                #expect(subscriber.alertIDs == Array(1...9), "subscriber on node \(index + 1): \(subscriber.lines)")
            }
        }
    }

    @Test("replay races live publishing: publishers on two nodes, SUB … FROM on a third gets every line after its id once, in id order, with no gap at the switch to live")
    func replayRace() async throws {
        let cluster = try await PostgresTestCluster.start()
        let url = cluster.url(of: try await cluster.makeDatabase())
        try await Self.withNodes(3, url: url) { nodes in
            let backlog = try await Self.publish(on: nodes[0], (1...20).map { Self.pub("backlog-\($0)") })
            #expect(backlog == Array(1...20))
            let load = PublishLoad()
            let publishers = [nodes[0], nodes[1]].enumerated().map { index, node in
                let options = Self.options(node)
                return Task { try await load.run(on: options, name: "p\(index)", stopOnConnectionLoss: false) }
            }
            try await Self.waitUntil("both publishers' first ok") { load.acknowledgedBy("p0") > 0 && load.acknowledgedBy("p1") > 0 }
            // Replays from id 10 while both nodes commit, then goes live: the race is in the replay's last page and
            // the switch, with lines from other nodes arriving on NOTIFY meanwhile.
            let subscriber = ClusterSubscriber.start(nodes[2], "SUB zebra-* FROM 10") { $0.sawText("sentinel") }
            try await subscriber.ready()
            try await Self.waitUntil("live lines after the replay") { subscriber.liveCount >= 30 }
            load.stop()
            for publisher in publishers { try await publisher.value }
            let last = try #require(try await Self.publish(on: nodes[1], [Self.pub("sentinel")]).last)
            try await subscriber.finished()
            let received = subscriber.alertIDs
            #expect(subscriber.replayedCount != nil, "\(subscriber.lines.prefix(5))")
            #expect(received == Array(11...last), "a gap, a duplicate or a line out of order: \(received)")
            #expect(Set(load.acknowledged).isSubset(of: Set(received)))
            #expect(load.errors.isEmpty, "\(load.errors)")
        }
    }

    @Test("kill -9 of a node under publish load loses no acknowledged alert: every ok'd alert is in the log read from another node, ids without a gap")
    func killUnderLoad() async throws {
        let cluster = try await PostgresTestCluster.start()
        let url = cluster.url(of: try await cluster.makeDatabase())
        try await Self.withNodes(3, url: url) { nodes in
            let load = PublishLoad()
            let victim = Self.options(nodes[0])
            let survivor = Self.options(nodes[1])
            let onVictim = (0..<4).map { index in
                Task { try await load.run(on: victim, name: "victim\(index)", stopOnConnectionLoss: true) }
            }
            let onSurvivor = Task { try await load.run(on: survivor, name: "survivor", stopOnConnectionLoss: false) }
            try await Self.waitUntil("acknowledged articles on the node to be killed") {
                (0..<4).reduce(0) { $0 + load.acknowledgedBy("victim\($1)") } >= 40
            }
            kill(nodes[0].process.processIdentifier, SIGKILL)
            for publisher in onVictim { try await publisher.value }
            load.stop()
            try await onSurvivor.value
            let acknowledged = load.acknowledged
            #expect(acknowledged.count >= 40)

            // The log as another node replays it.
            let reader = ClusterSubscriber.start(nodes[2], "SUB * FROM 0") { $0.replayedCount != nil }
            try await reader.finished()
            let logged = reader.alertIDs
            let lost = Set(acknowledged).subtracting(logged)
            #expect(lost.isEmpty, "acknowledged but not in the log: \(lost.sorted())")
            #expect(logged == Array(1...logged.count), "ids with a gap or out of order")
            #expect(load.errors.isEmpty, "\(load.errors)")
        }
    }

    @Test("PostgreSQL restarts under three nodes: publishes are refused meanwhile, a subscriber on another node is told, and every node recovers by itself")
    func databaseRestart() async throws {
        let cluster = try await PostgresTestCluster.startPrivate()
        let url = cluster.url(of: try await cluster.makeDatabase())
        try await Self.withNodes(3, url: url) { nodes in
            let subscriber = ClusterSubscriber.start(nodes[2], "SUB *") { $0.alertIDs.count >= 2 }
            try await subscriber.ready()
            try await cluster.stop()
            let refused = try await HeraldConnection.with(Self.options(nodes[0])) { connection in
                try await connection.send(Self.pub("down"))
                return try await connection.reply()
            }
            #expect(refused.type == "error", "\(refused.text)")
            #expect(refused.object["code"] as? String == "storage_failed", "\(refused.text)")
            try await Self.waitUntil("the subscriber told of the outage") { subscriber.sawText("store_unavailable") }
            try await cluster.restart()
            // Each node reconnects on its own; a publish may still find it reconnecting, and is tried again.
            var acknowledged: [Int] = []
            for (index, node) in nodes.prefix(2).enumerated() {
                let deadline = ContinuousClock.now + .seconds(30)
                while true {
                    do {
                        acknowledged += try await Self.publish(on: node, [Self.pub("back-\(index)")])
                        break
                    } catch {
                        guard ContinuousClock.now < deadline else { throw error }
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
            }
            #expect(acknowledged == [1, 2])
            try await subscriber.finished()
            #expect(subscriber.alertIDs == [1, 2])
            try await Self.waitUntil("the subscriber told of the recovery") { subscriber.sawText("store_available") }
        }
        try? await cluster.stop()
    }

    @Test("SILENCE on one node silences every node: a subscriber on another is told, a third node's alerts for it are held back, UNSILENCE anywhere ends it")
    func silenceEverywhere() async throws {
        let cluster = try await PostgresTestCluster.start()
        let url = cluster.url(of: try await cluster.makeDatabase())
        try await Self.withNodes(3, url: url) { nodes in
            let subscriber = ClusterSubscriber.start(nodes[1], "SUB *") { $0.sawText("after-unsilence") }
            try await subscriber.ready()
            let started = try await HeraldConnection.with(Self.options(nodes[0])) { connection in
                try await connection.send("SILENCE zebra-* 1h drill on n1")
                return try await connection.reply()
            }
            #expect(started.type == "ok", "\(started.text)")
            let id = try #require(started.object["silence"] as? String)
            try await Self.waitUntil("the silence announced on node 2") { subscriber.sawText(#""event":"silenced""#) }
            // Published on the third node: the zebra alert is stored but held back on every node; the giraffe's,
            // committed after it, arrives, so the zebra's is not merely late.
            let held = try await Self.publish(on: nodes[2], [Self.pub("silenced"), Self.pub("loose", "giraffe")])
            #expect(held.count == 2)
            try await Self.waitUntil("the giraffe alert") { subscriber.alertIDs.contains(held[1]) }
            #expect(!subscriber.alertIDs.contains(held[0]), "a silenced alert was pushed: \(subscriber.lines)")
            let listed = try await HeraldConnection.with(Self.options(nodes[2])) { connection in
                try await connection.send("SILENCES")
                return try await connection.reply()
            }
            #expect(listed.text.contains(#""silence":"\#(id)""#), "\(listed.text)")
            let ended = try await HeraldConnection.with(Self.options(nodes[2])) { connection in
                try await connection.send("UNSILENCE \(id)")
                return try await connection.reply()
            }
            #expect(ended.type == "ok", "\(ended.text)")
            try await Self.waitUntil("the silence's end announced on node 2") { subscriber.sawText(#""event":"unsilenced""#) }
            _ = try await Self.publish(on: nodes[0], [Self.pub("after-unsilence")])
            try await subscriber.finished()
            #expect(!subscriber.alertIDs.contains(held[0]))
        }
    }

    @Test("feed state is the cluster's: the node that takes over a feed asks with the validators the killed node got, and publishes nothing twice")
    func feedFailover() async throws {
        let rss = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
            <item><title>Zebra news one</title><guid>z-1</guid><description>A zebra was seen, one.</description></item>
            <item><title>Zebra news two</title><guid>z-2</guid><description>A zebra was seen, two.</description></item>
            </channel></rss>
            """
        let feeds = try await FixtureHTTPServer.start(["/rss.xml": .init(body: rss, etag: "\"v1\"")])
        let cluster = try await PostgresTestCluster.start()
        let url = cluster.url(of: try await cluster.makeDatabase())
        let arguments = ["--feed", feeds.url("/rss.xml"), "--feed-interval", "1s", "--log-level", "notice"]
        do {
            try await Self.withNodes(2, url: url, extraArguments: arguments) { nodes in
                // The leader's first poll publishes both items; its next ones are conditional.
                try await Self.waitUntil("a conditional poll") {
                    feeds.requests.contains { $0.path == "/rss.xml" && $0.headers["if-none-match"] == "\"v1\"" }
                }
                let ingesting = try #require(nodes.firstIndex { $0.log.contains("this node runs ingest") })
                let standby = nodes[1 - ingesting]
                let before = feeds.requests.count
                kill(nodes[ingesting].process.processIdentifier, SIGKILL)
                try await Self.waitUntil("the standby to take over ingest") { standby.log.contains("this node runs ingest") }
                let takeover = feeds.requests.count
                try await Self.waitUntil("a poll by the standby") { feeds.requests.count > takeover }
                // The standby never polled this feed before: its first request can only be conditional if it read
                // the validators from the store. (Requests the killed node made after `before` were conditional too.)
                let after = feeds.requests[before...]
                #expect(after.allSatisfy { $0.headers["if-none-match"] == "\"v1\"" }, "\(after.map(\.headers))")
                let updated = rss.replacingOccurrences(
                    of: "</channel>",
                    with: "<item><title>Zebra news three</title><guid>z-3</guid><description>A zebra was seen, three.</description></item></channel>")
                feeds.set("/rss.xml", .init(body: updated, etag: "\"v2\""))
                let log = ClusterSubscriber.start(standby, "SUB * FROM 0") { $0.alertIDs.count >= 3 }
                try await log.finished()
                #expect(log.alertIDs == [1, 2, 3])
                // The items the killed node published were not published again: only the new one.
                #expect(log.lines.filter { $0.contains("Zebra news three") }.count == 1, "\(log.lines)")
            }
        } catch {
            await feeds.stop()
            throw error
        }
        await feeds.stop()
    }
}

/// A subscriber on one node, reading on a task of its own until `done` says so (or the connection ends).
final class ClusterSubscriber: Sendable {
    private struct State {
        var lines: [String] = []
        var alertIDs: [Int] = []
        var ready = false
        var replayedCount: Int?
        var liveCount = 0
        var failure: String?
        var finished = false
    }

    private let state = Mutex(State())

    var lines: [String] { state.withLock { $0.lines } }
    var alertIDs: [Int] { state.withLock { $0.alertIDs } }
    /// How many lines the replay sent, once its `replayed` line came.
    var replayedCount: Int? { state.withLock { $0.replayedCount } }
    /// Alerts after the replay (all of them, for a subscription without one).
    var liveCount: Int { state.withLock { $0.liveCount } }
    func sawText(_ text: String) -> Bool { state.withLock { $0.lines.contains { $0.contains(text) } } }

    static func start(
        _ node: ServeProcess, _ command: String, done: @escaping @Sendable (ClusterSubscriber) -> Bool
    ) -> ClusterSubscriber {
        let subscriber = ClusterSubscriber()
        let replays = command.contains(" FROM ")
        let options = ServeClusterTests.options(node)
        Task {
            do {
                try await HeraldConnection.with(options) { connection in
                    try await connection.send(command)
                    let reply = try await connection.reply()
                    guard reply.type == "ok" else { throw HeraldClientError("\(command) refused: \(reply.text)") }
                    subscriber.state.withLock { $0.ready = true }
                    while !done(subscriber) {
                        guard let line = try await connection.nextLine() else {
                            throw HeraldClientError("the server closed the connection")
                        }
                        subscriber.state.withLock { state in
                            state.lines.append(line.text)
                            if line.type == "alert", let id = line.object["id"] as? Int {
                                state.alertIDs.append(id)
                                if state.replayedCount != nil || !replays { state.liveCount += 1 }
                            } else if line.type == "replayed" {
                                state.replayedCount = line.object["count"] as? Int ?? 0
                            }
                        }
                    }
                }
            } catch {
                subscriber.state.withLock { $0.failure = "\(error)" }
            }
            subscriber.state.withLock { $0.finished = true }
        }
        return subscriber
    }

    /// Waits for the `ok` to the subscription.
    func ready() async throws {
        try await ServeClusterTests.waitUntil("the subscription's ok") { state.withLock { $0.ready || $0.finished } }
        if let failure = state.withLock({ $0.failure }) { throw HeraldClientError(failure) }
    }

    /// Waits until `done` held and the connection closed.
    func finished(timeout: Duration = .seconds(60)) async throws {
        do {
            try await ServeClusterTests.waitUntil("the subscriber's last line", timeout: timeout) { state.withLock { $0.finished } }
        } catch {
            throw HeraldClientError("\(error); lines: \(lines.suffix(5))")
        }
        if let failure = state.withLock({ $0.failure }) {
            throw HeraldClientError("subscriber: \(failure); lines: \(lines.suffix(5))")
        }
    }
}

/// Publishers that each send an article, wait for its `ok`, and go on until stopped; what was acknowledged is
/// recorded per publisher.
final class PublishLoad: Sendable {
    private struct State {
        var acknowledged: [String: [Int]] = [:]
        var errors: [String] = []
        var stopped = false
    }

    private let state = Mutex(State())

    var acknowledged: [Int] { state.withLock { $0.acknowledged.values.flatMap { $0 } } }
    var errors: [String] { state.withLock { $0.errors } }
    func acknowledgedBy(_ name: String) -> Int { state.withLock { $0.acknowledged[name]?.count ?? 0 } }
    func stop() { state.withLock { $0.stopped = true } }

    /// Publishes on `node` until stopped. With `stopOnConnectionLoss`, the connection failing (its node was killed)
    /// ends the run quietly: what was acknowledged before is what counts.
    func run(on options: HeraldClientOptions, name: String, stopOnConnectionLoss: Bool) async throws {
        do {
            try await HeraldConnection.with(options) { connection in
                var index = 0
                while !state.withLock({ $0.stopped }) {
                    index += 1
                    try await connection.send(ServeClusterTests.pub("\(name)-\(index)"))
                    let reply = try await connection.reply()
                    if reply.type == "ok" {
                        let ids = reply.object["alert_ids"] as? [Int] ?? []
                        state.withLock { $0.acknowledged[name, default: []] += ids }
                    } else {
                        state.withLock { $0.errors.append("\(name): \(reply.text)") }
                    }
                }
            }
        } catch {
            guard stopOnConnectionLoss else { throw error }
        }
    }
}
