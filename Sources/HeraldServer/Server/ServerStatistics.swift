import Foundation
import HeraldCore
import HeraldProtocol
import HeraldStore
import NIOConcurrencyHelpers

/// Counters for everything the server limits or refuses, so an operator can see at a glance why clients were
/// cut off. Cheap to update from any task.
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

    /// Creates zeroed counters.
    public init() {}

    /// The current counters.
    public var snapshot: Snapshot { counters.withLockedValue { $0 } }

    func accepted() {
        counters.withLockedValue {
            $0.connectionsAccepted += 1
            $0.socketsOpen += 1
        }
    }
    func socketClosed() { counters.withLockedValue { $0.socketsOpen -= 1 } }
    func sessionOpened() { counters.withLockedValue { $0.sessionsOpen += 1 } }
    func sessionClosed() { counters.withLockedValue { $0.sessionsOpen -= 1 } }
    func closed(_ reason: CloseReason) { counters.withLockedValue { $0.closeReasons[reason, default: 0] += 1 } }
    func error(_ code: ErrorCode) { counters.withLockedValue { $0.errors[code, default: 0] += 1 } }

    /// Counts committed alerts by rule.
    func committed(_ entries: [LogEntry]) {
        counters.withLockedValue { counters in
            for entry in entries where entry.kind == .alert { counters.alertsByRule[entry.rule, default: 0] += 1 }
        }
    }

    func silenced() { counters.withLockedValue { $0.silencedAlerts += 1 } }

    /// Records a loaded rule set (at start, or a successful reload).
    func ruleSetLoaded(hash: String, reload: Bool) {
        counters.withLockedValue {
            $0.ruleSetHash = hash
            $0.ruleSetLoadedAt = Date()
            if reload { $0.reloads += 1 }
        }
    }

    func reloadFailed() { counters.withLockedValue { $0.failedReloads += 1 } }

    /// Counts lines the fan-out queued to subscribers.
    func queued(lines: Int) {
        guard lines > 0 else { return }
        counters.withLockedValue { $0.alertLinesQueued += lines }
    }

    func published(duplicate: Bool, alerts: Int, linesQueued: Int) {
        counters.withLockedValue {
            $0.articlesPublished += 1
            if duplicate { $0.duplicateArticles += 1 }
            $0.alertsCreated += alerts
            $0.alertLinesQueued += linesQueued
        }
    }
}
