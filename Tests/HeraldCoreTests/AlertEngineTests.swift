import Foundation
import HeraldArticle
import HeraldRules
@testable import HeraldStore
import Synchronization
import Testing

@testable import HeraldCore

@Suite("Alert engine: durability, dedup windows, throttles")
struct AlertEngineTests {
    static let lists = "list FIRM\nAlibaba\nByteDance\nBaidu\nlist PLACE\nSunnyvale\nSeattle\n"

    static func ruleSet(_ extra: String = "") throws -> RuleSet {
        let rules = """
            include "l.list"
            rule r1
                title "Firm in place"
                severity high
                tags a
                let firm = @FIRM
                let place = @PLACE
                emit firm=firm, place=place
                dedup firm\(extra)
            """
        let outcome = RuleSetLoader(source: InMemoryRuleSource(["r/m.rules": rules, "r/l.list": lists])).load("r")
        return try #require(outcome.ruleSet, "\(outcome.diagnostics.map(\.rendered))")
    }

    static func json(_ entry: LogEntry) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(entry.json)) as? [String: Any])
    }

    @Test("alerts are durable before publish returns and the observer saw them first, in id order")
    func durableAndObserved() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            let observed = Mutex<[UInt64]>([])
            store.observeCommits { entries in observed.withLock { $0 += entries.map(\.id) } }
            let engine = try await AlertEngine(ruleSet: try Self.ruleSet(), store: store)
            let outcome = try await engine.publish(Article(title: "t", body: "Alibaba is in Sunnyvale. ByteDance is in Seattle."))
            #expect(outcome.alerts.map(\.id) == [1, 2])
            #expect(observed.withLock { $0 } == [1, 2])
            await store.close()
            let reopened = try stores.open()
            let stored = try await reopened.entries(after: 0, limit: 10)
            #expect(stored.map(\.id) == [1, 2])
            #expect(try Self.json(stored[0])["id"] as? Int == 1)
            // A new engine on the same log continues the ids and still knows the article.
            let engine2 = try await AlertEngine(ruleSet: try Self.ruleSet(), store: reopened)
            let again = try await engine2.publish(Article(title: "t", body: "Alibaba is in Sunnyvale. ByteDance is in Seattle."))
            #expect(again.duplicate)
            let next = try await engine2.publish(Article(title: "u", body: "Baidu is in Seattle."))
            #expect(next.alerts.map(\.id) == [3])
            await reopened.close()
        }
    }

    @Test("a repeat inside the dedup window is an update counted on the original, with its sources")
    func dedupWindow() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            let engine = try await AlertEngine(ruleSet: try Self.ruleSet(" window 1h"), store: store)
            let now = Date()
            let first = try await engine.publish(Article(title: "a", body: "Alibaba is in Sunnyvale.", source: "Wire A"), now: now)
            #expect(first.alerts.count == 1)
            var last: LogEntry?
            for (index, source) in ["Wire B", "Wire C", "Wire B"].enumerated() {
                let outcome = try await engine.publish(
                    Article(title: "a\(index)", body: "Alibaba opened in Seattle \(index).", source: source),
                    now: now.addingTimeInterval(Double(60 * (index + 1))))
                #expect(outcome.alerts.isEmpty)
                #expect(outcome.entries.map(\.kind) == [.update])
                last = outcome.entries.first
            }
            let update = try Self.json(try #require(last))
            #expect(update["type"] as? String == "update")
            #expect(update["of"] as? Int == Int(first.alerts[0].id))
            #expect(update["repeats"] as? Int == 3)
            #expect(update["sources"] as? [String] == ["Wire A", "Wire B", "Wire C"])
            // After the window, the same story is news again.
            let later = try await engine.publish(
                Article(title: "z", body: "Alibaba is in Seattle again.", source: "Wire D"), now: now.addingTimeInterval(7200))
            #expect(later.alerts.count == 1)
            #expect(try await store.entries(after: 0, limit: 10).map(\.kind) == [.alert, .update, .update, .update, .alert])
            await store.close()
        }
    }

    @Test("dedup windows survive a restart")
    func dedupAfterRestart() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            let engine = try await AlertEngine(ruleSet: try Self.ruleSet(" window 1h"), store: store)
            _ = try await engine.publish(Article(title: "a", body: "Alibaba is in Sunnyvale."))
            await store.close()
            let reopened = try stores.open()
            let engine2 = try await AlertEngine(ruleSet: try Self.ruleSet(" window 1h"), store: reopened)
            let outcome = try await engine2.publish(Article(title: "b", body: "Alibaba is in Seattle."))
            #expect(outcome.entries.map(\.kind) == [.update])
            await reopened.close()
        }
    }

    @Test("over the throttle, alerts are stored, announced once, and summarised when the window ends")
    func throttle() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            let engine = try await AlertEngine(ruleSet: try Self.ruleSet("\n    throttle 2 per 1h"), store: store)
            let now = Date()
            var kinds: [[LogEntry.Kind]] = []
            for (index, firm) in ["Alibaba", "ByteDance", "Baidu"].enumerated() {
                let outcome = try await engine.publish(
                    Article(title: "t\(index)", body: "\(firm) is in Seattle."), now: now.addingTimeInterval(Double(index)))
                kinds.append(outcome.entries.map(\.kind))
            }
            #expect(kinds == [[.alert], [.alert], [.suppressed, .throttled]])
            let notice = try Self.json(try #require(try await store.entries(after: 0, limit: 10).last))
            #expect(notice["type"] as? String == "throttled")
            #expect(notice["suppressed"] as? Int == 1)
            #expect(notice["final"] as? Bool == false)
            #expect(notice["first_suppressed"] as? Int == 3)
            // The next alert after the window first closes it with a final summary.
            let later = try await engine.publish(Article(title: "late", body: "Alibaba is in Sunnyvale."), now: now.addingTimeInterval(3700))
            #expect(later.entries.map(\.kind) == [.throttled, .alert])
            let summary = try Self.json(later.entries[0])
            #expect(summary["final"] as? Bool == true)
            #expect(summary["suppressed"] as? Int == 1)
            // Suppressed alerts are kept but not replayed.
            #expect(try await store.entries(after: 0, limit: 10).map(\.kind) == [.alert, .alert, .throttled, .throttled, .alert])
            await store.close()
        }
    }

    @Test("publishing the same content twice at once produces its alerts once")
    func concurrentDuplicates() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            let engine = try await AlertEngine(ruleSet: try Self.ruleSet(), store: store)
            let outcomes = try await withThrowingTaskGroup(of: PublishOutcome.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await engine.publish(Article(title: "same", body: "Alibaba is in Seattle.")) }
                }
                var all: [PublishOutcome] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { !$0.duplicate }.count == 1)
            #expect(outcomes.flatMap(\.alerts).count == 1)
            await store.close()
        }
    }

    @Test("200 replays stuck on a slow disk do not hold up publishing: reads run on the store's own threads")
    func replaysDoNotHoldUpPublishing() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            let engine = try await AlertEngine(ruleSet: try Self.ruleSet(), store: store)
            _ = try await engine.publish(Article(title: "t", body: "Alibaba is in Sunnyvale."))
            // Every read now waits until the test lets it go, as on a disk that stalls. Were reads run on the
            // calling task's thread, 200 of them would take every thread of the cooperative pool and the
            // publishing below could never run.
            let gate = DispatchSemaphore(value: 0)
            let started = Mutex(0)
            store.readers.setBeforeRead {
                started.withLock { $0 += 1 }
                gate.wait()
            }
            let replays = Task {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<200 { group.addTask { try await store.entries(after: 0, limit: 100).count } }
                    return try await group.reduce(0, +)
                }
            }
            for index in 0..<20 {
                let outcome = try await engine.publish(
                    Article(title: "t\(index)", body: "ByteDance is in Seattle, story \(index)."))
                #expect(!outcome.duplicate)
            }
            // The stalled reads were queued for the store's reader threads, never more than two at a time.
            #expect(started.withLock { $0 } <= 2)
            store.readers.setBeforeRead(nil)
            for _ in 0..<200 { gate.signal() }
            #expect(try await replays.value >= 200)
        }
    }

    @Test("an article still being matched holds up no other publisher: matching runs outside the engine's actor", .timeLimit(.minutes(1)))
    func matchingOutsideTheActor() async throws {
        try await TemporaryStores.with { stores in
            let store = try stores.open()
            // The article titled "big" stays in matching until the test lets it go, as a very long article would.
            let entered = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let engine = try await AlertEngine(
                ruleSet: try Self.ruleSet(), store: store,
                matchHook: { rules, article in
                    if article.title == "big" {
                        entered.signal()
                        release.wait()
                    }
                    return rules.match(title: article.title, body: article.body)
                })
            let big = Task.detached { try await engine.publish(Article(title: "big", body: "Alibaba is in Sunnyvale.")) }
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    entered.wait()
                    continuation.resume()
                }
            }
            // With matching inside the actor, this publish would wait for "big" forever.
            let small = try await engine.publish(Article(title: "small", body: "ByteDance is in Seattle."))
            #expect(small.alerts.count == 1)
            release.signal()
            #expect(try await big.value.alerts.count == 1)
        }
    }
}
