import Foundation
import HeraldArticle
import HeraldCore
import HeraldRules

/// The work of `herald match`: streams each input's articles in windows, matches a window on `jobs` threads, and
/// writes its alerts and explanations in input order before reading the next, so memory stays bounded by one
/// window whatever the input's size.
struct MatchRun {
    /// A window closes at this many articles per job, or at ``windowBytes``, whichever comes first: large enough
    /// that threads rarely wait on each other, small enough that output keeps flowing.
    static let articlesPerJob = 64
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
        var window: [ArticleInput.Record] = []
        var windowBytes = 0
        var readBefore = 0
        while let record = input.next() {
            window.append(record)
            windowBytes += input.bytesRead - readBefore
            readBefore = input.bytesRead
            if window.count >= jobs * Self.articlesPerJob || windowBytes >= Self.windowBytes {
                matchWindow(window, name: input.name)
                window.removeAll(keepingCapacity: true)
                bytes += windowBytes
                windowBytes = 0
                progress(input)
            }
        }
        matchWindow(window, name: input.name)
        bytes += windowBytes + (input.bytesRead - readBefore)
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

    private mutating func matchWindow(_ window: [ArticleInput.Record], name: String) {
        let (ruleSet, parser, explain) = (self.ruleSet, self.parser, self.explain)
        let outcomes = ParallelMap.map(window, jobs: jobs) { record in
            Self.process(record, name: name, ruleSet: ruleSet, parser: parser, explain: explain)
        }
        for outcome in outcomes { report(outcome) }
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
