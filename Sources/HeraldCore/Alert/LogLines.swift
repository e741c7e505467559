import Foundation

/// The JSON of the log lines that are not alerts: `update` (a repeat inside a dedup window) and `throttled`.
enum LogLines {
    static func update(
        id: UInt64, original: UInt64, alert: Alert, repeats: Int, sources: [String], now: Date
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.int("v", Alert.schemaVersion)
        writer.string("type", "update")
        writer.uint("id", id)
        writer.uint("of", original)
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
        return writer.bytes
    }

    static func throttled(
        id: UInt64, rule: String, severity: String, suppressed: Int, limit: Int, windowSeconds: Int, windowEnd: Date,
        firstSuppressed: UInt64?, final: Bool, now: Date
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.int("v", Alert.schemaVersion)
        writer.string("type", "throttled")
        writer.uint("id", id)
        writer.string("rule", rule)
        writer.string("severity", severity)
        writer.int("suppressed", suppressed)
        writer.int("limit", limit)
        writer.int("window_seconds", windowSeconds)
        writer.string("until", Timestamp.iso8601(windowEnd))
        if let firstSuppressed { writer.uint("first_suppressed", firstSuppressed) }
        writer.bool("final", final)
        writer.string("at", Timestamp.iso8601(now))
        writer.endObject()
        return writer.bytes
    }
}
