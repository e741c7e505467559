import Foundation

/// A news article as Herald matches it: a title, a body of paragraphs, and metadata.
public struct Article: Sendable, Hashable {
    /// The publisher's id when it gave one, otherwise the content id.
    public var id: String {
        get { givenID ?? contentID }
        set { givenID = newValue }
    }
    /// A hash of the normalised title and body (16 hex digits): the same story re-sent is recognised.
    public var contentID: String {
        get { computedContentID ?? ContentID.of(title: title, body: body) }
        set { computedContentID = newValue }
    }
    public var title: String
    /// Paragraphs separated by blank lines. Evidence offsets count Unicode scalars into this text.
    public var body: String
    public var source: String?
    public var url: String?
    /// ISO-8601, UTC when the input gave no zone.
    public var published: String?

    private var givenID: String?
    /// Nil when the article was made with `contentIDOnDemand`: then every read of `contentID` (and of `id`, without
    /// a given one) hashes the text again.
    private var computedContentID: String?

    /// `contentIDOnDemand` leaves the content id to be computed when it is read: batch matching reads it only for
    /// the few articles that raise an alert, and computing it for every article was a tenth of `herald match`'s
    /// time on a news archive. Anything that reads it more than once (the server's dedup) takes the default.
    public init(
        id: String? = nil, title: String, body: String, source: String? = nil, url: String? = nil, published: String? = nil,
        contentIDOnDemand: Bool = false
    ) {
        self.givenID = id
        self.title = title
        self.body = body
        self.source = source
        self.url = url
        self.published = published
        self.computedContentID = contentIDOnDemand ? nil : ContentID.of(title: title, body: body)
    }

    /// Two articles are the same when what they say and carry is: a content id computed now or on demand is the same.
    public static func == (lhs: Article, rhs: Article) -> Bool {
        lhs.givenID == rhs.givenID && lhs.title == rhs.title && lhs.body == rhs.body && lhs.source == rhs.source
            && lhs.url == rhs.url && lhs.published == rhs.published
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(givenID)
        hasher.combine(title)
        hasher.combine(body)
    }
}

/// The stable content id of an article.
public enum ContentID {
    /// SHA-256 over the title and body after NFKC, case folding and whitespace collapsing, so re-scraped copies that
    /// differ only in spacing, quotes or case get the same id. The first 16 hex digits (64 bits) are kept.
    public static func of(title: String, body: String) -> String {
        var collapser = Collapser(capacity: title.utf8.count + body.utf8.count + 2)
        collapser.add(title)
        collapser.separate()
        collapser.add(body)
        return SHA256Digest.hexPrefix(of: collapser.bytes, digits: 16)
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
        collapser.add(text)
        return String(decoding: collapser.bytes, as: UTF8.self)
    }

    /// The normalised bytes as they are built: whitespace runs collapsed to one space (none at the start), ASCII
    /// lowercased, curly quotes and dashes made ASCII. A struct rather than closures over local variables, which
    /// Swift checks for exclusive access at every call; ASCII runs are written through one buffer pointer, not
    /// appended byte by byte (an append checks capacity and uniqueness, and was a tenth of reading an article).
    struct Collapser {
        private var output: [UInt8]
        private var length = 0
        /// Whether the text added so far starts a new part: no space is carried over from the part before.
        private var partStart = 0
        private var pendingSpace = false

        init(capacity: Int) { output = [UInt8](repeating: 0, count: max(capacity, 16)) }

        /// The bytes so far.
        var bytes: ArraySlice<UInt8> { output[0..<length] }

        /// Ends a part with a newline: the title's and the body's normalisations are joined by one.
        mutating func separate() {
            pendingSpace = false
            reserve(1)
            output[length] = 0x0A
            length += 1
            partStart = length
        }

        mutating func add(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                var index = 0
                while index < bytes.count {
                    var end = index
                    // An ASCII byte joins the island after it (NFKC may combine it with the marks that follow).
                    while end < bytes.count, bytes[end] < 0x80, end + 1 == bytes.count || bytes[end + 1] < 0x80 { end += 1 }
                    if end > index {
                        appendASCII(UnsafeBufferPointer(rebasing: bytes[index..<end]))
                        index = end
                        continue
                    }
                    end = index + 1
                    while end < bytes.count, bytes[end] >= 0x80 { end += 1 }
                    let island = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
                    // Curly quotes, dashes and Chinese characters — most of the non-ASCII in news — are their own NFKC
                    // and lowercase and join nothing: taken as they are, without a trip through Foundation.
                    if island.unicodeScalars.allSatisfy({ $0.isASCII || ContentID.isStable($0) }) {
                        for scalar in island.unicodeScalars { append(scalar) }
                    } else {
                        for scalar in island.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
                            append(scalar)
                        }
                    }
                    index = end
                }
            }
        }

        private mutating func reserve(_ extra: Int) {
            if length + extra > output.count { output += [UInt8](repeating: 0, count: max(extra, output.count)) }
        }

        private mutating func appendASCII(_ run: UnsafeBufferPointer<UInt8>) {
            // Each byte writes at most itself and one pending space before it.
            reserve(run.count + 1)
            var length = self.length
            var pending = pendingSpace
            let partStart = self.partStart
            output.withUnsafeMutableBufferPointer { out in
                for byte in run {
                    if byte == 0x20 || (byte &- 0x09) <= 4 {
                        pending = length > partStart
                        continue
                    }
                    if pending {
                        out[length] = 0x20
                        length += 1
                        pending = false
                    }
                    out[length] = byte &+ (byte &- 0x41 <= 25 ? 0x20 : 0)
                    length += 1
                }
            }
            self.length = length
            pendingSpace = pending
        }

        private mutating func append(_ scalar: Unicode.Scalar) {
            if scalar.isASCII {
                var byte = UInt8(truncatingIfNeeded: scalar.value)
                return withUnsafePointer(to: &byte) { appendASCII(UnsafeBufferPointer(start: $0, count: 1)) }
            }
            if scalar.properties.isWhitespace {
                pendingSpace = length > partStart
                return
            }
            reserve(5)
            if pendingSpace {
                output[length] = 0x20
                length += 1
                pendingSpace = false
            }
            switch scalar.value {
            case 0x2018, 0x2019: output[length] = UInt8(ascii: "'"); length += 1
            case 0x201C, 0x201D: output[length] = UInt8(ascii: "\""); length += 1
            case 0x2013, 0x2014: output[length] = UInt8(ascii: "-"); length += 1
            default:
                if let encoded = UTF8.encode(scalar) {
                    for byte in encoded {
                        output[length] = byte
                        length += 1
                    }
                }
            }
        }
    }

    /// Whether NFKC and lowercasing leave `scalar` alone and it combines with nothing around it: curly quotes, en
    /// and em dashes, and the CJK unified ideographs (main block and extension A).
    fileprivate static func isStable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x3400...0x4DBF, 0x4E00...0x9FFF: return true
        default: return false
        }
    }
}
