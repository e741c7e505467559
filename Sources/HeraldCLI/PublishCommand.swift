import ArgumentParser
import Foundation
import HeraldArticle
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
            '-', as JSON lines or a scraped plain-text article (detected, or forced with --format; .gz is read \
            compressed; inputs of any size are streamed, the article limit applying per article), checks each \
            article locally, and publishes it with PUB. Up to 64 articles are sent ahead of their replies; an \
            article counts as sent once the server has answered it ok, that is once its alerts are stored.

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

    /// PUB lines sent ahead of their replies: enough to keep a server busy across the round trip, few enough that
    /// an error is reported close to the article that caused it.
    static let window = 64

    public func run() async throws {
        let files = try expand(inputs)
        let options = connection.clientOptions
        let progress = isatty(STDERR_FILENO) == 1 && files.count > 1
        let parser = ArticleParser()
        let format = self.format
        let summary = try await HeraldConnection.with(options) { connection in
            var summary = Summary()
            /// The articles sent and not yet answered, oldest first: replies come in order.
            var pending: [(file: String, id: String)] = []
            func settleOldest() async throws {
                let (file, id) = pending.removeFirst()
                let reply = try await connection.reply()
                let object = reply.object
                guard reply.type == "ok" else {
                    summary.errors.append("\(file): article \(id): \(object["message"] as? String ?? reply.text)")
                    return
                }
                summary.sent += 1
                if object["duplicate"] as? Bool == true { summary.duplicates += 1 }
                summary.alerts += object["alerts"] as? Int ?? 0
            }
            for (index, file) in files.enumerated() {
                if progress { StandardStreams.progress("[\(index + 1)/\(files.count)] \(file)") }
                let name = file == "-" ? "<stdin>" : file
                let reader = ArticleReader(path: file, format: format, maximumArticleBytes: parser.maximumBytes)
                for await record in reader.records {
                    reader.taken()
                    let article: Article
                    do throws(ArticleError) {
                        article = try record.article(parser: parser, name: name)
                    } catch {
                        summary.errors.append(error.message)
                        continue
                    }
                    try await connection.send("PUB " + Self.json(article))
                    pending.append((file, article.id))
                    if pending.count >= Self.window { try await settleOldest() }
                }
            }
            while !pending.isEmpty { try await settleOldest() }
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
