import Foundation
import HeraldRules
import HeraldStore

/// A backtest's counts per rule over a recent window, bounded in time: what `RELOAD` answers with, so whoever
/// reloads sees what the new rules would have done over the last day before anyone relies on them.
public struct BacktestDigest: Sendable, Hashable {
    public var since: Date
    public var articles: Int
    /// Whether every archived article of the window was matched (`false`: the time budget ran out first; the
    /// counts cover the newest ``articles``).
    public var complete: Bool
    public var byRule: [String: BacktestSummary.Counts]

    /// Runs `ruleSet` over the articles archived since `since`, newest first, for at most `budget` of time.
    /// Blocking (SQLite and matching): call it from a thread of its own, never from Swift's cooperative pool.
    public static func run(
        ruleSet: RuleSet, archive: any ArticleArchive, since: Date, budget: Duration
    ) throws -> BacktestDigest {
        let deadline = ContinuousClock.now + budget
        let backtest = Backtest(ruleSet: ruleSet, logged: try Backtest.loggedMatches(in: archive, since: since))
        var summary = BacktestSummary()
        var complete = true
        // Streamed newest first, so a day of articles is never held in memory and a spent budget leaves the newest.
        do {
            try archive.forEachArticle(since: since, newestFirst: true) { article in
                guard ContinuousClock.now < deadline else { throw BudgetSpent() }
                summary.add(backtest.compare(article))
            }
        } catch is BudgetSpent {
            complete = false
        }
        return BacktestDigest(since: since, articles: summary.articles, complete: complete, byRule: summary.byRule)
    }

    private struct BudgetSpent: Error {}
}
