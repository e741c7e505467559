import Foundation
import HeraldCore
import HeraldProtocol
import HeraldStore
import NIOConcurrencyHelpers

/// Counters for everything the server limits or refuses, so an operator can see at a glance why clients were
/// cut off. Cheap to update from any task. `STATS` reads the snapshot; every count also goes through swift-metrics
/// into ``metrics``, which `/metrics` exports.
public final class ServerStatistics: Sendable {
    /// A consistent copy of the counters.
    public struct Snapshot: Sendable, Hashable {
        /// TCP connections accepted, including those whose TLS handshake then failed.
        public var connectionsAccepted = 0
        /// TCP connections open, including those still in the TLS handshake or being refused.
        public var socketsOpen = 0
        /// Connections that completed the TLS handshake and are still open.
        public var sessionsOpen = 0
        /// Closed connections by reason.
        public var closeReasons: [CloseReason: Int] = [:]
        /// `error` lines sent, by code.
        public var errors: [ErrorCode: Int] = [:]
        /// Articles published (including duplicates).
        public var articlesPublished = 0
        /// Articles recognised as already published.
        public var duplicateArticles = 0
        /// Alerts the engine created.
        public var alertsCreated = 0
        /// Alert lines queued to subscribers (one alert to three subscribers counts three).
        public var alertLinesQueued = 0
        /// Alerts created per rule id, from the committed alert stream.
        public var alertsByRule: [String: Int] = [:]
        /// Deliveries held back by a silence (one alert held from three subscribers counts once).
        public var silencedAlerts = 0
        /// The loaded rule set's hash and when it was loaded.
        public var ruleSetHash = ""
        public var ruleSetLoadedAt = Date()
        /// Successful and failed `RELOAD`s (and SIGHUPs).
        public var reloads = 0
        public var failedReloads = 0
        /// When the counters started: the server's start.
        public var startedAt = Date()
    }

    private let counters = NIOLockedValueBox(Snapshot())
    /// The same counts for Prometheus, and the histograms.
    public let metrics: ServerMetrics

    /// Creates zeroed counters.
    public init(metrics: ServerMetrics = ServerMetrics()) {
        self.metrics = metrics
        for name in [
            "herald_connections_accepted_total", "herald_articles_in_total", "herald_duplicate_articles_total",
            "herald_alerts_created_total", "herald_alerts_out_total", "herald_alerts_silenced_total",
            "herald_reloads_total", "herald_failed_reloads_total",
        ] {
            metrics.increment(name, by: 0)
        }
        metrics.gauge("herald_connections_open", 0)
        metrics.gauge("herald_sockets_open", 0)
    }

    /// The current counters.
    public var snapshot: Snapshot { counters.withLockedValue { $0 } }

    func accepted() {
        let open = counters.withLockedValue {
            $0.connectionsAccepted += 1
            $0.socketsOpen += 1
            return $0.socketsOpen
        }
        metrics.increment("herald_connections_accepted_total")
        metrics.gauge("herald_sockets_open", Double(open))
    }
    func socketClosed() {
        let open = counters.withLockedValue {
            $0.socketsOpen -= 1
            return $0.socketsOpen
        }
        metrics.gauge("herald_sockets_open", Double(open))
    }
    func sessionOpened() {
        let open = counters.withLockedValue {
            $0.sessionsOpen += 1
            return $0.sessionsOpen
        }
        metrics.gauge("herald_connections_open", Double(open))
    }
    func sessionClosed() {
        let open = counters.withLockedValue {
            $0.sessionsOpen -= 1
            return $0.sessionsOpen
        }
        metrics.gauge("herald_connections_open", Double(open))
    }
    func closed(_ reason: CloseReason) {
        counters.withLockedValue { $0.closeReasons[reason, default: 0] += 1 }
        metrics.increment("herald_disconnects_total", [("reason", reason.rawValue)])
    }
    func error(_ code: ErrorCode) {
        counters.withLockedValue { $0.errors[code, default: 0] += 1 }
        metrics.increment("herald_errors_total", [("code", code.rawValue)])
    }

    /// Counts committed alerts by rule.
    func committed(_ entries: [LogEntry]) {
        counters.withLockedValue { counters in
            for entry in entries where entry.kind == .alert { counters.alertsByRule[entry.rule, default: 0] += 1 }
        }
        for entry in entries where entry.kind == .alert {
            metrics.increment("herald_alerts_by_rule_total", [("rule", entry.rule)])
        }
    }

    func silenced() {
        counters.withLockedValue { $0.silencedAlerts += 1 }
        metrics.increment("herald_alerts_silenced_total")
    }

    /// Records a loaded rule set (at start, or a successful reload).
    func ruleSetLoaded(hash: String, reload: Bool) {
        let now = Date()
        counters.withLockedValue {
            $0.ruleSetHash = hash
            $0.ruleSetLoadedAt = now
            if reload { $0.reloads += 1 }
        }
        metrics.ruleSetLoaded(hash: hash, at: now)
        if reload { metrics.increment("herald_reloads_total") }
    }

    func reloadFailed() {
        counters.withLockedValue { $0.failedReloads += 1 }
        metrics.increment("herald_failed_reloads_total")
    }

    /// Counts lines the fan-out queued to subscribers.
    func queued(lines: Int) {
        guard lines > 0 else { return }
        counters.withLockedValue { $0.alertLinesQueued += lines }
        metrics.increment("herald_alerts_out_total", by: lines)
    }

    func published(duplicate: Bool, alerts: Int, linesQueued: Int) {
        counters.withLockedValue {
            $0.articlesPublished += 1
            if duplicate { $0.duplicateArticles += 1 }
            $0.alertsCreated += alerts
            $0.alertLinesQueued += linesQueued
        }
        metrics.increment("herald_articles_in_total")
        if duplicate { metrics.increment("herald_duplicate_articles_total") }
        metrics.increment("herald_alerts_created_total", by: alerts)
        metrics.increment("herald_alerts_out_total", by: linesQueued)
    }
}
