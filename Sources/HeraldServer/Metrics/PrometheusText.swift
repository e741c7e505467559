import Foundation
import HeraldProtocol

/// The `STATS` counters in the Prometheus text exposition format (version 0.0.4).
enum PrometheusText {
    static func render(_ statistics: ServerStatistics.Snapshot, byRole: [Role: Int], now: Date = Date()) -> String {
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            out += "# HELP herald_\(name) \(help)\n# TYPE herald_\(name) \(type)\n"
            for sample in samples {
                let labels = sample.labels.isEmpty ? "" : "{\(sample.labels)}"
                let value = sample.value.rounded() == sample.value ? String(Int64(sample.value)) : String(sample.value)
                out += "herald_\(name)\(labels) \(value)\n"
            }
        }
        metric("uptime_seconds", "gauge", "Seconds since the server started.", [("", now.timeIntervalSince(statistics.startedAt))])
        metric("connections_open", "gauge", "Open sessions.", [("", Double(statistics.sessionsOpen))])
        metric(
            "connections_by_role", "gauge", "Open sessions holding each role.",
            Role.allCases.map { ("role=\"\($0.rawValue)\"", Double(byRole[$0] ?? 0)) })
        metric(
            "sockets_open", "gauge", "TCP connections open, handshaking and refused ones included.",
            [("", Double(statistics.socketsOpen))])
        metric("connections_accepted_total", "counter", "TCP connections accepted.", [("", Double(statistics.connectionsAccepted))])
        metric("articles_in_total", "counter", "Articles published, duplicates included.", [("", Double(statistics.articlesPublished))])
        metric("duplicate_articles_total", "counter", "Articles already seen.", [("", Double(statistics.duplicateArticles))])
        metric("alerts_created_total", "counter", "Alerts the engine created.", [("", Double(statistics.alertsCreated))])
        metric("alerts_out_total", "counter", "Alert lines queued to subscribers.", [("", Double(statistics.alertLinesQueued))])
        metric("alerts_silenced_total", "counter", "Alerts held back by a silence.", [("", Double(statistics.silencedAlerts))])
        metric(
            "alerts_by_rule_total", "counter", "Alerts created, by rule.",
            statistics.alertsByRule.sorted { $0.key < $1.key }.map { ("rule=\"\(escape($0.key))\"", Double($0.value)) })
        metric(
            "disconnects_total", "counter", "Closed connections, by reason.",
            statistics.closeReasons.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                ("reason=\"\($0.key.rawValue)\"", Double($0.value))
            })
        metric(
            "errors_total", "counter", "Error lines sent, by code.",
            statistics.errors.sorted { $0.key.rawValue < $1.key.rawValue }.map { ("code=\"\($0.key.rawValue)\"", Double($0.value)) })
        metric("reloads_total", "counter", "Successful rule reloads.", [("", Double(statistics.reloads))])
        metric("failed_reloads_total", "counter", "Rule reloads refused for errors.", [("", Double(statistics.failedReloads))])
        metric(
            "rule_set_loaded_timestamp_seconds", "gauge", "When the current rule set was loaded; its hash is a label.",
            [("hash=\"\(escape(statistics.ruleSetHash))\"", statistics.ruleSetLoadedAt.timeIntervalSince1970.rounded())])
        return out
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
