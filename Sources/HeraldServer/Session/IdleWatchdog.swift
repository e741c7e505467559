import NIOCore

/// Closes a connection that has sent no command for the idle timeout while holding no subscription and having
/// published nothing: a client that never authenticates, never subscribes, or sends half a line and waits.
///
/// Runs as a third task beside a connection's reader and writer and ends when they do (it is cancelled). A
/// subscribed connection is left alone however quiet it is, since alerts may be rare.
enum IdleWatchdog {
    /// Watches `handle` until it closes, the task is cancelled, or the timeout fires.
    static func watch(_ handle: SessionHandle, timeout: TimeAmount, grace: TimeAmount) async {
        while !handle.isClosing {
            let now = NIODeadline.now()
            // Engaged connections are checked again a timeout later: they may UNSUB and go quiet.
            let deadline = handle.idleDeadline(after: timeout) ?? now + timeout
            if deadline <= now {
                let error = ProtocolError(
                    .idleTimeout,
                    "no command for \(Self.describe(timeout)) and no subscription; closing the connection")
                handle.timedOut(error, grace: grace)
                return
            }
            do {
                try await Task.sleep(for: .nanoseconds((deadline - now).nanoseconds))
            } catch {
                return
            }
        }
    }

    /// "300 ms", "60 s": for the error message.
    static func describe(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
