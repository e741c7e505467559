import ArgumentParser
import Foundation
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
            .ndjson, .txt) or the content, or forced with --format.

            Alerts go to standard output, one JSON object per line (schema version 1, see PROTOCOL.md), ready for \
            jq. Diagnostics go to standard error. With --explain, each candidate rule that did not fire says why \
            on standard error.

            Exit status: 0 when every input was read (whether or not anything matched); 1 if the rules do not \
            compile or an input could not be read.
            """
    )

    @Option(name: .long, help: "The rule folder to load.")
    public var rules: String = "Rules"

    @Option(name: .long, help: "Article format: auto, json or text.")
    public var format: ArticleFormat = .auto

    @Flag(help: "Explain on standard error why candidate rules fired or did not.")
    public var explain = false

    @Argument(help: "Article files; '-' reads standard input.")
    public var files: [String] = []

    public init() {}

    public func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one article file, or '-' for standard input.") }
    }

    public func run() throws {
        let outcome = RuleSetLoader().load(rules)
        for diagnostic in outcome.diagnostics where diagnostic.severity == .error {
            StandardStreams.error(diagnostic.rendered)
        }
        guard let ruleSet = outcome.ruleSet else { throw ExitCode.failure }
        let parser = ArticleParser()
        var failed = false
        for file in files {
            let bytes: [UInt8]
            if file == "-" {
                bytes = StandardStreams.readStandardInput()
            } else {
                guard let data = FileManager.default.contents(atPath: file) else {
                    StandardStreams.error("herald: cannot read \(file)")
                    failed = true
                    continue
                }
                bytes = [UInt8](data)
            }
            do {
                let name = file == "-" ? "<stdin>" : file
                let articles = try parser.parse(bytes, format: format, name: name)
                for article in articles {
                    let report = ruleSet.match(title: article.title, body: article.body, published: article.published, explain: explain)
                    // Each line says which file (and, in JSON lines, which article) it is about: several inputs
                    // explain in one stream.
                    let origin = articles.count > 1 ? "\(name)#\(article.id)" : name
                    for line in report.explanation { StandardStreams.error("explain: \(origin): \(line)") }
                    var output: [UInt8] = []
                    if !report.matches.isEmpty {
                        let encoded = EncodedArticle(article)
                        for match in report.matches {
                            output += Alert(match: match, encodedArticle: encoded).jsonLineBytes()
                        }
                    }
                    StandardStreams.output(output)
                }
            } catch {
                StandardStreams.error("herald: \(error.message)")
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
    }
}

extension ArticleFormat: ExpressibleByArgument {}
