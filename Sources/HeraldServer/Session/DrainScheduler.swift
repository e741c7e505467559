import NIOConcurrencyHelpers
import NIOCore

/// Runs the outbox drains of one event loop's connections in batches.
///
/// One alert to a thousand subscribers kicks a thousand outboxes. Scheduling each drain with its own
/// `eventLoop.execute` costs an allocation, a lock on the loop's task queue and often a wake-up per subscriber;
/// here kicks only append a prepared closure to a list, and the first kick of a burst schedules one task that
/// runs every drain queued by then.
final class DrainScheduler: Sendable {
    private let eventLoop: any EventLoop
    private let pending = NIOLockedValueBox<[@Sendable () -> Void]>([])

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Queues `drain` to run on the event loop soon (from any thread).
    func schedule(_ drain: @escaping @Sendable () -> Void) {
        let first = pending.withLockedValue { pending in
            pending.append(drain)
            return pending.count == 1
        }
        if first { eventLoop.execute { self.runPending() } }
    }

    private func runPending() {
        var batch: [@Sendable () -> Void] = []
        pending.withLockedValue { swap(&$0, &batch) }
        for drain in batch { drain() }
    }
}

/// One ``DrainScheduler`` per event loop of the server's group.
final class DrainSchedulers: Sendable {
    private let schedulers: NIOLockedValueBox<[ObjectIdentifier: DrainScheduler]> = NIOLockedValueBox([:])

    /// The scheduler for `eventLoop`, made on first use.
    func scheduler(for eventLoop: any EventLoop) -> DrainScheduler {
        schedulers.withLockedValue { schedulers in
            let key = ObjectIdentifier(eventLoop)
            if let scheduler = schedulers[key] { return scheduler }
            let scheduler = DrainScheduler(eventLoop: eventLoop)
            schedulers[key] = scheduler
            return scheduler
        }
    }
}
