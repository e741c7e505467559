import Foundation

/// The two article forms Herald reads.
public enum ArticleFormat: String, Sendable, CaseIterable {
    /// Decide per input: by file extension, else by whether the content starts with `{`.
    case auto
    /// One JSON object per line: `{"id"?, "title", "body", "source"?, "url"?, "published"?}`.
    case json
    /// Scraped plain text: a title line, an optional date line, body paragraphs, an optional `Source:` line.
    case text
}

/// Reads articles from JSON lines or scraped plain text, rejecting bad input with a clear ``ArticleError``.
public struct ArticleParser: Sendable {
    /// Inputs larger than this are refused rather than matched (default 10 MiB).
    public var maximumBytes: Int

    /// Longer first lines are taken as body text, not as a headline.
    static let maximumTitleLength = 300

    /// Articles leave their content id to be computed when read (`Article.init(contentIDOnDemand:)`): for batch
    /// matching, which reads it only for articles that raise an alert.
    public var contentIDsOnDemand: Bool

    public init(maximumBytes: Int = 10 << 20, contentIDsOnDemand: Bool = false) {
        self.maximumBytes = maximumBytes
        self.contentIDsOnDemand = contentIDsOnDemand
    }

    /// Parses a whole input (a file, or stdin) in the given format; `name` is used in error messages.
    public func parse(_ bytes: [UInt8], format: ArticleFormat, name: String) throws(ArticleError) -> [Article] {
        guard bytes.count <= maximumBytes else {
            throw ArticleError("too_large", "\(name): \(bytes.count) bytes is over the \(maximumBytes)-byte article limit")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ArticleError("invalid_utf8", "\(name): not valid UTF-8 (at byte \(Self.firstInvalidUTF8(bytes)))")
        }
        switch Self.resolve(format, name: name, text: text) {
        case .json:
            var articles: [Article] = []
            for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard !line.allSatisfy(\.isWhitespace) else { continue }
                do {
                    articles.append(try parseJSON(String(line)))
                } catch {
                    throw ArticleError(error.code, "\(name):\(offset + 1): \(error.message)")
                }
            }
            guard !articles.isEmpty else { throw ArticleError("empty", "\(name): no articles in the input") }
            return articles
        case .text, .auto:
            do {
                return [try parseText(text)]
            } catch {
                throw ArticleError(error.code, "\(name): \(error.message)")
            }
        }
    }

    /// Parses a whole plain-text article given as bytes (a file of one article); errors name the input.
    public func parseText(_ bytes: [UInt8], name: String) throws(ArticleError) -> Article {
        guard let article = try parse(bytes, format: .text, name: name).first else {
            throw ArticleError("empty", "\(name): the article is empty")
        }
        return article
    }

    /// Parses one line of a JSON-lines input given as bytes; errors name the input and the line.
    public func parseJSONLine(_ bytes: [UInt8], name: String, number: Int) throws(ArticleError) -> Article {
        guard let line = String(validating: bytes, as: UTF8.self) else {
            throw ArticleError(
                "invalid_utf8", "\(name):\(number): not valid UTF-8 (at byte \(Self.firstInvalidUTF8(bytes)) of the line)")
        }
        do {
            return try parseJSON(line)
        } catch {
            throw ArticleError(error.code, "\(name):\(number): \(error.message)")
        }
    }

    static func resolve(_ format: ArticleFormat, name: String, text: String) -> ArticleFormat {
        guard format == .auto else { return format }
        let lower = name.lowercased()
        if lower.hasSuffix(".json") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .json }
        if lower.hasSuffix(".txt") || lower.hasSuffix(".text") { return .text }
        return text.first(where: { !$0.isWhitespace }) == "{" ? .json : .text
    }

    /// Parses one JSON object (one line of a JSON-lines input).
    public func parseJSON(_ line: String) throws(ArticleError) -> Article {
        guard line.utf8.count <= maximumBytes else {
            throw ArticleError("too_large", "article of \(line.utf8.count) bytes is over the \(maximumBytes)-byte limit")
        }
        // Most articles are an object of strings, read without Foundation; anything else takes the general path.
        let flat = FlatJSONObject.parse(line)
        var fields: [String: Any] = [:]
        if flat == nil {
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
            } catch {
                throw ArticleError("bad_json", "malformed JSON: \(Self.describe(error))")
            }
            guard let members = object as? [String: Any] else {
                throw ArticleError("bad_json", "expected a JSON object with \"title\" and \"body\"")
            }
            fields = members
        }
        func string(_ key: String) throws(ArticleError) -> String? {
            if let flat { return flat[key] ?? nil }
            guard let value = fields[key], !(value is NSNull) else { return nil }
            if let text = value as? String { return text }
            if key == "id", let number = value as? NSNumber { return number.stringValue }
            throw ArticleError("bad_article", "\"\(key)\" must be a string")
        }
        let title = try string("title") ?? ""
        let bodyField = try string("body")
        let textField = try string("text")
        let body = bodyField ?? textField ?? ""
        guard !(title.allSatisfy(\.isWhitespace) && body.allSatisfy(\.isWhitespace)) else {
            throw ArticleError("missing_field", "an article needs a non-empty \"title\" or \"body\"")
        }
        let published = try string("published").map { DateLineParser.parse($0) ?? $0 }
        let id = try string("id").flatMap { $0.isEmpty ? nil : $0 }
        return Article(
            id: id, title: Self.trimmingWhitespace(title), body: body, source: try string("source"),
            url: try string("url"), published: published, contentIDOnDemand: contentIDsOnDemand)
    }

    /// `text` without leading and trailing white space (the Unicode White_Space property, which takes in what
    /// Foundation's `.whitespacesAndNewlines` does). Foundation's trim bridges every title to an NSString: 5 % of
    /// `herald match`'s time on an archive of short news stories; a title needing no trim is returned as it is.
    static func trimmingWhitespace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// Parses a scraped plain-text article.
    public func parseText(_ text: String) throws(ArticleError) -> Article {
        guard text.utf8.count <= maximumBytes else {
            throw ArticleError("too_large", "article of \(text.utf8.count) bytes is over the \(maximumBytes)-byte limit")
        }
        if Self.looksBinary(text) {
            throw ArticleError("binary", "looks like binary data, not text (control characters or NUL bytes)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0).trimmingCharacters(in: .whitespaces)
        }
        var source: String?
        if let index = lines.lastIndex(where: { !$0.isEmpty }), let found = Self.sourceLine(lines[index]) {
            source = found
            lines.remove(at: index)
        }
        let content = lines.enumerated().filter { !$0.element.isEmpty }
        guard !content.isEmpty else { throw ArticleError("empty", "the article is empty") }
        // The date line, if any, sits within the first few lines; the title comes before it.
        var published: String?
        var bodyStart = 0
        var title: String?
        let header = content.prefix(8)
        if let dateIndex = header.firstIndex(where: { DateLineParser.parse($0.element) != nil }) {
            published = DateLineParser.parse(content[dateIndex].element)
            title = content[..<dateIndex].map(\.element).first { !NoiseLines.isNoise($0) }
            bodyStart = dateIndex + 1
        }
        if title == nil {
            guard let first = content.firstIndex(where: { !NoiseLines.isNoise($0.element) }) else {
                throw ArticleError("empty", "the article has no text besides noise lines")
            }
            // A first line the length of a paragraph is body text with no headline, not a title.
            if content[first].element.count <= Self.maximumTitleLength {
                title = content[first].element
                bodyStart = max(bodyStart, first + 1)
            } else {
                title = ""
                bodyStart = first
            }
        }
        let headline = title ?? ""
        // Body: the lines after the header, paragraphs as in the input (a blank line or a line break ends one).
        var paragraphs: [String] = []
        var current: [String] = []
        var previousLine = content.indices.contains(bodyStart) ? content[bodyStart].offset - 1 : 0
        for (lineNumber, line) in content[min(bodyStart, content.count)...] {
            if NoiseLines.isNoise(line) || line == headline {
                previousLine = lineNumber
                continue
            }
            if lineNumber > previousLine + 1 || Self.endsParagraph(current.last) {
                if !current.isEmpty { paragraphs.append(current.joined(separator: "\n")) }
                current = []
            }
            current.append(line)
            previousLine = lineNumber
        }
        if !current.isEmpty { paragraphs.append(current.joined(separator: "\n")) }
        return Article(
            title: headline, body: paragraphs.joined(separator: "\n\n"), source: source, published: published,
            contentIDOnDemand: contentIDsOnDemand)
    }

    private static func endsParagraph(_ line: String?) -> Bool {
        guard let last = line?.last else { return false }
        return ".!?\"'”’)。".contains(last)
    }

    /// `Source:(FT.com)`, `Source: FT.com`.
    static func sourceLine(_ line: String) -> String? {
        guard line.lowercased().hasPrefix("source") else { return nil }
        var rest = line.dropFirst("source".count).drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        var value = String(rest).trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("(") && value.hasSuffix(")") { value = String(value.dropFirst().dropLast()) }
        value = value.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, value.count <= 100 else { return nil }
        return value
    }

    static func looksBinary(_ text: String) -> Bool {
        var controls = 0
        var total = 0
        for scalar in text.unicodeScalars.prefix(65_536) {
            total += 1
            if scalar.value == 0 { return true }
            if scalar.value < 0x20 && scalar != "\n" && scalar != "\r" && scalar != "\t" { controls += 1 }
            if scalar.value == 0xFFFD { controls += 1 }
        }
        return total > 0 && controls * 20 > total
    }

    /// The byte offset of the first malformed UTF-8 sequence, for the error message.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return offset
            }
        }
    }

    private static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        if let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return nsError.localizedDescription
    }
}

/// Lines a scraper picks up that are not part of the story: prices, image credits, bare domains.
enum NoiseLines {
    static func isNoise(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return true }
        let lower = trimmed.lowercased()
        // "$12,416", "€3.20", "+1.5%", "12,416".
        if trimmed.count <= 24, trimmed.allSatisfy({ "$€£¥+-−.,%0123456789 ".contains($0) }),
            trimmed.contains(where: \.isNumber)
        {
            return true
        }
        for prefix in ["photo:", "photo by", "image:", "image credit", "picture:", "credit:", "photograph:", "illustration:"]
        where lower.hasPrefix(prefix) {
            return true
        }
        for credit in ["getty images", "shutterstock", "pexels", "unsplash", "pixabay", "istock", "alamy", "ap photo", "afp via getty"]
        where lower.hasPrefix(credit) || (lower.count <= 40 && lower.contains(credit)) {
            return true
        }
        // A bare domain on its own line ("Pexels.com").
        if !trimmed.contains(" "), trimmed.count <= 40, let dot = trimmed.lastIndex(of: "."),
            ["com", "net", "org", "io", "co", "co.uk"].contains(trimmed[trimmed.index(after: dot)...].lowercased())
        {
            return true
        }
        return false
    }
}
