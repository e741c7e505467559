import HeraldCore
import HeraldProtocol
import HeraldStore
import Logging
import NIOCore

/// What every session shares: the engine, the broker, the counters and the limits.
///
/// A class, so each of thousands of sessions holds one reference rather than its own copy of every field.
final class SessionContext: Sendable {
    let engine: AlertEngine
    let broker: Broker
    let statistics: ServerStatistics
    let parser: CommandParser
    let serverName: String
    /// See ``HeraldServerConfiguration/nodeName``.
    let nodeName: String?
    let version: String
    let roles: [Role]
    let auth: AuthFile?
    /// Failed `AUTH` attempts per remote address, shared by every connection.
    let authThrottle: AuthThrottle
    /// See ``HeraldServerConfiguration/authDelay``.
    let authDelay: (@Sendable (TimeAmount) async -> Void)?
    /// `RELOAD`: the server's reload, which also updates the statistics and logs.
    let reload: @Sendable () async -> ReloadOutcome?
    /// In a cluster: asks the other nodes to reload, returning how many were heard from lately (`nil` alone).
    let reloadOthers: @Sendable () async -> Int?
    /// In a cluster: the nodes heard from lately (`nil` alone).
    let clusterMembers: @Sendable () async -> [ClusterNode]?
    let maximumLineBytes: Int
    let maximumArticleBytes: Int
    let maximumSubscriptions: Int
    let maximumQueuedBytes: Int
    let closeGracePeriod: TimeAmount
    let slowConsumerGracePeriod: TimeAmount
    /// See ``HeraldServerConfiguration/idleTimeout``.
    let idleTimeout: TimeAmount?
    /// Articles per second per connection (0: no limit), and the burst allowed on top.
    let publishRate: Double
    let publishBurst: Int
    /// What the publish rate is measured by (``HeraldServerConfiguration/publishClock``).
    let publishClock: @Sendable () -> NIODeadline
    /// See ``HeraldServerConfiguration/heartbeatInterval``.
    let heartbeatInterval: TimeAmount?

    init(
        engine: AlertEngine,
        broker: Broker,
        statistics: ServerStatistics,
        parser: CommandParser,
        serverName: String,
        nodeName: String? = nil,
        version: String,
        roles: [Role],
        auth: AuthFile?,
        authThrottle: AuthThrottle,
        authDelay: (@Sendable (TimeAmount) async -> Void)?,
        reload: @escaping @Sendable () async -> ReloadOutcome?,
        reloadOthers: @escaping @Sendable () async -> Int? = { nil },
        clusterMembers: @escaping @Sendable () async -> [ClusterNode]? = { nil },
        maximumLineBytes: Int,
        maximumArticleBytes: Int,
        maximumSubscriptions: Int,
        maximumQueuedBytes: Int,
        closeGracePeriod: TimeAmount,
        slowConsumerGracePeriod: TimeAmount,
        idleTimeout: TimeAmount?,
        publishRate: Double,
        publishBurst: Int,
        publishClock: @escaping @Sendable () -> NIODeadline = { .now() },
        heartbeatInterval: TimeAmount? = nil
    ) {
        self.publishClock = publishClock
        self.heartbeatInterval = heartbeatInterval
        self.engine = engine
        self.broker = broker
        self.statistics = statistics
        self.parser = parser
        self.serverName = serverName
        self.nodeName = nodeName
        self.version = version
        self.roles = roles
        self.auth = auth
        self.authThrottle = authThrottle
        self.authDelay = authDelay
        self.reload = reload
        self.reloadOthers = reloadOthers
        self.clusterMembers = clusterMembers
        self.maximumLineBytes = maximumLineBytes
        self.maximumArticleBytes = maximumArticleBytes
        self.maximumSubscriptions = maximumSubscriptions
        self.maximumQueuedBytes = maximumQueuedBytes
        self.closeGracePeriod = closeGracePeriod
        self.slowConsumerGracePeriod = slowConsumerGracePeriod
        self.idleTimeout = idleTimeout
        self.publishRate = publishRate
        self.publishBurst = publishBurst
    }
}
