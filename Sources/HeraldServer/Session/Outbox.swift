import NIOConcurrencyHelpers
import NIOCore

/// A connection's bounded outbound queue: many producers (its own replies, fan-out from any publisher), one
/// consumer that writes to the socket: the ``OutboxWriter`` on the channel's event loop, kicked when lines
/// arrive (see ``attachConsumer(_:)``).
///
/// Enqueueing never waits. A publisher hands an alert to every subscriber's outbox and moves on, so one client
/// that stops reading cannot slow anybody else down; instead its queue fills up, ``enqueue(_:)`` reports
/// ``EnqueueResult/overflow``, and the caller cuts that client off (see ``SessionHandle``).
final class Outbox: Sendable {
    /// What happened to an enqueued line.
    enum EnqueueResult: Sendable, Equatable {
        /// Queued for writing.
        case queued
        /// Not queued: the queue holds more than its byte limit. The caller should close the connection.
        case overflow
        /// Not queued: the outbox is closed.
        case closed
    }

    private struct State {
        var queue = CircularBuffer<ByteBuffer>(initialCapacity: 2)
        var queuedBytes = 0
        var isClosed = false
        /// Called when lines arrive (or the outbox closes) and no earlier call is outstanding.
        var consumer: (@Sendable () -> Void)?
        var consumerKicked = false

        /// The consumer to call outside the lock, unless a call is already outstanding.
        mutating func kick() -> (@Sendable () -> Void)? {
            guard let consumer, !consumerKicked else { return nil }
            consumerKicked = true
            return consumer
        }
    }

    /// The byte limit; one line is always accepted into an empty queue, however long it is.
    let limit: Int
    private let state = NIOLockedValueBox(State())

    /// Creates an open, empty outbox holding at most `limit` bytes.
    init(limit: Int) {
        self.limit = limit
    }

    /// Queues `line` unless the outbox is closed or over its limit. Never blocks.
    @discardableResult
    func enqueue(_ line: ByteBuffer) -> EnqueueResult {
        let (result, kick) = state.withLockedValue { state -> (EnqueueResult, (@Sendable () -> Void)?) in
            if state.isClosed { return (.closed, nil) }
            if state.queuedBytes > 0 && state.queuedBytes + line.readableBytes > limit { return (.overflow, nil) }
            state.queue.append(line)
            state.queuedBytes += line.readableBytes
            return (.queued, state.kick())
        }
        kick?()
        return result
    }

    /// Queues `lines` in order, under one lock and with at most one kick: what a commit of many alerts costs
    /// per subscriber. All or nothing: if the lines would overflow the limit, none of them is queued (the writer
    /// must not send half of a commit before the caller cuts the connection off).
    ///
    /// - Returns: How many lines were queued (all or none), and the result.
    func enqueue(_ lines: [ByteBuffer]) -> (queued: Int, result: EnqueueResult) {
        let (queued, result, kick) = state.withLockedValue { state -> (Int, EnqueueResult, (@Sendable () -> Void)?) in
            if state.isClosed { return (0, .closed, nil) }
            var queued = 0
            var bytes = 0
            for line in lines {
                if state.queuedBytes + bytes > 0 && state.queuedBytes + bytes + line.readableBytes > limit {
                    state.queue.removeLast(queued)
                    return (0, .overflow, nil)
                }
                state.queue.append(line)
                bytes += line.readableBytes
                queued += 1
            }
            state.queuedBytes += bytes
            return (queued, .queued, queued > 0 ? state.kick() : nil)
        }
        kick?()
        return (queued, result)
    }

    /// Installs the consumer: `kick` is called, outside the lock, when a line is queued or the outbox closes while
    /// no earlier kick is outstanding; the consumer answers it with ``take(into:)``. One kick per burst of lines,
    /// however many publishers queue them, is what lets the writer coalesce them.
    func attachConsumer(_ kick: @escaping @Sendable () -> Void) {
        let kickNow = state.withLockedValue { state -> Bool in
            state.consumer = kick
            state.consumerKicked = !state.queue.isEmpty || state.isClosed
            return state.consumerKicked
        }
        if kickNow { kick() }
    }

    /// Lets go of the consumer once its channel is gone. Its kick holds the writer and the channel's context,
    /// and the writer holds this outbox: kept, the cycle would keep every closed connection in memory.
    func detachConsumer() {
        let released = state.withLockedValue { state in
            let released = state.consumer
            state.consumer = nil
            return released
        }
        _ = released  // dropped outside the lock
    }

    /// Moves every queued line into `batch` (which should be empty; its storage is reused, so a steady stream
    /// allocates nothing) and re-arms the kick.
    ///
    /// - Returns: Whether the outbox is closed: with an empty batch, the stream has ended.
    func take(into batch: inout CircularBuffer<ByteBuffer>) -> Bool {
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
    func close(finalLine: ByteBuffer? = nil, discardingPending: Bool = false) -> Bool {
        let (closed, kick) = state.withLockedValue { state -> (Bool, (@Sendable () -> Void)?) in
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
            return (true, state.kick())
        }
        kick?()
        return closed
    }

    /// Whether the outbox has been closed.
    var isClosed: Bool { state.withLockedValue { $0.isClosed } }

    /// The bytes queued and not yet taken by the writer: a replay waits for this to fall before sending more.
    var queuedBytes: Int { state.withLockedValue { $0.queuedBytes } }
}
