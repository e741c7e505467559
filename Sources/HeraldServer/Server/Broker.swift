import HeraldCore
import NIOConcurrencyHelpers
import NIOCore

/// One line for subscribers (an alert, encoded once) and what subscription filters look at.
struct Delivery: Sendable {
    var facts: AlertFacts
    /// Shared by every recipient: a `ByteBuffer` copy shares its storage.
    var line: ByteBuffer

    init(_ alert: Alert) {
        self.facts = AlertFacts(alert)
        self.line = ServerMessage.alert(alert)
    }

    /// A line of the alert log; `nil` for lines subscribers never see (alerts held back by a throttle).
    init?(_ entry: LogEntry) {
        guard entry.kind != .suppressed else { return nil }
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
    private struct Entry {
        var handle: SessionHandle
        var subscriptions: SubscriptionSet
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var isShuttingDown = false
    }

    private let state = NIOLockedValueBox(State())
    private let slowConsumerGrace: TimeAmount

    init(slowConsumerGrace: TimeAmount) {
        self.slowConsumerGrace = slowConsumerGrace
    }

    /// Adds a session; refused (returns `false`) once shutdown has begun, so a late connection is not missed by it.
    func register(_ handle: SessionHandle, subscriptions: SubscriptionSet) -> Bool {
        state.withLockedValue { state in
            guard !state.isShuttingDown else { return false }
            state.entries[handle.id] = Entry(handle: handle, subscriptions: subscriptions)
            return true
        }
    }

    /// Removes a session that has ended.
    func unregister(_ id: UInt64) {
        state.withLockedValue { _ = $0.entries.removeValue(forKey: id) }
    }

    /// Replaces a session's subscriptions (after `SUB` or `UNSUB`).
    func update(_ id: UInt64, subscriptions: SubscriptionSet) {
        state.withLockedValue { $0.entries[id]?.subscriptions = subscriptions }
    }

    /// The number of registered sessions.
    var sessionCount: Int { state.withLockedValue { $0.entries.count } }

    /// Queues each line to every session with a matching subscription, in order.
    ///
    /// - Returns: The number of lines queued.
    func deliver(_ deliveries: [Delivery]) -> Int {
        guard !deliveries.isEmpty else { return 0 }
        // One snapshot for the whole batch: the lock is held only to copy (copy-on-write) the subscription sets,
        // never while matching or enqueueing.
        let sessions = state.withLockedValue { state in
            state.entries.values.sorted { $0.handle.id < $1.handle.id }.map { ($0.handle, $0.subscriptions) }
        }
        var queued = 0
        for delivery in deliveries {
            for (handle, subscriptions) in sessions where subscriptions.matches(delivery.facts) {
                if handle.send(delivery.line, slowConsumerGrace: slowConsumerGrace) { queued += 1 }
            }
        }
        return queued
    }

    /// Begins shutdown: refuses new sessions and tells every session goodbye.
    ///
    /// - Returns: How many sessions were told.
    @discardableResult
    func shutDown(grace: TimeAmount) -> Int {
        let handles = state.withLockedValue { state in
            state.isShuttingDown = true
            return state.entries.values.map(\.handle)
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
