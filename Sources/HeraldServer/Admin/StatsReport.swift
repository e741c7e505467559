import Foundation
import HeraldCore
import HeraldProtocol

/// The `STATS` reply's fields, shared with the Prometheus endpoint's names where they overlap.
struct StatsReport {
    var statistics: ServerStatistics.Snapshot
    var byRole: [Role: Int]

    func write(to writer: inout JSONWriter) {
        writer.double("uptime_seconds", (Date().timeIntervalSince(statistics.startedAt) * 1000).rounded() / 1000)
        writer.int("connections_open", statistics.sessionsOpen)
        writer.int("connections_accepted", statistics.connectionsAccepted)
        writer.int("sockets_open", statistics.socketsOpen)
        writer.beginObject("connections_by_role")
        for role in Role.allCases { writer.int(role.rawValue, byRole[role] ?? 0) }
        writer.endObject()
        writer.int("articles_in", statistics.articlesPublished)
        writer.int("duplicate_articles", statistics.duplicateArticles)
        writer.int("alerts_created", statistics.alertsCreated)
        writer.int("alerts_out", statistics.alertLinesQueued)
        writer.int("alerts_silenced", statistics.silencedAlerts)
        writer.beginObject("alerts_by_rule")
        for (rule, count) in statistics.alertsByRule.sorted(by: { $0.key < $1.key }) { writer.int(rule, count) }
        writer.endObject()
        writer.beginObject("disconnects_by_reason")
        for (reason, count) in statistics.closeReasons.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            writer.int(reason.rawValue, count)
        }
        writer.endObject()
        writer.beginObject("errors_by_code")
        for (code, count) in statistics.errors.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            writer.int(code.rawValue, count)
        }
        writer.endObject()
        writer.string("rule_set_hash", statistics.ruleSetHash)
        writer.string("rule_set_loaded_at", Silence.format(statistics.ruleSetLoadedAt))
        writer.int("reloads", statistics.reloads)
        writer.int("failed_reloads", statistics.failedReloads)
    }
}
