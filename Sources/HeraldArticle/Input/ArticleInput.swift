/// One input of `herald match` (a file, or standard input for `-`), read as a stream of raw articles: JSON lines
/// one by one, or a plain-text file as one article. Gzip input (a name ending in `.gz`, or gzip's magic bytes) is
/// decompressed as it is read. Parsing is left to the caller, so it can run on several cores.
public final class ArticleInput {
    /// An article still to be parsed, or why one could not be read.
    public enum Record: Sendable {
        /// One JSON line and its number.
        case jsonLine([UInt8], number: Int)
        /// A whole plain-text article.
        case text([UInt8])
        /// A line or file that could not be read: the message names the input and line.
        case failure(ArticleError)

        /// The article, parsed with `parser` (on any thread); errors name the input `name` and the line.
        public func article(parser: ArticleParser, name: String) throws(ArticleError) -> Article {
            switch self {
            case .jsonLine(let bytes, let number): return try parser.parseJSONLine(bytes, name: name, number: number)
            case .text(let bytes): return try parser.parseText(bytes, name: name)
            case .failure(let error): throw error
            }
        }
    }

    /// The name used in messages: the path, or `<stdin>`.
    public let name: String
    public let format: ArticleFormat
    /// The size on disk when known (a regular, uncompressed file): progress can show a fraction.
    public let size: Int?
    public var bytesRead: Int { reader.bytesRead }

    private let reader: LineReader
    private let maximumArticleBytes: Int
    private var finished = false

    /// Opens `path` (`-`: standard input) in `format` (`auto`: by the name, without `.gz`, else by the first
    /// character); articles over `maximumArticleBytes` are reported, not read.
    public init(path: String, format: ArticleFormat, maximumArticleBytes: Int) throws(ArticleError) {
        name = path == "-" ? "<stdin>" : path
        self.maximumArticleBytes = maximumArticleBytes
        let file = try FileByteSource(path: path)
        let peeked = PeekingByteSource(file)
        let magic = try peeked.peek(2)
        let gzip = path.lowercased().hasSuffix(".gz") || magic == [0x1f, 0x8b]
        let source: any ByteSource = gzip ? try GzipByteSource(peeked, name: name) : peeked
        size = gzip ? nil : file.size
        // The reader's limit is one byte over the article limit, so an over-long line is still seen as too long.
        reader = LineReader(source, maximumLineBytes: maximumArticleBytes + 1)
        var resolved = format
        var firstLines: [LineReader.Line] = []
        if format == .auto {
            let plainName = gzip && name.lowercased().hasSuffix(".gz") ? String(name.dropLast(3)) : name
            resolved = ArticleParser.resolve(.auto, name: plainName, text: "")
            if resolved == .text, !Self.namesText(plainName) {
                // No telling extension: JSON when the first thing in the input is `{`. The lines read to see it
                // are kept for ``next()``.
                resolved = .text
                while let line = try reader.next() {
                    firstLines.append(line)
                    if case .line(let bytes, _) = line {
                        guard let first = bytes.first(where: { !Self.isBlank($0) }) else { continue }
                        resolved = first == UInt8(ascii: "{") ? .json : .text
                    } else {
                        resolved = .json  // over the limit either way; reported line by line
                    }
                    break
                }
            }
        }
        self.format = resolved
        pendingFirstLines = firstLines
    }

    /// Lines read while detecting the format, returned first.
    private var pendingFirstLines: [LineReader.Line]

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    /// The next record, or `nil` at the end of the input.
    public func next() -> Record? {
        guard !finished else { return nil }
        do {
            switch format {
            case .json, .auto:
                while true {
                    let line: LineReader.Line?
                    if !pendingFirstLines.isEmpty { line = pendingFirstLines.removeFirst() } else { line = try reader.next() }
                    switch line {
                    case nil:
                        finished = true
                        return nil
                    case .line(let bytes, let number):
                        if bytes.allSatisfy(Self.isBlank) { continue }
                        return .jsonLine(bytes, number: number)
                    case .tooLong(let bytes, let number):
                        return .failure(ArticleError(
                            "too_large", "\(name):\(number): article of \(bytes) bytes is over the \(maximumArticleBytes)-byte limit"))
                    }
                }
            case .text:
                finished = true
                var bytes: [UInt8] = []
                var first = true
                while let line = (pendingFirstLines.isEmpty ? try reader.next() : pendingFirstLines.removeFirst()) {
                    guard case .line(let content, _) = line, bytes.count + content.count <= maximumArticleBytes else {
                        return .failure(ArticleError(
                            "too_large", "\(name): more than \(maximumArticleBytes) bytes is over the article limit"))
                    }
                    if !first { bytes.append(0x0A) }
                    bytes += content
                    first = false
                }
                return .text(bytes)
            }
        } catch {
            finished = true
            return .failure(error)
        }
    }

    static func namesText(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".txt") || lower.hasSuffix(".text")
    }
}

/// A source that can look at its first bytes before they are read.
final class PeekingByteSource: ByteSource {
    private let source: any ByteSource
    private var peeked: [UInt8] = []

    init(_ source: any ByteSource) {
        self.source = source
    }

    /// Up to `count` first bytes, kept for the next reads.
    func peek(_ count: Int) throws(ArticleError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: count)
        while peeked.count < count {
            let wanted = count - peeked.count
            let source = self.source
            let result = chunk.withUnsafeMutableBytes { bytes -> Result<Int, ArticleError> in
                do throws(ArticleError) {
                    return .success(try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[..<wanted])))
                } catch {
                    return .failure(error)
                }
            }
            let read = try result.get()
            if read == 0 { break }
            peeked += chunk[..<read]
        }
        return Array(peeked.prefix(count))
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArticleError) -> Int {
        guard peeked.isEmpty else {
            let count = min(buffer.count, peeked.count)
            buffer.copyBytes(from: peeked[..<count])
            peeked.removeFirst(count)
            return count
        }
        return try source.read(into: buffer)
    }
}
