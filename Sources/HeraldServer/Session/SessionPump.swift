import NIOConcurrencyHelpers
import NIOCore

/// Handles a connection's queued inbound events in order, one pump task at a time.
///
/// The ``InboundQueue`` starts ``run()`` in a new task when events arrive and none is running, and the task ends
/// when the queue is empty, so the session state is kept here between pumps rather than on a task's stack.
final class SessionPump: Sendable {
    private let session: NIOLockedValueBox<Session?>
    private let queue: InboundQueue
    private let stopped: EventLoopPromise<Void>

    init(session: Session, queue: InboundQueue, stopped: EventLoopPromise<Void>) {
        self.session = NIOLockedValueBox(session)
        self.queue = queue
        self.stopped = stopped
    }

    /// Handles events until the queue is empty or the session stops. Only one runs at a time (the queue's
    /// `pumpRunning` flag, held until ``InboundQueue/endPump()``), so taking the session out of its box for the
    /// duration is safe.
    func run() async {
        repeat {
            guard var current = session.withLockedValue({ $0.take() }) else { return }
            while let event = queue.next() {
                if await current.handle(event) == .stop {
                    queue.discardAll()
                    stopped.succeed()
                    return
                }
            }
            // Put back before the pump ends: a line arriving now starts the next pump, which must find it.
            session.withLockedValue { $0 = current }
        } while queue.endPump()
    }
}
