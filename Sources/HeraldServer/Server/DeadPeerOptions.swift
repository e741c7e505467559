#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// The socket options that let the kernel notice a dead peer within a bounded time: TCP keepalive for a socket
/// with nothing to send, and (on Linux) `TCP_USER_TIMEOUT` for one whose data goes unacknowledged, such as a
/// subscriber behind a NAT that dropped its mapping while heartbeats and alerts were being sent to it.
enum DeadPeerOptions {
    /// Keepalive starts after a third of `timeout` of silence and probes every sixth, giving up after 4 unanswered
    /// probes (about `timeout` in all); sent data unacknowledged for `timeout` fails the socket.
    static func apply(timeout: TimeAmount?, to bootstrap: ServerBootstrap) {
        guard let timeout else { return }
        let seconds = max(1, Int32(timeout.nanoseconds / 1_000_000_000))
        _ = bootstrap.childChannelOption(.socketOption(.so_keepalive), value: 1)
        #if os(Linux)
        let tcp = NIOBSDSocket.OptionLevel.tcp
        let settings: [(Int32, Int32)] = [
            (TCP_KEEPIDLE, max(1, seconds / 3)), (TCP_KEEPINTVL, max(1, seconds / 6)), (TCP_KEEPCNT, 4),
            (TCP_USER_TIMEOUT, seconds * 1000),
        ]
        for (name, value) in settings {
            _ = bootstrap.childChannelOption(
                ChannelOptions.Types.SocketOption(level: tcp, name: NIOBSDSocket.Option(rawValue: name)), value: Int(value))
        }
        #endif
    }
}
