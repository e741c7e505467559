import Foundation
import HeraldCore
import HeraldProtocol
import HeraldStore
import NIOConcurrencyHelpers
import NIOCore

/// One line for subscribers (an alert, encoded once) and what subscription filters look at.
struct Delivery: Sendable {
    /// The log id (0 for lines that were never stored).
    var id: UInt64
    var facts: AlertFacts
    /// Shared by every recipient: a `ByteBuffer` copy shares its storage.
    var line: ByteBuffer

    init(_ alert: Alert) {
        self.id = alert.id
        self.facts = AlertFacts(alert)
        self.line = ServerMessage.alert(alert)
    }

    /// A line of the alert log; `nil` for lines subscribers never see (alerts held back by a throttle).
    init?(_ entry: LogEntry) {
        guard entry.kind != .suppressed else { return nil }
        self.id = entry.id
        self.facts = AlertFacts(rule: entry.rule, severity: entry.severity, tags: entry.tags)
        var line = ByteBuffer()
        line.reserveCapacity(entry.json.count + 1)
        line.writeBytes(entry.json)
        line.writeInteger(UInt8(ascii: "\n"))
        self.line = line
    }
}

/// The registry of live sessions and the fan-out of alerts to them.
///
/// Each alert is encoded once; the same bytes (a `ByteBuffer` shares its storage) go to every subscriber whose
/// filters match. Delivery only enqueues into each subscriber's bounded ``Outbox``, so a publisher never waits
/// for a slow reader.
final class Broker: Sendable {
    struct Entry {
        var handle: SessionHandle
        var info: ClientInfo
        var subscriptions: SubscriptionSet
        /// While the session replays stored lines, live lines wait here so that none is lost or sent twice.
        var held: [Delivery]?
        var heldBytes = 0
        /// After a replay: lines up to this id that the replayed filters accept were sent by the replay. One of
        /// them can still arrive live after the hold ended: the store commits, then tells the broker, and a replay
        /// may read the line in between. It is dropped then. Cleared by the first later id.
        var replayed: (through: UInt64, filters: [Subscription])?
    }

    struct State {
        var entries = BrokerEntries<Entry>()
        var isShuttingDown = false
        /// Silences live here, beside the entries, so a delivery and a silence starting never interleave.
        var silences: [Silence] = []
        /// Ids of silences ended early (here or on another node): never started again by a late read of the store.
        var endedSilences: Set<String> = []
    }

    let state = NIOLockedValueBox(State())
    let slowConsumerGrace: TimeAmount
    let statistics: ServerStatistics

    init(slowConsumerGrace: TimeAmount, statistics: ServerStatistics) {
        self.slowConsumerGrace = slowConsumerGrace
        self.statistics = statistics
    }

    /// Adds a session; refused (returns `false`) once shutdown has begun, so a late connection is not missed by it.
    func register(_ handle: SessionHandle, info: ClientInfo, subscriptions: SubscriptionSet) -> Bool {
        state.withLockedValue { state in
            guard !state.isShuttingDown else { return false }
            state.entries.insert(Entry(handle: handle, info: info, subscriptions: subscriptions), for: handle.id)
            return true
        }
    }

    /// Records a session's new roles and name (after `AUTH`), for `CLIENTS` and `STATS`.
    func update(_ id: UInt64, roles: [Role], name: String?) {
        state.withLockedValue { state in
            state.entries.update(id) { entry in
                entry.info.roles = roles
                entry.info.name = name
            }
        }
    }

    /// Removes a session that has ended.
    func unregister(_ id: UInt64) {
        state.withLockedValue { _ = $0.entries.remove(id) }
    }

    /// Replaces a session's subscriptions (after `SUB` or `UNSUB`).
    func update(_ id: UInt64, subscriptions: SubscriptionSet) {
        state.withLockedValue { $0.entries.update(id) { $0.subscriptions = subscriptions } }
    }

    /// The number of registered sessions.
    var sessionCount: Int { state.withLockedValue { $0.entries.count } }

    /// Queues each line to every session with a matching subscription, in order.
    ///
    /// Lines come from the alert store's commit observer, one commit at a time and in id order. Everything happens
    /// under the lock so that a replay's hold begins and ends between two commits, never inside one; enqueueing
    /// never waits, so the lock is held for a few microseconds per recipient. Each session gets all of a commit's
    /// lines for it in one enqueue: one outbox lock and one writer kick per session per commit, however many
    /// alerts the commit carries.
    ///
    /// - Returns: The number of lines queued.
    @discardableResult
    func deliver(_ deliveries: [Delivery]) -> Int {
        guard !deliveries.isEmpty else { return 0 }
        let now = Date()
        return state.withLockedValue { state in
            let live = deliveries.filter { delivery in
                guard state.silences.contains(where: { $0.silences(delivery.facts.rule, at: now) }) else { return true }
                // Stored (and replayable) but not pushed: subscribers were told by a `notice` when it began.
                statistics.silenced()
                return false
            }
            guard !live.isEmpty else { return 0 }
            var queued = 0
            var lines: [ByteBuffer] = []
            lines.reserveCapacity(live.count)
            // In place, in storage order: no sorting and no copy of an entry per recipient, which is what a
            // thousand subscribers per alert would otherwise cost.
            state.entries.updateEach { entry in
                lines.removeAll(keepingCapacity: true)
                for delivery in live {
                    guard entry.subscriptions.matches(delivery.facts) else { continue }
                    if let replayed = entry.replayed {
                        if delivery.id > replayed.through {
                            entry.replayed = nil
                        } else if delivery.id > 0, replayed.filters.contains(where: { $0.matches(delivery.facts) }) {
                            continue
                        }
                    }
                    if entry.held != nil {
                        entry.held?.append(delivery)
                        entry.heldBytes += delivery.line.readableBytes
                        if entry.heldBytes > entry.handle.outbox.limit {
                            // A replay that cannot keep up with live traffic is a slow consumer too.
                            entry.held = nil
                            entry.handle.close(
                                reason: .slowConsumer, finalLine: Self.overflowLine(entry.handle),
                                discardingPending: true, grace: slowConsumerGrace)
                        }
                        continue
                    }
                    lines.append(delivery.line)
                }
                if !lines.isEmpty { queued += entry.handle.send(lines, slowConsumerGrace: slowConsumerGrace) }
            }
            return queued
        }
    }

    /// Starts holding a session's live lines while it replays stored ones.
    func beginHold(_ id: UInt64) {
        state.withLockedValue { state in
            state.entries.update(id) { entry in
                if entry.held == nil {
                    entry.held = []
                    entry.heldBytes = 0
                }
            }
        }
    }

    /// Ends a hold: sends the held lines the replay did not already send, then lets live lines through again.
    ///
    /// - Parameters:
    ///   - replayedThrough: The highest id the replay read from the store.
    ///   - replayed: Whether the replay sent a given line (it matched the replayed subscription).
    func endHold(_ id: UInt64, replayedThrough: UInt64, replayed filters: [Subscription]) {
        let replayed: (AlertFacts) -> Bool = { facts in filters.contains { $0.matches(facts) } }
        state.withLockedValue { state in
            guard let entry = state.entries[id], let held = entry.held else { return }
            state.entries.update(id) { entry in
                entry.held = nil
                entry.heldBytes = 0
            }
            var through = replayedThrough
            for delivery in held {
                through = max(through, delivery.id)
                guard !(delivery.id <= replayedThrough && replayed(delivery.facts)) else { continue }
                entry.handle.send(delivery.line, slowConsumerGrace: slowConsumerGrace)
            }
            // Only lines at or below what the replay read can still be late; a held line above it proves the
            // broker is past them.
            if through == replayedThrough, !filters.isEmpty {
                state.entries.update(id) { $0.replayed = (replayedThrough, filters) }
            }
        }
    }

    private static func overflowLine(_ handle: SessionHandle) -> ByteBuffer {
        ServerMessage.error(
            ProtocolError(
                .slowConsumer,
                "more than \(handle.outbox.limit) bytes of live alerts arrived during the replay; closing the connection"))
    }

    /// Begins shutdown: refuses new sessions and tells every session goodbye.
    ///
    /// - Returns: How many sessions were told.
    @discardableResult
    func shutDown(grace: TimeAmount) -> Int {
        let handles = state.withLockedValue { state in
            state.isShuttingDown = true
            return state.entries.slots.map(\.handle)
        }
        for handle in handles {
            handle.close(reason: .serverShutdown, finalLine: Self.shutdownBye, grace: grace)
        }
        return handles.count
    }

    /// The `bye` every client receives when the server stops.
    static var shutdownBye: ByteBuffer {
        ServerMessage.bye(reason: "shutdown", message: "the server is shutting down")
    }
}
