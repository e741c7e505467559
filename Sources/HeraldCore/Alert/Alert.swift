import Foundation
import HeraldRules

/// One rule firing on one article: what subscribers receive, one JSON object per line (schema in PROTOCOL.md).
public struct Alert: Sendable {
    /// Version of the alert JSON schema; bumped on any incompatible change.
    public static let schemaVersion = 1

    /// Monotonic id assigned by the server (the replay cursor); 0 when the alert was never stored (`herald match`).
    public var id: UInt64
    /// Stable across runs: a hash of rule, article content id and dedup key.
    public var key: String
    public var rule: String
    public var title: String
    public var severity: Severity
    public var tags: [String]
    public var fields: [MatchField]
    public var evidence: Evidence
    public var article: Article
    public var matchedAt: Date

    /// The sentence a rule fired on, with offsets (Unicode scalars into the article part) of it and of each binding.
    public struct Evidence: Sendable {
        public var part: TextPart
        public var text: String
        public var start: Int
        public var end: Int
        public var spans: [BoundSpan]
    }

    public init(match: RuleMatch, article: Article, id: UInt64 = 0, matchedAt: Date = Date()) {
        self.id = id
        self.key = String(SHA256Digest.hex("\(match.rule.id)\u{0}\(article.contentID)\u{0}\(match.dedupKey)").prefix(16))
        self.rule = match.rule.id
        self.title = match.rule.title
        self.severity = match.rule.severity
        self.tags = match.rule.tags
        self.fields = match.fields
        self.evidence = Evidence(
            part: match.part, text: match.evidence, start: match.evidenceStart, end: match.evidenceEnd, spans: match.spans)
        self.article = article
        self.matchedAt = matchedAt
    }

    /// The value of an emitted field.
    public func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// The alert as one line of JSON (no trailing newline), keys in documented order.
    public func jsonLine() -> String {
        var writer = JSONWriter(capacity: 1024)
        write(to: &writer)
        return writer.string
    }

    /// The alert as UTF-8 JSON bytes, without a newline: the form the alert log stores.
    public func jsonLineBytesWithoutNewline() -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        write(to: &writer)
        return writer.bytes
    }

    /// The alert as UTF-8 JSON bytes followed by a newline, ready to send.
    public func jsonLineBytes() -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        write(to: &writer)
        return writer.bytes + [UInt8(ascii: "\n")]
    }

    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.int("v", Self.schemaVersion)
        writer.string("type", "alert")
        if id > 0 { writer.uint("id", id) }
        writer.string("key", key)
        writer.string("rule", rule)
        writer.string("title", title)
        writer.string("severity", severity.rawValue)
        writer.beginArray("tags")
        for tag in tags { writer.string(nil, tag) }
        writer.endArray()
        writer.beginObject("fields")
        for field in fields { writer.string(field.name, field.value) }
        writer.endObject()
        writer.beginObject("evidence")
        writer.string("part", evidence.part.rawValue)
        writer.string("text", evidence.text)
        writer.int("start", evidence.start)
        writer.int("end", evidence.end)
        writer.beginObject("spans")
        for span in evidence.spans {
            writer.beginObject(span.name)
            writer.string("text", span.text)
            writer.int("start", span.start)
            writer.int("end", span.end)
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
        article.writeSummary(to: &writer)
        writer.string("matched_at", Timestamp.iso8601(matchedAt))
        writer.endObject()
    }
}

extension Article {
    /// The `"article"` object every alert and update line carries: what it was, not its text.
    func writeSummary(to writer: inout JSONWriter) {
        writer.beginObject("article")
        writer.string("id", id)
        writer.string("content_id", contentID)
        writer.string("title", title)
        writer.optionalString("source", source)
        writer.optionalString("url", url)
        writer.optionalString("published", published)
        writer.endObject()
    }
}

/// ISO-8601 UTC timestamps with milliseconds, formatted without a (non-Sendable) formatter object.
public enum Timestamp {
    public static func iso8601(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        guard milliseconds >= 0, parts.tm_year + 1900 <= 9999 else {
            return String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds % 1000))
        }
        // Digits written by hand: `String(format:)` was a third of the cost of building an alert line.
        var text = [UInt8]()
        text.reserveCapacity(24)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        text.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        text.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        text.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        text.append(UInt8(ascii: "."))
        digits(Int(milliseconds % 1000), 3)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }
}
