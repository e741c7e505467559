import Foundation
import HeraldStore

/// The JSON of the log lines that are not alerts: `update` (a repeat inside a dedup window) and `throttled`.
enum LogLines {
    /// Its `id` is the line's own, given at commit; `of` names the original alert's.
    static func update(
        original: IDReference, alert: Alert, repeats: Int, sources: [String], now: Date
    ) -> LineTemplate {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.int("v", Alert.schemaVersion)
        writer.string("type", "update")
        var slots = [LineTemplate.Slot(offset: writer.placeholder("id"), id: .own)]
        slots.append(LineTemplate.Slot(offset: writer.placeholder("of"), id: original))
        writer.string("rule", alert.rule)
        writer.string("severity", alert.severity.rawValue)
        writer.int("repeats", repeats)
        writer.beginArray("sources")
        for source in sources { writer.string(nil, source) }
        writer.endArray()
        writer.beginObject("fields")
        for field in alert.fields { writer.string(field.name, field.value) }
        writer.endObject()
        alert.article.writeSummary(to: &writer)
        writer.string("matched_at", Timestamp.iso8601(now))
        writer.endObject()
        return LineTemplate(bytes: writer.bytes, slots: slots)
    }

    /// Its `id` is the line's own, given at commit; `first_suppressed` names the first alert held back, unless that
    /// one was never stored.
    static func throttled(
        rule: String, severity: String, suppressed: Int, limit: Int, windowSeconds: Int, windowEnd: Date,
        firstSuppressed: IDReference?, final: Bool, now: Date
    ) -> LineTemplate {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.int("v", Alert.schemaVersion)
        writer.string("type", "throttled")
        var slots = [LineTemplate.Slot(offset: writer.placeholder("id"), id: .own)]
        writer.string("rule", rule)
        writer.string("severity", severity)
        writer.int("suppressed", suppressed)
        writer.int("limit", limit)
        writer.int("window_seconds", windowSeconds)
        writer.string("until", Timestamp.iso8601(windowEnd))
        if let firstSuppressed, !firstSuppressed.wasDropped {
            slots.append(LineTemplate.Slot(offset: writer.placeholder("first_suppressed"), id: firstSuppressed))
        }
        writer.bool("final", final)
        writer.string("at", Timestamp.iso8601(now))
        writer.endObject()
        return LineTemplate(bytes: writer.bytes, slots: slots)
    }
}
