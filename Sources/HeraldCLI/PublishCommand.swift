import ArgumentParser
import Foundation
import HeraldClient
import HeraldCore

/// `herald publish`: send articles from files, folders or standard input to a server.
public struct PublishCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Send articles to a Herald server and report what they produced.",
        discussion: """
            Reads each FILE, every article file in each DIR (*.txt, *.json, *.jsonl, *.ndjson or no extension; not \
            recursive; hidden files skipped), or standard input for \
            '-', as JSON lines or a scraped plain-text article (detected, or forced with --format), checks each \
            article locally, and publishes it with PUB, waiting for the server's reply: an article counts as sent \
            once the server has stored its alerts.

            At the end a summary goes to standard error: articles sent, duplicates (content the server had \
            already seen), alerts produced, and errors, each error with its file and reason. On a terminal a \
            progress line shows which file is being sent.

            Exit status: 0 when every article was accepted (duplicates included); 1 if any file could not be \
            read or parsed or any article was refused.
            """
    )

    @Argument(help: "Article files or folders; '-' reads standard input.")
    public var inputs: [String] = []

    @Option(help: "Article format: auto, json or text.")
    public var format: ArticleFormat = .auto

    @OptionGroup var connection: ServerConnectionOptions

    public init() {}

    public func validate() throws {
        if inputs.isEmpty { throw ValidationError("Give at least one file or folder, or '-' for standard input.") }
    }

    struct Summary {
        var sent = 0
        var duplicates = 0
        var alerts = 0
        var errors: [String] = []
    }

    public func run() async throws {
        let files = try expand(inputs)
        let options = connection.clientOptions
        let progress = isatty(STDERR_FILENO) == 1 && files.count > 1
        let parser = ArticleParser()
        let summary = try await HeraldConnection.with(options) { connection in
            var summary = Summary()
            for (index, file) in files.enumerated() {
                if progress { StandardStreams.progress("[\(index + 1)/\(files.count)] \(file)") }
                let articles: [Article]
                do {
                    articles = try parser.parse(try read(file), format: format, name: file)
                } catch let error as ArticleError {
                    summary.errors.append(error.message)
                    continue
                } catch {
                    summary.errors.append("\(file): \(error)")
                    continue
                }
                for article in articles {
                    try await connection.send("PUB " + Self.json(article))
                    let reply = try await connection.reply()
                    let object = reply.object
                    guard reply.type == "ok" else {
                        summary.errors.append("\(file): article \(article.id): \(object["message"] as? String ?? reply.text)")
                        continue
                    }
                    summary.sent += 1
                    if object["duplicate"] as? Bool == true { summary.duplicates += 1 }
                    summary.alerts += object["alerts"] as? Int ?? 0
                }
            }
            return summary
        }
        if progress { StandardStreams.progress(nil) }
        StandardStreams.error(
            "herald publish: \(summary.sent) sent, \(summary.duplicates) duplicates, \(summary.alerts) alerts, "
                + "\(summary.errors.count) errors")
        for error in summary.errors { StandardStreams.error("  \(error)") }
        if !summary.errors.isEmpty { throw ExitCode.failure }
    }

    private func expand(_ inputs: [String]) throws -> [String] {
        var files: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            if input != "-", FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: input)
                    .filter { !$0.hasPrefix(".") && Self.articleExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
                    .sorted()
                files += names.map { (input as NSString).appendingPathComponent($0) }.filter { path in
                    var nested: ObjCBool = false
                    return FileManager.default.fileExists(atPath: path, isDirectory: &nested) && !nested.boolValue
                }
            } else {
                files.append(input)
            }
        }
        return files
    }

    /// What a folder's article files end in; other files there (a README, notes) are not articles.
    static let articleExtensions: Set<String> = ["txt", "text", "json", "jsonl", "ndjson", ""]

    private func read(_ file: String) throws -> [UInt8] {
        if file == "-" { return StandardStreams.readStandardInput() }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw HeraldClientError("\(file): cannot read the file")
        }
        return [UInt8](data)
    }

    /// The article as the one-line JSON object PUB takes.
    static func json(_ article: Article) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("id", article.id)
        writer.string("title", article.title)
        writer.string("body", article.body)
        writer.optionalString("source", article.source)
        writer.optionalString("url", article.url)
        writer.optionalString("published", article.published)
        writer.endObject()
        return writer.string
    }
}
