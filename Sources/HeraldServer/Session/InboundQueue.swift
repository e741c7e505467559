import NIOConcurrencyHelpers
import NIOCore

/// What a connection's reader has to handle: a complete line, the end of the client's input, or a failure.
enum InboundEvent: Sendable {
    case line(ByteBuffer)
    /// A line longer than the connection's current limit, dropped unread as it arrived (``SessionLineDecoder``).
    case skippedLine(bytes: Int)
    /// The client closed its side, or the channel closed.
    case end
    /// The line framer or TLS failed (a line too long, an unclean shutdown, an I/O error).
    case failure(any Error)
}

/// A connection's inbound lines, queued on the event loop and handled by a task that exists only while there is
/// something to handle.
///
/// An idle subscriber is what a server holds most of. A task blocked reading per connection would keep its stack
/// (and the stack slabs of the deepest command it ever ran) for the connection's whole life; here the event loop
/// queues lines and, when the queue goes from empty to not, starts one pump task that handles them in order and
/// ends when the queue is empty. Reading pauses while the queue holds ``maximumBytes`` of lines or more (or
/// ``highWaterMark`` lines), so a client that sends faster than its commands are handled is pushed back by TCP,
/// and a connection's queue never holds more than ``maximumBytes`` plus one line, whatever size its lines are.
final class InboundQueue: Sendable {
    private struct State {
        var events = CircularBuffer<InboundEvent>(initialCapacity: 4)
        var pumpRunning = false
        var startPump: (@Sendable () -> Void)?
        var readPaused = false
        var resumeReading: (@Sendable () -> Void)?
        var ended = false
        /// The channel is gone: closures installed now would never be let go of (``detach()``).
        var detached = false
        /// The bytes of the queued lines.
        var bytes = 0
    }

    static let highWaterMark = 256
    static let lowWaterMark = 64
    /// The default byte bound: one maximum-length line.
    static let defaultMaximumBytes = 1 << 20

    /// Reading pauses once the queued lines hold this many bytes, and resumes below a quarter of it.
    let maximumBytes: Int
    private let state = NIOLockedValueBox(State())

    init(maximumBytes: Int = InboundQueue.defaultMaximumBytes) {
        self.maximumBytes = max(1, maximumBytes)
    }

    /// Queues an event (from the event loop). Returns whether reading should pause.
    func push(_ event: InboundEvent) -> Bool {
        let (start, pause) = state.withLockedValue { state -> ((@Sendable () -> Void)?, Bool) in
            if state.ended { return (nil, false) }
            switch event {
            case .line(let line): state.bytes += line.readableBytes
            case .skippedLine: break
            case .end, .failure: state.ended = true
            }
            state.events.append(event)
            let pause = state.events.count >= Self.highWaterMark || state.bytes >= maximumBytes
            if pause { state.readPaused = true }
            guard !state.pumpRunning, let startPump = state.startPump else { return (nil, pause) }
            state.pumpRunning = true
            return (startPump, pause)
        }
        start?()
        return pause
    }

    /// Whether reading is paused for back-pressure (asked by the handler before forwarding a read).
    var isReadPaused: Bool { state.withLockedValue { $0.readPaused } }

    /// How to resume reading after a pause (installed by ``LineInbox``: it hops to the event loop).
    func setResumeReading(_ resumeReading: @escaping @Sendable () -> Void) {
        state.withLockedValue { state in
            if !state.detached { state.resumeReading = resumeReading }
        }
    }

    /// Installs the pump starter once the session exists; starts a pump at once if lines arrived during the
    /// handshake and greeting.
    func attach(startPump: @escaping @Sendable () -> Void) {
        let startNow = state.withLockedValue { state -> Bool in
            if !state.detached { state.startPump = startPump }
            guard !state.events.isEmpty, !state.pumpRunning else { return false }
            state.pumpRunning = true
            return true
        }
        if startNow { startPump() }
    }

    /// The next event for the running pump, or `nil` when there is none; the pump then puts its state away and
    /// calls ``endPump()``. Resumes reading once the queue has drained below its low-water mark.
    func next() -> InboundEvent? {
        let (event, resume) = state.withLockedValue { state -> (InboundEvent?, (@Sendable () -> Void)?) in
            guard let event = state.events.popFirst() else { return (nil, nil) }
            if case .line(let line) = event { state.bytes -= line.readableBytes }
            var resume: (@Sendable () -> Void)?
            if state.readPaused, state.events.count <= Self.lowWaterMark, state.bytes <= maximumBytes / 4 {
                state.readPaused = false
                resume = state.resumeReading
            }
            return (event, resume)
        }
        resume?()
        return event
    }

    /// Ends the running pump, unless events arrived since its last ``next()``: then it must go on (`true`).
    ///
    /// The pump stays "running" until it has put its state away and called this, so a new event can never start
    /// a second pump that finds no state to run with; an event arriving in between is seen here instead.
    func endPump() -> Bool {
        state.withLockedValue { state in
            guard state.events.isEmpty else { return true }
            state.pumpRunning = false
            return false
        }
    }

    /// Drops whatever is queued: the session stopped and will handle nothing more.
    func discardAll() {
        state.withLockedValue { state in
            state.events.removeAll()
            state.bytes = 0
            state.ended = true
        }
    }

    /// Lets go of the pump starter and the read resumer, once the channel is gone.
    ///
    /// Both closures close a reference cycle through this queue (the pump holds the queue; the resumer holds the
    /// inbox handler, which holds the queue, and its channel context, which holds the whole pipeline). Left in
    /// place, every connection ever accepted would stay in memory after it closed.
    func detach() {
        let released = state.withLockedValue { state in
            let released = (state.startPump, state.resumeReading)
            state.startPump = nil
            state.resumeReading = nil
            state.detached = true
            return released
        }
        // Released outside the lock: dropping the last reference to the pump may deinitialise a session.
        _ = released
    }
}
