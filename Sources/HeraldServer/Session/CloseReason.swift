/// Why a connection ended: recorded once per connection (the first reason wins), logged as `close_reason`
/// and counted in ``ServerStatistics``.
public enum CloseReason: String, Sendable, Hashable, CaseIterable {
    /// The client closed its side (end of input) after a clean TLS shutdown or at a line boundary.
    case clientClosed = "client_closed"
    /// The client sent `QUIT`.
    case quit
    /// The server is shutting down; the client was sent `bye`.
    case serverShutdown = "server_shutdown"
    /// A line exceeded the maximum length; the client was sent `error` `line_too_long`.
    case lineTooLong = "line_too_long"
    /// The client read too slowly and its outbound queue overflowed; it was sent `error` `slow_consumer`.
    case slowConsumer = "slow_consumer"
    /// The TLS handshake failed: typically a plain-TCP or HTTP client on the TLS port, or an untrusted client.
    case tlsHandshakeFailed = "tls_handshake_failed"
    /// The client did not complete the TLS handshake in time.
    case tlsHandshakeTimeout = "tls_handshake_timeout"
    /// The client disconnected before the TLS handshake completed (a port scan, a health check).
    case closedBeforeHandshake = "closed_before_handshake"
    /// The client dropped TCP without a TLS close_notify (netcat-style clients do this routinely).
    case uncleanShutdown = "unclean_shutdown"
    /// Writing to the client failed (it went away while replies or alerts were pending).
    case writeFailed = "write_failed"
    /// Any other I/O or TLS error after the handshake.
    case connectionError = "connection_error"
    /// An admin sent `KICK`; the client was sent `bye` with reason `kicked`.
    case kicked
    /// The server or the client's address had its maximum of connections; the client was sent
    /// `error` `too_many_connections` (or, when many refusals were already in flight, closed before TLS).
    case tooManyConnections = "too_many_connections"
    /// The connection sent no command for the idle timeout and held no subscription; it was sent
    /// `error` `idle_timeout`.
    case idleTimeout = "idle_timeout"

    /// Whether this reason is routine, logged at debug level, rather than worth an info line.
    public var isRoutine: Bool {
        switch self {
        case .clientClosed, .quit, .serverShutdown, .uncleanShutdown, .closedBeforeHandshake: true
        case .kicked, .tooManyConnections, .idleTimeout, .lineTooLong, .slowConsumer, .tlsHandshakeFailed,
            .tlsHandshakeTimeout, .writeFailed, .connectionError:
            false
        }
    }
}
