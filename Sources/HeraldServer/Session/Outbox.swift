import NIOConcurrencyHelpers
import NIOCore

/// A connection's bounded outbound queue: many producers (its own replies, fan-out from any publisher), one
/// consumer that writes to the socket: the ``OutboxWriter`` on the channel's event loop (push mode, see
/// ``attachConsumer(_:)``), or a task calling ``nextBatch()``.
///
/// Enqueueing never waits. A publisher hands an alert to every subscriber's outbox and moves on, so one client
/// that stops reading cannot slow anybody else down; instead its queue fills up, ``enqueue(_:)`` reports
/// ``EnqueueResult/overflow``, and the caller cuts that client off (see ``SessionHandle``).
public final class Outbox: Sendable {
    /// What happened to an enqueued line.
    public enum EnqueueResult: Sendable, Equatable {
        /// Queued for writing.
        case queued
        /// Not queued: the queue holds more than its byte limit. The caller should close the connection.
        case overflow
        /// Not queued: the outbox is closed.
        case closed
    }

    fileprivate struct State {
        var queue = CircularBuffer<ByteBuffer>(initialCapacity: 2)
        var queuedBytes = 0
        var isClosed = false
        var waiter: CheckedContinuation<[ByteBuffer]?, Never>?
        /// Push mode: called when lines arrive (or the outbox closes) and no call is outstanding.
        var consumer: (@Sendable () -> Void)?
        var consumerKicked = false
    }

    /// The byte limit; one line is always accepted into an empty queue, however long it is.
    public let limit: Int
    private let state = NIOLockedValueBox(State())

    /// Creates an open, empty outbox holding at most `limit` bytes.
    public init(limit: Int) {
        self.limit = limit
    }

    /// Bytes queued and not yet taken by the writer: a replay waits for this to fall before sending more.
    public var pendingBytes: Int { state.withLockedValue { $0.queuedBytes } }

    /// Queues `line` unless the outbox is closed or over its limit. Never blocks.
    @discardableResult
    public func enqueue(_ line: ByteBuffer) -> EnqueueResult {
        let (result, wakeUp) = state.withLockedValue { state -> (EnqueueResult, WakeUp?) in
            if state.isClosed { return (.closed, nil) }
            if state.queuedBytes > 0 && state.queuedBytes + line.readableBytes > limit { return (.overflow, nil) }
            state.queue.append(line)
            state.queuedBytes += line.readableBytes
            return (.queued, state.wakeUpWaiter())
        }
        wakeUp?.resume()
        return result
    }

    /// Switches the outbox to push mode: `kick` is called, outside the lock, when a line is queued or the outbox
    /// closes while no earlier kick is outstanding; the consumer answers it with ``take(into:)``. One kick per
    /// burst of lines, however many publishers queue them, is what lets the writer coalesce them.
    public func attachConsumer(_ kick: @escaping @Sendable () -> Void) {
        let kickNow = state.withLockedValue { state -> Bool in
            state.consumer = kick
            state.consumerKicked = !state.queue.isEmpty || state.isClosed
            return state.consumerKicked
        }
        if kickNow { kick() }
    }

    /// Push mode: moves every queued line into `batch` (which should be empty; its storage is reused, so a
    /// steady stream allocates nothing) and re-arms the kick.
    ///
    /// - Returns: Whether the outbox is closed: with an empty batch, the stream has ended.
    public func take(into batch: inout CircularBuffer<ByteBuffer>) -> Bool {
        state.withLockedValue { state in
            swap(&state.queue, &batch)
            state.queuedBytes = 0
            state.consumerKicked = false
            return state.isClosed
        }
    }

    /// Closes the outbox: nothing more is accepted; `finalLine`, if any, is queued last; the consumer sees the end
    /// once the queue is empty. With `discardingPending`, lines not yet taken by the consumer are dropped first,
    /// so an error to a slow consumer is not stuck behind the backlog that made it slow.
    ///
    /// - Returns: `false` if the outbox was already closed (and nothing changed).
    @discardableResult
    public func close(finalLine: ByteBuffer? = nil, discardingPending: Bool = false) -> Bool {
        let (closed, wakeUp) = state.withLockedValue { state -> (Bool, WakeUp?) in
            guard !state.isClosed else { return (false, nil) }
            state.isClosed = true
            if discardingPending {
                state.queue.removeAll()
                state.queuedBytes = 0
            }
            if let finalLine {
                state.queue.append(finalLine)
                state.queuedBytes += finalLine.readableBytes
            }
            return (true, state.wakeUpWaiter())
        }
        wakeUp?.resume()
        return closed
    }

    /// Whether the outbox has been closed.
    public var isClosed: Bool { state.withLockedValue { $0.isClosed } }

    /// The bytes waiting to be written.
    public var queuedBytes: Int { state.withLockedValue { $0.queuedBytes } }

    /// Waits for lines and returns everything queued so far (so the writer can flush once per batch), or `nil`
    /// when the outbox is closed and drained. Only one task may call this at a time; cancelling it closes the outbox.
    public func nextBatch() async -> [ByteBuffer]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[ByteBuffer]?, Never>) in
                let ready = state.withLockedValue { state -> [ByteBuffer]?? in
                    if !state.queue.isEmpty { return .some(state.drain()) }
                    if state.isClosed || Task.isCancelled { return .some(nil) }
                    precondition(state.waiter == nil, "Outbox.nextBatch() has a single consumer")
                    state.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            close()
        }
    }

}

/// A consumer to resume, and what to resume it with, taken under the lock and resumed after releasing it.
private struct WakeUp {
    var waiter: CheckedContinuation<[ByteBuffer]?, Never>?
    var batch: [ByteBuffer]?
    var kick: (@Sendable () -> Void)?

    func resume() {
        waiter?.resume(returning: batch)
        kick?()
    }
}

extension Outbox.State {
    /// Removes every queued line.
    fileprivate mutating func drain() -> [ByteBuffer] {
        let batch = Array(queue)
        queue.removeAll(keepingCapacity: true)
        queuedBytes = 0
        return batch
    }

    /// If the consumer is waiting, hands it over with everything queued (or `nil` for the end), to be resumed
    /// by the caller outside the lock.
    fileprivate mutating func wakeUpWaiter() -> WakeUp? {
        if let consumer {
            guard !consumerKicked else { return nil }
            consumerKicked = true
            return WakeUp(waiter: nil, batch: nil, kick: consumer)
        }
        guard let waiter else { return nil }
        self.waiter = nil
        let batch = queue.isEmpty ? nil : drain()
        return WakeUp(waiter: waiter, batch: batch)
    }
}
