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
    var roles: [String]
    var maximumLineBytes: Int
    var maximumArticleBytes: Int
    var maximumSubscriptions: Int
    var maximumQueuedBytes: Int
    var closeGracePeriod: TimeAmount
    var slowConsumerGracePeriod: TimeAmount
}
