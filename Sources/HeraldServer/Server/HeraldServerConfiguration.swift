import HeraldProtocol
import HeraldStore
import NIOCore
import NIOPosix

/// Everything ``HeraldServer`` needs besides the engine and the logger. Limits have protocol error codes.
public struct HeraldServerConfiguration: Sendable {
    /// The address to listen on. Loopback by default: exposing the server is a deliberate choice.
    public var host: String = "127.0.0.1"
    /// The TCP port; 0 picks a free one (see ``onServerRunning``).
    public var port: Int = 7443
    /// The TLS identity and client verification.
    public var tls: TLSSettings
    /// The longest accepted line in bytes, terminator excluded (`line_too_long` beyond, then close).
    public var maximumLineBytes: Int = 1 << 20
    /// The largest accepted `ARTICLE` block in bytes (`article_too_large` beyond).
    public var maximumArticleBytes: Int = 1 << 20
    /// The most bytes of received lines queued for one connection before the server stops reading from it (TCP
    /// then pushes back on the client; nothing is lost or refused). At least one line is always accepted.
    public var maximumQueuedInboundBytes: Int = 1 << 20
    /// The most subscriptions one connection may hold (`too_many_subscriptions` beyond).
    public var maximumSubscriptions: Int = 64
    /// The most bytes queued for one connection before it is cut off as a slow consumer (`slow_consumer`).
    public var maximumQueuedBytes: Int = 4 << 20
    /// How long stored alert-log lines are kept for replay (`nil`: forever). Pruned at start and hourly.
    public var retentionAge: Double? = 30 * 86_400
    /// How many of the newest lines are kept at most (`nil`: no count limit).
    public var retentionCount: Int?
    /// How long archived article texts are kept when that is shorter than ``retentionAge`` (`nil`: as long as the
    /// articles themselves, which go with the log).
    public var archiveRetentionAge: Double?
    /// The most connections open at once, handshaking ones included (`too_many_connections` beyond; 0: no limit).
    public var maximumConnections: Int = 10_000
    /// The most connections open at once from one IP address, loopback included (0: no limit).
    public var maximumConnectionsPerAddress: Int = 1_000
    /// How long a connection that holds no subscription and has never published may go without sending a
    /// command before it gets `idle_timeout` and is closed; `nil` turns the timeout off.
    public var idleTimeout: TimeAmount? = .seconds(60)
    /// How often a subscribed connection is sent a `heartbeat` line; `nil` turns heartbeats off. A client that
    /// hears nothing for a few intervals knows the server or the path to it is gone (`herald sub` reconnects), and
    /// the heartbeat gives the kernel data to deliver, so a dead peer trips ``deadPeerTimeout``.
    public var heartbeatInterval: TimeAmount? = .seconds(30)
    /// How long sent data may go unacknowledged, or an idle socket unanswered by TCP keepalive probes, before the
    /// kernel drops the connection as dead (`TCP_USER_TIMEOUT` and `SO_KEEPALIVE` on Linux); `nil`: the system's
    /// defaults (keepalive off, about 15 minutes of retransmission).
    public var deadPeerTimeout: TimeAmount? = .seconds(90)
    /// Articles (`PUB`, `ARTICLE`) one connection may publish per second (`rate_limited` beyond; 0: no limit).
    public var publishRate: Double = 200
    /// How many articles one connection may publish at once before the rate applies; `nil`: twice the rate.
    public var publishBurst: Int?
    /// The clock the publish rate is measured by: the event loops' clock, or a test's own, so that a test of the
    /// limit advances time instead of waiting for it.
    public var publishClock: @Sendable () -> NIODeadline = { .now() }
    /// How long a client has to complete the TLS handshake.
    public var handshakeTimeout: TimeAmount = .seconds(10)
    /// After `bye` or a closing `error`, how long the last lines may take to drain before the socket is cut.
    public var closeGracePeriod: TimeAmount = .seconds(5)
    /// How long a slow consumer gets to read its `slow_consumer` error before the socket is cut.
    public var slowConsumerGracePeriod: TimeAmount = .seconds(1)
    /// The roles every connection gets when no ``auth`` is configured (protected mode: loopback only), announced
    /// in `hello`: `subscribe` allows `SUB`, `publish` allows `PUB` and `ARTICLE`, `admin` the admin commands.
    public var roles: [Role] = Role.allCases
    /// Tokens and client-certificate mappings. With `nil` (protected mode) the server refuses to bind a
    /// non-loopback address and gives every client ``roles``; otherwise connections start with the roles their
    /// client certificate maps to and gain more with `AUTH`.
    public var auth: AuthFile?
    /// How failed `AUTH` attempts slow down further ones from the same address, and how often they are logged.
    public var authThrottle = AuthThrottlePolicy()
    /// How the server waits before answering a throttled `AUTH`; `nil` (the default): a timer on the connection's
    /// event loop, cut short if the connection closes. Tests set this to see each wait and decide when it ends.
    public var authDelay: (@Sendable (TimeAmount) async -> Void)?
    /// Recompiles the rules and installs them in the engine, for `RELOAD` and SIGHUP; `nil` disables reloading.
    public var reloadRules: (@Sendable () async -> ReloadOutcome)?
    /// The port of the Prometheus endpoint (`GET /metrics`, plain HTTP on 127.0.0.1); `nil` turns it off.
    public var metricsPort: Int?
    /// Called once the metrics endpoint is bound, with its actual address.
    public var onMetricsRunning: (@Sendable (SocketAddress) async -> Void)?
    /// The name announced in `hello`.
    public var serverName: String = "herald"
    /// This server's name among the nodes of a cluster (several servers on one PostgreSQL log): `hello` and the
    /// replies to admin commands carry it as `node`, so a client knows which node answered. `nil` (one server on
    /// its own): no `node` field.
    public var nodeName: String?
    /// What the nodes sharing the alert log know of each other (the PostgreSQL store); with ``nodeName`` set, the
    /// server announces itself there, lists the nodes in `STATS`, and passes `RELOAD` on to every node.
    public var cluster: (any ClusterMembership)?
    /// The version announced in `hello`.
    public var version: String = "0.1.0"
    /// The event loops for the listening socket and the connections.
    public var eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    /// Called once the socket is bound, with the actual address (the port is real even when ``port`` was 0).
    public var onServerRunning: (@Sendable (SocketAddress) async -> Void)?
    /// Called on the event loop with each accepted connection once its handlers are in place. For tests: one
    /// keeps weak references to see that closed connections are let go of.
    var onConnectionAccepted: (@Sendable (AcceptedConnection) -> Void)?

    /// Creates a configuration with the default limits.
    public init(host: String = "127.0.0.1", port: Int = 7443, tls: TLSSettings) {
        self.host = host
        self.port = port
        self.tls = tls
    }
}
