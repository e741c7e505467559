import Foundation
import HeraldArticle
import HeraldRules
import HeraldStore

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
    /// The article part of the line, encoded once for all the alerts of an article; used only while it still
    /// describes `article` and `matchedAt`.
    private var encodedArticle: EncodedArticle?

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
        self.key = Self.key(rule: match.rule.id, contentID: article.contentID, dedupKey: match.dedupKey)
        self.rule = match.rule.id
        self.title = match.rule.title
        self.severity = match.rule.severity
        self.tags = match.rule.tags
        self.fields = match.fields
        self.evidence = Evidence(
            part: match.part, text: match.evidence, start: match.evidenceStart, end: match.evidenceEnd, spans: match.spans)
        self.article = article
        self.matchedAt = matchedAt
        self.encodedArticle = nil
    }

    /// An alert of `encoded`'s article, matched at its time, whose line reuses the article part encoded there.
    ///
    /// Spelt out rather than delegating to the initialiser above: a delegating initialiser built the alert and
    /// then copied it whole (a retain and a release for each of its two dozen references).
    public init(match: RuleMatch, encodedArticle encoded: EncodedArticle, id: UInt64 = 0) {
        self.id = id
        self.key = Self.key(rule: match.rule.id, contentID: encoded.article.contentID, dedupKey: match.dedupKey)
        self.rule = match.rule.id
        self.title = match.rule.title
        self.severity = match.rule.severity
        self.tags = match.rule.tags
        self.fields = match.fields
        self.evidence = Evidence(
            part: match.part, text: match.evidence, start: match.evidenceStart, end: match.evidenceEnd, spans: match.spans)
        self.article = encoded.article
        self.matchedAt = encoded.matchedAt
        self.encodedArticle = encoded
    }

    /// The first 16 hex digits of SHA-256 over rule id, content id and dedup key, separated by NUL bytes.
    ///
    /// Hashed from one byte buffer into 16 ASCII bytes: building the input by string interpolation, then a
    /// 64-digit hex string and a `Substring` of it, was most of the cost of making an alert.
    static func key(rule: String, contentID: String, dedupKey: String) -> String {
        var input: [UInt8] = []
        input.reserveCapacity(rule.utf8.count + contentID.utf8.count + dedupKey.utf8.count + 2)
        input.append(contentsOf: rule.utf8)
        input.append(0)
        input.append(contentsOf: contentID.utf8)
        input.append(0)
        input.append(contentsOf: dedupKey.utf8)
        return SHA256Digest.hexPrefix(of: input, digits: 16)
    }

    /// The value of an emitted field.
    public func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// The alert as one line of JSON (no trailing newline), keys in documented order.
    public func jsonLine() -> String {
        var writer = JSONWriter(capacity: estimatedLineSize)
        write(to: &writer)
        return writer.string
    }

    /// The alert as UTF-8 JSON bytes, without a newline: the form the alert log stores.
    public func jsonLineBytesWithoutNewline() -> [UInt8] {
        var writer = JSONWriter(capacity: estimatedLineSize)
        write(to: &writer)
        return writer.bytes
    }

    /// The alert as UTF-8 JSON bytes followed by a newline, ready to send.
    public func jsonLineBytes() -> [UInt8] {
        var writer = JSONWriter(capacity: estimatedLineSize + 1)
        write(to: &writer)
        writer.appendNewline()
        return writer.bytes
    }

    /// Room for the line in one allocation, most of the time: the variable texts plus what the keys, offsets and
    /// fixed values take. Alert lines run from a few hundred bytes to a few kilobytes, so a fixed 1 KiB buffer both
    /// wasted memory and had to grow (a copy) for long sentences.
    private var estimatedLineSize: Int {
        var size = 240 + key.utf8.count + rule.utf8.count + title.utf8.count + evidence.text.utf8.count
        for tag in tags { size += tag.utf8.count + 3 }
        for field in fields { size += field.name.utf8.count + field.value.utf8.count + 6 }
        for span in evidence.spans { size += span.name.utf8.count + span.text.utf8.count + 48 }
        if let encodedArticle {
            size += encodedArticle.json.count
        } else {
            size += 180 + article.id.utf8.count + article.title.utf8.count + (article.source?.utf8.count ?? 0)
                + (article.url?.utf8.count ?? 0)
        }
        return size
    }

    /// The alert's line for the log, its id left for the store to write at commit (``LineTemplate``).
    public func lineTemplate() -> LineTemplate {
        var writer = JSONWriter(capacity: estimatedLineSize)
        let offset = write(to: &writer, idPlaceholder: true)
        return LineTemplate(bytes: writer.bytes, slots: offset.map { [LineTemplate.Slot(offset: $0, id: .own)] } ?? [])
    }

    public func write(to writer: inout JSONWriter) {
        write(to: &writer, idPlaceholder: false)
    }

    /// Writes the line; with `idPlaceholder`, leaves the id's value out and returns where it belongs.
    @discardableResult
    private func write(to writer: inout JSONWriter, idPlaceholder: Bool) -> Int? {
        writer.beginObject()
        writer.int(rawKey: "\"v\":", Self.schemaVersion)
        writer.string(rawKey: "\"type\":", "alert")
        var slot: Int?
        if idPlaceholder {
            slot = writer.placeholder("id")
        } else if id > 0 {
            writer.uint("id", id)
        }
        writer.string(rawKey: "\"key\":", key)
        writer.string(rawKey: "\"rule\":", rule)
        writer.string(rawKey: "\"title\":", title)
        writer.string(rawKey: "\"severity\":", severity.rawValue)
        writer.beginArray(rawKey: "\"tags\":")
        for tag in tags { writer.string(nil, tag) }
        writer.endArray()
        writer.beginObject(rawKey: "\"fields\":")
        for field in fields { writer.string(field.name, field.value) }
        writer.endObject()
        writer.beginObject(rawKey: "\"evidence\":")
        writer.string(rawKey: "\"part\":", evidence.part.rawValue)
        writer.string(rawKey: "\"text\":", evidence.text)
        writer.int(rawKey: "\"start\":", evidence.start)
        writer.int(rawKey: "\"end\":", evidence.end)
        writer.beginObject(rawKey: "\"spans\":")
        for span in evidence.spans {
            writer.beginObject(span.name)
            writer.string(rawKey: "\"text\":", span.text)
            writer.int(rawKey: "\"start\":", span.start)
            writer.int(rawKey: "\"end\":", span.end)
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
        if let encodedArticle, encodedArticle.matchedAt == matchedAt, encodedArticle.article == article {
            writer.appendMembers(encodedArticle.json)
        } else {
            EncodedArticle.write(article, matchedAt, to: &writer)
        }
        writer.endObject()
        return slot
    }
}

/// The end of every alert line of one article matched at one instant, `"article":{…},"matched_at":"…"`, encoded
/// once for all of them: each alert rewrote the article summary and formatted the time again, a fifth of writing an
/// alert line at 10,000 rules, where an article fires a few alerts. Make one per article only when it has matches.
public final class EncodedArticle: Sendable {
    public let article: Article
    public let matchedAt: Date
    /// The members, without braces or a leading comma.
    let json: [UInt8]

    public init(_ article: Article, matchedAt: Date = Date()) {
        self.article = article
        self.matchedAt = matchedAt
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        Self.write(article, matchedAt, to: &writer)
        json = Array(writer.bytes.dropFirst())
    }

    static func write(_ article: Article, _ matchedAt: Date, to writer: inout JSONWriter) {
        article.writeSummary(to: &writer)
        writer.string("matched_at", Timestamp.iso8601(matchedAt))
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
