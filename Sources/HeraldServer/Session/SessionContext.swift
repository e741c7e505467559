import HeraldCore
import Logging
import NIOCore

/// What every session shares: the engine, the broker, the counters and the limits.
struct SessionContext: Sendable {
    var engine: AlertEngine
    var broker: Broker
    var statistics: ServerStatistics
    var parser: CommandParser
    var serverName: String
    var version: String
    var roles: [Role]
    var auth: AuthFile?
    /// `RELOAD`: the server's reload, which also updates the statistics and logs.
    var reload: @Sendable () async -> ReloadOutcome?
    var maximumLineBytes: Int
    var maximumArticleBytes: Int
    var maximumSubscriptions: Int
    var maximumQueuedBytes: Int
    var closeGracePeriod: TimeAmount
    var slowConsumerGracePeriod: TimeAmount
    /// See ``HeraldServerConfiguration/idleTimeout``.
    var idleTimeout: TimeAmount?
    /// Articles per second per connection (0: no limit), and the burst allowed on top.
    var publishRate: Double
    var publishBurst: Int
}
