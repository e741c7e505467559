import Foundation
import HeraldArticle
import HeraldCore
import HeraldRules

/// The work of `herald match`: streams each input's articles in windows, matches a window on `jobs` threads while
/// reading the next, and writes its alerts and explanations in input order, so memory stays bounded by two
/// windows whatever the input's size.
struct MatchRun {
    /// A window closes at this many articles per job, or at ``windowBytes``, whichever comes first: large enough
    /// that threads rarely wait on each other, small enough that output keeps flowing.
    static let articlesPerJob = 2048
    static let windowBytes = 32 << 20

    let ruleSet: RuleSet
    let parser: ArticleParser
    let explain: Bool
    let jobs: Int
    let showProgress: Bool

    private(set) var articles = 0
    private(set) var alerts = 0
    private(set) var errors = 0
    private var bytes = 0
    private let started = ContinuousClock.now
    private var lastProgress: ContinuousClock.Instant?

    init(ruleSet: RuleSet, parser: ArticleParser, explain: Bool, jobs: Int, showProgress: Bool) {
        self.ruleSet = ruleSet
        self.parser = parser
        self.explain = explain
        self.jobs = jobs
        self.showProgress = showProgress
    }

    /// What one record gave: alert lines, explanation lines, or an error message.
    struct Outcome: Sendable {
        var output: [UInt8] = []
        var alerts = 0
        var explanation: [String] = []
        var error: String?
        var isArticle = false
    }

    mutating func match(path: String, format: ArticleFormat) {
        let input: ArticleInput
        do {
            input = try ArticleInput(path: path, format: format, maximumArticleBytes: parser.maximumBytes)
        } catch {
            report(Outcome(error: error.message))
            return
        }
        let articlesBefore = articles
        let errorsBefore = errors
        var readBefore = 0
        /// The next window of records and the input bytes they took; empty at the end of the input.
        func nextWindow() -> (records: [ArticleInput.Record], bytes: Int) {
            var records: [ArticleInput.Record] = []
            var windowBytes = 0
            while records.count < jobs * Self.articlesPerJob && windowBytes < Self.windowBytes, let record = input.next() {
                records.append(record)
                windowBytes += input.bytesRead - readBefore
                readBefore = input.bytesRead
            }
            return (records, windowBytes)
        }
        // While the worker threads match one window, this thread reads the next: on news where most articles are
        // turned away by the prefilter, reading is a good part of the work, and a reader waiting on the workers
        // (and they on it) kept `--jobs 2` near one core.
        var window = nextWindow()
        while !window.records.isEmpty {
            let (ruleSet, parser, explain, jobs, name) = (self.ruleSet, self.parser, self.explain, self.jobs, input.name)
            let matching = ParallelMap.start(window.records, jobs: jobs) { record in
                Self.process(record, name: name, ruleSet: ruleSet, parser: parser, explain: explain)
            }
            let next = jobs > 1 ? nextWindow() : nil
            for outcome in matching.wait() { report(outcome) }
            bytes += window.bytes
            progress(input)
            window = next ?? nextWindow()
        }
        bytes += input.bytesRead - readBefore
        if input.format != .text, articles == articlesBefore, errors == errorsBefore {
            report(Outcome(error: "\(input.name): no articles in the input"))
        }
    }

    /// Clears the progress line, if one was shown.
    mutating func finish() {
        if lastProgress != nil { StandardStreams.progress(nil) }
    }

    var summary: String {
        let seconds = Self.seconds(ContinuousClock.now - started)
        let megabytes = Double(bytes) / 1_000_000
        let rate = seconds > 0 ? megabytes / seconds : 0
        return "herald match: \(articles) articles, \(alerts) alerts, \(errors) errors; "
            + String(format: "%.1f MB in %.2f s (%.1f MB/s)", megabytes, seconds, rate)
    }

    /// Parses and matches one record (on any thread).
    static func process(
        _ record: ArticleInput.Record, name: String, ruleSet: RuleSet, parser: ArticleParser, explain: Bool
    ) -> Outcome {
        let article: Article
        do {
            article = try record.article(parser: parser, name: name)
        } catch {
            return Outcome(error: error.message)
        }
        // Each explanation line says which input and article it is about: several inputs explain in one stream.
        let report = ruleSet.match(title: article.title, body: article.body, published: article.published, explain: explain)
        var outcome = Outcome(isArticle: true)
        if !report.explanation.isEmpty {
            let origin: String
            if case .text = record { origin = name } else { origin = "\(name)#\(article.id)" }
            outcome.explanation = report.explanation.map { "explain: \(origin): \($0)" }
        }
        if !report.matches.isEmpty {
            let encoded = EncodedArticle(article)
            for match in report.matches {
                outcome.output += Alert(match: match, encodedArticle: encoded).jsonLineBytes()
            }
            outcome.alerts = report.matches.count
        }
        return outcome
    }

    private mutating func report(_ outcome: Outcome) {
        if let error = outcome.error {
            errors += 1
            if lastProgress != nil { StandardStreams.progress(nil) }
            StandardStreams.error("herald: \(error)")
        }
        if outcome.isArticle { articles += 1 }
        alerts += outcome.alerts
        for line in outcome.explanation { StandardStreams.error(line) }
        if !outcome.output.isEmpty { StandardStreams.output(outcome.output) }
    }

    /// Rewrites the progress line about once a second, once the run has taken two.
    private mutating func progress(_ input: ArticleInput) {
        guard showProgress else { return }
        let now = ContinuousClock.now
        guard now - started >= .seconds(2), lastProgress.map({ now - $0 >= .seconds(1) }) ?? true else { return }
        lastProgress = now
        let megabytes = Double(bytes) / 1_000_000
        let rate = megabytes / max(Self.seconds(now - started), 0.001)
        var text = "\(input.name): \(articles) articles, \(alerts) alerts, "
            + String(format: "%.1f MB, %.1f MB/s", megabytes, rate)
        if let size = input.size, size > 0 {
            text += String(format: ", %.0f %%", 100 * Double(input.bytesRead) / Double(size))
        }
        StandardStreams.progress(text)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
