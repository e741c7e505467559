import ArgumentParser
import Foundation
import HeraldCore
import HeraldRules
import HeraldStore

/// `herald backtest`: what a rule folder would have raised over the archived articles, against what was sent.
public struct BacktestCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run a rule folder over the server's archived articles and compare with the alerts it sent.",
        discussion: """
            Reads the articles `herald serve` archived (their texts are kept for [archive] retain, by default as \
            long as the alert log) from the server's data folder, read-only, beside a running server. Each \
            article is matched with the rules in --rules (typically the folder being edited) and every alert \
            they would raise is compared with the alert log: `same`, `new` (the log has no such alert), \
            `changed` (the log has the rule on that article with other fields) or `gone` (logged, and the rules \
            no longer raise it). Repeats inside a dedup window and alerts a throttle held back count as logged.

            Output: JSON lines (one per alert, then one per rule with its counts, then a total), or, on a \
            terminal, a table of the differences per rule. --format chooses. Exit status 0 whether or not \
            anything differs; 1 if the rules do not compile or the archive cannot be read.

            The loop: edit the rules, `herald check`, `herald backtest`, then RELOAD the server.
            """
    )

    public enum OutputFormat: String, ExpressibleByArgument, Sendable {
        case auto, json, table
    }

    @Option(name: .long, help: "The rule folder to try.")
    public var rules: String = "Rules"

    @Option(name: .long, help: ArgumentHelp("How far back: a number and s, m, h, d or w.", valueName: "duration"))
    public var since: String = "7d"

    @Option(name: .long, help: "The server's data folder, holding alerts.sqlite.")
    public var data: String = ".herald"

    @Option(name: .long, help: "Output: auto (a table on a terminal, else JSON lines), json or table.")
    public var format: OutputFormat = .auto

    @Flag(name: .long, help: "In the table, list unchanged alerts too.")
    public var all = false

    @Option(name: .long, help: "Articles matched at once, on as many threads (default: the number of cores).")
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    public func validate() throws {
        if ServerSettings.seconds(since) == nil || since == "0" {
            throw ValidationError("--since takes a number and a unit (s, m, h, d, w), such as 7d")
        }
        if jobs < 1 { throw ValidationError("--jobs must be 1 or more.") }
    }

    public func run() throws {
        let outcome = RuleSetLoader().load(rules)
        for diagnostic in outcome.diagnostics where diagnostic.severity == .error {
            StandardStreams.error(diagnostic.rendered)
        }
        guard let ruleSet = outcome.ruleSet else { throw ExitCode.failure }
        let path = (data as NSString).appendingPathComponent("alerts.sqlite")
        let start = Date().addingTimeInterval(-Double(ServerSettings.seconds(since) ?? 0))
        let table = format == .table || (format == .auto && isatty(STDOUT_FILENO) == 1)
        var report = BacktestReport(table: table, listUnchanged: all, since: start)
        do {
            let archive = try SQLiteArticleArchive(path: path)
            let backtest = Backtest(ruleSet: ruleSet, logged: try Backtest.loggedMatches(in: archive, since: start))
            var window: [ArchivedArticle] = []
            let jobs = self.jobs
            let flush = { (window: [ArchivedArticle], report: inout BacktestReport) in
                for results in ParallelMap.map(window, jobs: jobs, { backtest.compare($0) }) { report.add(results) }
            }
            try archive.forEachArticle(since: start) { article in
                window.append(article)
                if window.count >= jobs * 32 {
                    flush(window, &report)
                    window.removeAll(keepingCapacity: true)
                }
            }
            flush(window, &report)
        } catch {
            StandardStreams.error("herald backtest: \(error)")
            throw ExitCode.failure
        }
        report.finish()
    }
}
