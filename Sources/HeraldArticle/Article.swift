import Foundation

/// A news article as Herald matches it: a title, a body of paragraphs, and metadata.
public struct Article: Sendable, Hashable {
    /// The publisher's id when it gave one, otherwise the content id.
    public var id: String
    /// A hash of the normalised title and body (16 hex digits): the same story re-sent is recognised.
    public var contentID: String
    public var title: String
    /// Paragraphs separated by blank lines. Evidence offsets count Unicode scalars into this text.
    public var body: String
    public var source: String?
    public var url: String?
    /// ISO-8601, UTC when the input gave no zone.
    public var published: String?

    public init(
        id: String? = nil, title: String, body: String, source: String? = nil, url: String? = nil, published: String? = nil
    ) {
        let contentID = ContentID.of(title: title, body: body)
        self.id = id ?? contentID
        self.contentID = contentID
        self.title = title
        self.body = body
        self.source = source
        self.url = url
        self.published = published
    }
}

/// The stable content id of an article.
public enum ContentID {
    /// SHA-256 over the title and body after NFKC, case folding and whitespace collapsing, so re-scraped copies that
    /// differ only in spacing, quotes or case get the same id. The first 16 hex digits (64 bits) are kept.
    public static func of(title: String, body: String) -> String {
        let normalized = normalize(title) + "\n" + normalize(body)
        return String(SHA256Digest.hex(normalized).prefix(16))
    }

    /// NFKC, lowercase, curly quotes and dashes made ASCII, whitespace collapsed — computed island by island.
    ///
    /// Running Foundation's NFKC over a whole article was most of the cost of reading one (a quarter of `herald
    /// match`). NFKC can join a character with the marks after it but never with an ASCII character after it, so
    /// the text splits before every ASCII byte without changing the result: ASCII is lowercased byte by byte, and
    /// only each non-ASCII stretch, with the character before it, goes through Foundation. `ArticleParserTests`
    /// checks this against the whole-text definition, which stored content ids were made with.
    static func normalize(_ text: String) -> String {
        var collapser = Collapser(capacity: text.utf8.count)
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80, index + 1 == bytes.count || bytes[index + 1] < 0x80 {
                    collapser.append(ascii: byte)
                    index += 1
                    continue
                }
                var end = index + 1
                while end < bytes.count, bytes[end] >= 0x80 { end += 1 }
                let island = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
                // Curly quotes, dashes and Chinese characters — most of the non-ASCII in news — are their own NFKC
                // and lowercase and join nothing: taken as they are, without a trip through Foundation.
                if island.unicodeScalars.allSatisfy({ $0.isASCII || Self.isStable($0) }) {
                    for scalar in island.unicodeScalars { collapser.append(scalar) }
                } else {
                    for scalar in island.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
                        collapser.append(scalar)
                    }
                }
                index = end
            }
        }
        return String(decoding: collapser.output, as: UTF8.self)
    }

    /// The normalised bytes as they are built: whitespace runs collapsed to one space (none at the start), ASCII
    /// lowercased, curly quotes and dashes made ASCII. A struct rather than closures over local variables, which
    /// Swift checks for exclusive access at every call.
    private struct Collapser {
        var output: [UInt8] = []
        var pendingSpace = false

        init(capacity: Int) { output.reserveCapacity(capacity) }

        mutating func append(ascii byte: UInt8) {
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                pendingSpace = !output.isEmpty
                return
            }
            flushSpace()
            output.append(byte &+ (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0))
        }

        mutating func append(_ scalar: Unicode.Scalar) {
            if scalar.isASCII { return append(ascii: UInt8(truncatingIfNeeded: scalar.value)) }
            if scalar.properties.isWhitespace {
                pendingSpace = !output.isEmpty
                return
            }
            flushSpace()
            switch scalar.value {
            case 0x2018, 0x2019: output.append(UInt8(ascii: "'"))
            case 0x201C, 0x201D: output.append(UInt8(ascii: "\""))
            case 0x2013, 0x2014: output.append(UInt8(ascii: "-"))
            default: if let encoded = UTF8.encode(scalar) { output.append(contentsOf: encoded) }
            }
        }

        private mutating func flushSpace() {
            if pendingSpace {
                output.append(0x20)
                pendingSpace = false
            }
        }
    }

    /// Whether NFKC and lowercasing leave `scalar` alone and it combines with nothing around it: curly quotes, en
    /// and em dashes, and the CJK unified ideographs (main block and extension A).
    private static func isStable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x3400...0x4DBF, 0x4E00...0x9FFF: return true
        default: return false
        }
    }
}
