/// Everything `herald serve` runs with. Built in three layers: these defaults, then the config file
/// (``ServerSettings/applying(_:)``), then the command-line flags, each overriding the one before.
struct ServerSettings: Sendable, Equatable {
    struct Feed: Sendable, Equatable {
        var url: String
        var intervalSeconds: Int
    }

    var host = "127.0.0.1"
    var port = 7443
    var rules = "Rules"
    var data = ".herald"
    /// The alert log on PostgreSQL (`postgres://…`, cluster mode); `nil` keeps the embedded SQLite log in `data`.
    var storeURL: String?
    /// A file whose first line is the PostgreSQL password, when the URL does not carry one.
    var storePasswordFile: String?
    /// This node's name in a cluster; by default `host:port` of this machine when the store is PostgreSQL.
    var nodeName: String?
    var logLevel = "info"
    var metricsPort: Int?

    var certs = "certs"
    var cert: String?
    var key: String?
    var clientCA: String?

    var authFile: String?

    var maxLineBytes = 1 << 20
    var maxConnections = 10_000
    var maxConnectionsPerAddress = 1_000
    var idleTimeoutSeconds = 60
    var heartbeatSeconds = 30
    var deadPeerTimeoutSeconds = 90
    var publishRate = 200.0
    var publishBurst: Int?

    var retainSeconds = 30 * 86_400
    var retainCount: Int?
    /// How long articles' texts are kept for backtests: `nil` as long as the log (`retain`), 0 not at all.
    var archiveRetainSeconds: Int?
    var quietUpdates = false

    var watch: String?
    var watchIntervalSeconds = 2.0

    var feeds: [Feed] = []
    static let defaultFeedIntervalSeconds = 300

    /// `90s`, `30m`, `24h`, `30d`, `2w`, or `0`.
    static func seconds(_ text: String) -> Int? {
        if text == "0" { return 0 }
        guard let unit = text.last, let amount = Int(text.dropLast()), amount > 0 else { return nil }
        let scale = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800][String(unit)]
        return scale.map { amount * $0 }
    }

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}
