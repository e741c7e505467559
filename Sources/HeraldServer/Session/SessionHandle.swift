import HeraldProtocol
import NIOConcurrencyHelpers
import NIOCore

/// The part of a connection that other tasks may touch: its outbox, its close reason, and the channel to cut
/// if an orderly close takes too long.
///
/// The connection's own task owns everything else (subscriptions, the `ARTICLE` being collected); publishers and
/// the shutdown path only ever enqueue lines or close through this handle.
final class SessionHandle: Sendable {
    /// The connection id, as announced in `hello` and logged as `connection`.
    let id: UInt64
    /// The bounded outbound queue.
    let outbox: Outbox
    private let channel: any Channel
    private let statistics: ServerStatistics
    private let state = NIOLockedValueBox(State())

    private struct State {
        var reason: CloseReason?
        var deadline: Scheduled<Void>?
        /// When the client last sent a complete command line: what the idle timeout counts from.
        var lastActivity = NIODeadline.now()
        /// Whether the connection holds a subscription or has published: then it is never idle-timed-out,
        /// since alerts may be rare and a quiet subscriber is doing its job.
        var isEngaged = false
        /// Whether the connection holds a subscription: then it is sent heartbeats.
        var isSubscribed = false
    }

    /// Creates a handle for a connection on `channel`.
    init(id: UInt64, outbox: Outbox, channel: any Channel, statistics: ServerStatistics) {
        self.id = id
        self.outbox = outbox
        self.channel = channel
        self.statistics = statistics
    }

    /// Why the connection closed or is closing, once known.
    var closeReason: CloseReason? { state.withLockedValue { $0.reason } }

    /// Whether the connection is closing: no more commands are processed and no more lines accepted.
    var isClosing: Bool { outbox.isClosed }

    /// Queues a line. A full queue means the client is not keeping up: it is told so and cut off.
    ///
    /// - Returns: Whether the line was queued.
    @discardableResult
    func send(_ line: ByteBuffer, slowConsumerGrace: TimeAmount) -> Bool {
        switch outbox.enqueue(line) {
        case .queued:
            return true
        case .closed:
            return false
        case .overflow:
            cutOff(slowConsumerGrace: slowConsumerGrace)
            return false
        }
    }

    /// Queues `lines` in order with one lock for all of them; if they do not all fit, none is queued and the
    /// client is cut off as by ``send(_:slowConsumerGrace:)``.
    ///
    /// - Returns: How many lines were queued: all of them, or none.
    func send(_ lines: [ByteBuffer], slowConsumerGrace: TimeAmount) -> Int {
        let (queued, result) = outbox.enqueue(lines)
        if result == .overflow { cutOff(slowConsumerGrace: slowConsumerGrace) }
        return queued
    }

    private func cutOff(slowConsumerGrace: TimeAmount) {
        let error = ProtocolError(
            .slowConsumer,
            "more than \(outbox.limit) bytes were waiting to be sent to this connection; closing it")
        // Counted now, not when the connection finally closes: the cut-off is the event an operator watches.
        statistics.error(.slowConsumer)
        close(
            reason: .slowConsumer, finalLine: ServerMessage.error(error), discardingPending: true,
            grace: slowConsumerGrace)
    }

    /// Starts an orderly close: records `reason` (unless one was recorded already), closes the outbox after
    /// `finalLine`, and arms a deadline that closes the channel outright if the client has not let the last
    /// lines drain within `grace`.
    func close(reason: CloseReason, finalLine: ByteBuffer? = nil, discardingPending: Bool = false, grace: TimeAmount) {
        record(reason)
        guard outbox.close(finalLine: finalLine, discardingPending: discardingPending) else { return }
        let channel = self.channel
        let deadline = channel.eventLoop.scheduleTask(in: grace) {
            channel.close(promise: nil)
        }
        let stale = state.withLockedValue { state -> Scheduled<Void>? in
            let stale = state.deadline
            state.deadline = deadline
            return stale
        }
        stale?.cancel()
    }

    /// Closes an idle connection with its `idle_timeout` error, counting the error now.
    func timedOut(_ error: ProtocolError, grace: TimeAmount) {
        statistics.error(error.code)
        close(reason: .idleTimeout, finalLine: ServerMessage.error(error), grace: grace)
    }

    /// Records `reason` if no reason was recorded before; the first cause is the one worth logging.
    func record(_ reason: CloseReason) {
        state.withLockedValue { state in
            if state.reason == nil { state.reason = reason }
        }
    }

    /// Notes that the client sent a complete command line (a `PING` counts): the idle timeout restarts.
    func noteActivity() {
        let now = NIODeadline.now()
        state.withLockedValue { $0.lastActivity = now }
    }

    /// Notes whether the connection now holds a subscription or has published (see ``idleDeadline(after:)``).
    func noteEngaged(_ engaged: Bool) {
        state.withLockedValue { $0.isEngaged = engaged }
    }

    /// Notes whether the connection holds a subscription (see ``Heartbeat``).
    func noteSubscribed(_ subscribed: Bool) {
        state.withLockedValue { $0.isSubscribed = subscribed }
    }

    var isSubscribed: Bool { state.withLockedValue { $0.isSubscribed } }

    /// When the connection will have been idle for `timeout`, or `nil` while it is engaged.
    func idleDeadline(after timeout: TimeAmount) -> NIODeadline? {
        state.withLockedValue { $0.isEngaged ? nil : $0.lastActivity + timeout }
    }

    /// Waits `delay` on the connection's event loop, or less if the connection closes meanwhile (shutdown, a kick),
    /// so a throttled `AUTH` never holds a closing connection open. No thread is held while waiting.
    func pause(_ delay: TimeAmount) async {
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: delay) {}
        channel.closeFuture.whenComplete { _ in timer.cancel() }
        _ = try? await timer.futureResult.get()
    }

    /// Called when the connection has ended: the deadline is no longer needed.
    func finished() {
        let deadline = state.withLockedValue { state -> Scheduled<Void>? in
            defer { state.deadline = nil }
            return state.deadline
        }
        deadline?.cancel()
    }
}
