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

    static func normalize(_ text: String) -> String {
        normalizeASCII(text) ?? normalizeUnicode(text)
    }

    /// The same result as ``normalizeUnicode(_:)`` for pure-ASCII text (NFKC leaves it alone, case folding is
    /// A–Z, whitespace is tab to carriage return and space), without Foundation's normalisation, which was most
    /// of a published article's cost before matching; `nil` at the first non-ASCII byte.
    static func normalizeASCII(_ text: String) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            switch byte {
            case 0x80...:
                return nil
            case 0x09...0x0D, 0x20:
                pendingSpace = !output.isEmpty
            default:
                if pendingSpace {
                    output.append(0x20)
                    pendingSpace = false
                }
                output.append(byte &+ (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func normalizeUnicode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        func append(_ scalar: Unicode.Scalar) {
            if scalar.isASCII {
                output.append(UInt8(truncatingIfNeeded: scalar.value))
            } else {
                if let encoded = UTF8.encode(scalar) { output.append(contentsOf: encoded) }
            }
        }
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            // ASCII answered from the byte: the Unicode property lookup was a tenth of `herald match`'s time.
            let isWhitespace =
                scalar.isASCII ? (scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value)) : scalar.properties.isWhitespace
            if isWhitespace {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace {
                output.append(0x20)
                pendingSpace = false
            }
            switch scalar.value {
            case 0x2018, 0x2019: output.append(UInt8(ascii: "'"))
            case 0x201C, 0x201D: output.append(UInt8(ascii: "\""))
            case 0x2013, 0x2014: output.append(UInt8(ascii: "-"))
            default: append(scalar)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
