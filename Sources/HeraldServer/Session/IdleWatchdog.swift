import HeraldProtocol
import NIOConcurrencyHelpers
import NIOCore

/// Closes a connection that has sent no command for the idle timeout while holding no subscription and having
/// published nothing: a client that never authenticates, never subscribes, or sends half a line and waits.
///
/// A timer on the connection's event loop rather than a task: a task per connection would keep its own stack
/// alive for the connection's whole life, and idle subscribers are what a server holds most of. A subscribed
/// connection is left alone however quiet it is, since alerts may be rare; it is checked again a timeout later,
/// as it may UNSUB and go quiet.
final class IdleWatchdog: Sendable {
    private let handle: SessionHandle
    private let eventLoop: any EventLoop
    private let timeout: TimeAmount
    private let grace: TimeAmount
    private let timer: NIOLockedValueBox<Scheduled<Void>?> = NIOLockedValueBox(nil)

    init(handle: SessionHandle, eventLoop: any EventLoop, timeout: TimeAmount, grace: TimeAmount) {
        self.handle = handle
        self.eventLoop = eventLoop
        self.timeout = timeout
        self.grace = grace
    }

    /// Arms the first check; checks re-arm themselves until the connection closes or ``stop()``.
    func start() { arm(at: handle.idleDeadline(after: timeout) ?? .now() + timeout) }

    func stop() {
        timer.withLockedValue { timer in
            timer?.cancel()
            timer = nil
        }
    }

    private func arm(at deadline: NIODeadline) {
        let scheduled = eventLoop.scheduleTask(deadline: deadline) { [self] in check() }
        timer.withLockedValue { $0 = scheduled }
    }

    private func check() {
        guard !handle.isClosing else { return }
        let now = NIODeadline.now()
        let deadline = handle.idleDeadline(after: timeout) ?? now + timeout
        guard deadline <= now else {
            arm(at: deadline)
            return
        }
        let error = ProtocolError(
            .idleTimeout, "no command for \(Self.describe(timeout)) and no subscription; closing the connection")
        handle.timedOut(error, grace: grace)
    }

    /// "300 ms", "60 s": for the error message.
    static func describe(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
