import Foundation
import HeraldArticle
import HeraldRules
@testable import HeraldStore
import Testing

@testable import HeraldCore

/// The archive keeps what the server matched, and a backtest tells an edited rule set's alerts apart from the
/// ones that were sent: same, new, changed, gone.
@Suite("Archive and backtest")
struct BacktestTests {
    static let lists = "list FIRM\nAlibaba\nByteDance\nBaidu\nTencent\nlist PLACE\nSunnyvale\nSeattle\nAustin\n"

    /// `firm in place`; `places` narrows the places the rule accepts, as an edit might.
    static func ruleSet(
        rule: String = "r1", places: String = "@PLACE", emit: String = "firm=firm, place=place", dedup: String = ""
    ) throws -> RuleSet {
        let rules = """
            include "l.list"
            rule \(rule)
                title "Firm in place"
                severity high
                let firm = @FIRM
                let place = \(places)
                emit \(emit)
                \(dedup)
            """
        let outcome = RuleSetLoader(source: InMemoryRuleSource(["r/m.rules": rules, "r/l.list": lists])).load("r")
        return try #require(outcome.ruleSet, "\(outcome.diagnostics.map(\.rendered))")
    }

    static let articles = [
        Article(id: "a1", title: "One", body: "Alibaba opened an office in Sunnyvale."),
        Article(id: "a2", title: "Two", body: "ByteDance is hiring in Seattle."),
        Article(id: "a3", title: "Three", body: "Baidu looked at Austin."),
        Article(id: "a4", title: "Four", body: "Nothing here."),
    ]

    /// Publishes ``articles`` through an engine with `ruleSet`, then opens the log read-only as an archive.
    static func archive(
        _ stores: TemporaryStores, ruleSet: RuleSet, archiving: Bool = true, now: Date = Date()
    ) async throws -> SQLiteArticleArchive {
        let store = try stores.open()
        let engine = try await AlertEngine(ruleSet: ruleSet, store: store, archiving: archiving)
        for (index, article) in articles.enumerated() {
            _ = try await engine.publish(article, now: now.addingTimeInterval(Double(index)))
        }
        await store.close()
        return try SQLiteArticleArchive(path: stores.path)
    }

    static func run(_ backtest: Backtest, _ archive: SQLiteArticleArchive) throws -> [String] {
        var lines: [String] = []
        try archive.forEachArticle(since: .distantPast) { article in
            for result in backtest.compare(article) {
                let fields = result.fields.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
                let was = result.was.map { " was " + $0.map { "\($0.name)=\($0.value)" }.joined(separator: ",") } ?? ""
                lines.append("\(result.article.id) \(result.rule) \(result.change.rawValue) \(fields)\(was)")
            }
        }
        return lines
    }

    @Test("the archive returns every article with its text, oldest first; the same rules backtest as all same")
    func unchangedRules() async throws {
        try await TemporaryStores.with { stores in
            let rules = try Self.ruleSet()
            let archive = try await Self.archive(stores, ruleSet: rules)
            var seen: [String] = []
            try archive.forEachArticle(since: .distantPast) { seen.append("\($0.record.id): \($0.body)") }
            #expect(seen == Self.articles.map { "\($0.id): \($0.body)" })
            let backtest = Backtest(ruleSet: rules, logged: try Backtest.loggedMatches(in: archive, since: .distantPast))
            #expect(try Self.run(backtest, archive) == [
                "a1 r1 same firm=Alibaba,place=Sunnyvale", "a2 r1 same firm=ByteDance,place=Seattle",
                "a3 r1 same firm=Baidu,place=Austin",
            ])
        }
    }

    @Test("newest first, and the RELOAD digest: within its budget it covers every article, past it says so")
    func newestFirstAndDigest() async throws {
        try await TemporaryStores.with { stores in
            let rules = try Self.ruleSet()
            let archive = try await Self.archive(stores, ruleSet: rules)
            var seen: [String] = []
            try archive.forEachArticle(since: .distantPast, newestFirst: true) { seen.append($0.record.id) }
            #expect(seen == ["a4", "a3", "a2", "a1"])
            let whole = try BacktestDigest.run(ruleSet: rules, archive: archive, since: .distantPast, budget: .seconds(60))
            #expect(whole.complete && whole.articles == 4)
            #expect(whole.byRule["r1"]?.same == 3)
            let spent = try BacktestDigest.run(ruleSet: rules, archive: archive, since: .distantPast, budget: .zero)
            #expect(!spent.complete && spent.articles == 0)
        }
    }

    @Test("an edited rule set: alerts it adds are new, a different place on the same article is changed, lost ones are gone")
    func editedRules() async throws {
        try await TemporaryStores.with { stores in
            // Sent: only Sunnyvale and Seattle counted.
            let sent = try Self.ruleSet(places: #""Sunnyvale" | "Seattle""#)
            let archive = try await Self.archive(stores, ruleSet: sent)
            // Edited: Austin instead of Sunnyvale.
            let edited = try Self.ruleSet(places: #""Austin" | "Seattle""#)
            let backtest = Backtest(ruleSet: edited, logged: try Backtest.loggedMatches(in: archive, since: .distantPast))
            #expect(try Self.run(backtest, archive) == [
                "a1 r1 gone firm=Alibaba,place=Sunnyvale", "a2 r1 same firm=ByteDance,place=Seattle",
                "a3 r1 new firm=Baidu,place=Austin",
            ])
            // Edited again: the same matches, with other fields.
            let renamed = try Self.ruleSet(places: #""Sunnyvale" | "Seattle""#, emit: "company=firm")
            let changed = Backtest(ruleSet: renamed, logged: try Backtest.loggedMatches(in: archive, since: .distantPast))
            #expect(try Self.run(changed, archive) == [
                "a1 r1 changed company=Alibaba was firm=Alibaba,place=Sunnyvale",
                "a2 r1 changed company=ByteDance was firm=ByteDance,place=Seattle",
            ])
        }
    }

    @Test("repeats inside a dedup window count as logged: dedup is not a difference")
    func dedupIsNotADifference() async throws {
        try await TemporaryStores.with { stores in
            let rules = try Self.ruleSet(dedup: "dedup firm window 24h")
            let store = try stores.open()
            let engine = try await AlertEngine(ruleSet: rules, store: store)
            _ = try await engine.publish(Article(id: "b1", title: "x", body: "Alibaba is in Sunnyvale."))
            _ = try await engine.publish(Article(id: "b2", title: "y", body: "Alibaba, again, in Sunnyvale."))
            await store.close()
            let archive = try SQLiteArticleArchive(path: stores.path)
            let backtest = Backtest(ruleSet: rules, logged: try Backtest.loggedMatches(in: archive, since: .distantPast))
            #expect(try Self.run(backtest, archive) == [
                "b1 r1 same firm=Alibaba,place=Sunnyvale", "b2 r1 same firm=Alibaba,place=Sunnyvale",
            ])
        }
    }

    @Test("with archiving off no text is kept; the archive's retention forgets texts but keeps the articles")
    func archiveOffAndRetention() async throws {
        try await TemporaryStores.with { stores in
            let archive = try await Self.archive(stores, ruleSet: try Self.ruleSet(), archiving: false)
            var count = 0
            try archive.forEachArticle(since: .distantPast) { _ in count += 1 }
            #expect(count == 0)
        }
        try await TemporaryStores.with { stores in
            // One clock for publishing and pruning: measured from the wall clock, a slow run (the whole suite on two
            // cores) let the cutoff pass every article.
            let now = Date()
            _ = try await Self.archive(stores, ruleSet: try Self.ruleSet(), now: now)
            let store = try stores.open()
            // Articles were received over four seconds: a two-second archive, measured from 3.5 s after the first,
            // forgets the first ones.
            let forgotten = try await store.pruneArchive(maximumAge: 2, now: now.addingTimeInterval(3.5))
            #expect(forgotten >= 1 && forgotten < 4)
            #expect(try await store.article(contentID: Self.articles[0].contentID) == "a1", "the article stays for dedup")
            await store.close()
            var left: [String] = []
            try SQLiteArticleArchive(path: stores.path).forEachArticle(since: .distantPast) { left.append($0.record.id) }
            #expect(left.count == 4 - forgotten)
            #expect(left.last == "a4")
        }
    }

    @Test("a missing log, and a log from before the archive, are clear errors")
    func archiveErrors() async throws {
        #expect {
            try SQLiteArticleArchive(path: "/nonexistent/alerts.sqlite")
        } throws: { "\($0)".contains("no alert log at /nonexistent/alerts.sqlite") }
        try await TemporaryStores.with { stores in
            let old = try SQLiteConnection(path: stores.path)
            try old.execute(SQLiteAlertStoreTests.unversionedSchema)
            #expect {
                try SQLiteArticleArchive(path: stores.path)
            } throws: { "\($0)".contains("from before the archive") }
        }
    }
}
