import NIOConcurrencyHelpers
import NIOCore

/// Sends a subscribed connection a `heartbeat` line every interval, so both ends can tell a quiet connection from
/// a dead one without the client ever having to answer (someone typing into `openssl s_client` just sees them).
///
/// The client learns the server is gone when heartbeats stop (`herald sub` reconnects after a few missed ones).
/// The server learns the client is gone because the heartbeat is data the kernel must deliver: with the dead-peer
/// timeout set (`TCP_USER_TIMEOUT`), unacknowledged data for that long fails the socket and the connection
/// closes. A timer on the connection's event loop, like ``IdleWatchdog``, so an idle subscriber holds no task.
final class Heartbeat: Sendable {
    private let handle: SessionHandle
    private let eventLoop: any EventLoop
    private let interval: TimeAmount
    private let slowConsumerGrace: TimeAmount
    private let line: ByteBuffer
    private let timer: NIOLockedValueBox<RepeatedTask?> = NIOLockedValueBox(nil)

    init(handle: SessionHandle, eventLoop: any EventLoop, interval: TimeAmount, slowConsumerGrace: TimeAmount) {
        self.handle = handle
        self.eventLoop = eventLoop
        self.interval = interval
        self.slowConsumerGrace = slowConsumerGrace
        self.line = ServerMessage.heartbeat(interval: interval)
    }

    func start() {
        let task = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] task in
            guard !handle.isClosing else {
                task.cancel()
                return
            }
            guard handle.isSubscribed else { return }
            // A copy shares the encoded line's storage.
            _ = handle.send(line, slowConsumerGrace: slowConsumerGrace)
        }
        timer.withLockedValue { $0 = task }
    }

    func stop() {
        timer.withLockedValue { timer in
            timer?.cancel()
            timer = nil
        }
    }
}
