import ArgumentParser
import Foundation
import HeraldArticle
import HeraldCore
import HeraldRules

/// `herald match FILE…`: run the rules over articles locally and print the alerts, no server involved.
public struct MatchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Match articles against the rules and print the alerts as JSON lines.",
        discussion: """
            Reads each FILE (or standard input for `-`) as articles — JSON lines \
            ({"id"?, "title", "body", "source"?, "url"?, "published"?}) or a scraped plain-text article (title \
            line, optional date line, body, optional `Source:` line) — detected from the extension (.json, .jsonl, \
            .ndjson, .txt) or the content, or forced with --format. Inputs of any size are streamed: JSON lines \
            are read one by one, and the article limit applies to each article. A name ending in .gz (or gzip \
            data on standard input) is decompressed as it is read.

            Alerts go to standard output, one JSON object per line (schema version 1, see PROTOCOL.md), ready for \
            jq, in input order whatever --jobs is. Diagnostics go to standard error: a line that cannot be read is \
            reported with its file and line number and the rest of the input is still matched; a progress line \
            on a terminal for long inputs; and a summary at the end (articles, alerts, errors, MB/s) unless \
            --quiet. With --explain, each candidate rule that did not fire says why on standard error.

            Exit status: 0 when every input and every line was read (whether or not anything matched); 1 if the \
            rules do not compile or anything could not be read.
            """
    )

    @Option(name: .long, help: "The rule folder to load.")
    public var rules: String = "Rules"

    @Option(name: .long, help: "Article format: auto, json or text.")
    public var format: ArticleFormat = .auto

    @Flag(help: "Explain on standard error why candidate rules fired or did not.")
    public var explain = false

    @Option(name: .long, help: "Articles matched at once, on as many threads (default: the number of cores).")
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "No progress line and no summary on standard error.")
    public var quiet = false

    @Argument(help: "Article files; '-' reads standard input.")
    public var files: [String] = []

    public init() {}

    public func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one article file, or '-' for standard input.") }
        if jobs < 1 { throw ValidationError("--jobs must be 1 or more.") }
    }

    public func run() throws {
        let outcome = RuleSetLoader().load(rules)
        for diagnostic in outcome.diagnostics where diagnostic.severity == .error {
            StandardStreams.error(diagnostic.rendered)
        }
        guard let ruleSet = outcome.ruleSet else { throw ExitCode.failure }
        var run = MatchRun(
            ruleSet: ruleSet, parser: ArticleParser(contentIDsOnDemand: true), explain: explain, jobs: jobs,
            showProgress: !quiet && isatty(STDERR_FILENO) == 1)
        for file in files {
            run.match(path: file, format: format)
        }
        run.finish()
        if !quiet { StandardStreams.error(run.summary) }
        if run.errors > 0 { throw ExitCode.failure }
    }
}

extension ArticleFormat: ExpressibleByArgument {}
