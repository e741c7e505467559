import ArgumentParser
import Foundation
import HeraldStorePostgres

/// Where `herald serve`'s settings come from: defaults, then `--config`, then the flags given.
extension ServeCommand {
    /// Rejects flag values that cannot work, before anything starts; the config file is checked in ``settings()``.
    public func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be between 0 and 65535")
        }
        if let maxLineBytes, maxLineBytes < 64 { throw ValidationError("--max-line-bytes must be at least 64") }
        if (maxConnections ?? 0) < 0 || (maxConnectionsPerAddress ?? 0) < 0 {
            throw ValidationError("--max-connections and --max-connections-per-address cannot be negative")
        }
        if let idleTimeout, ServerSettings.seconds(idleTimeout) == nil {
            throw ValidationError("--idle-timeout takes a number and a unit (s, m, h), such as 60s; 0 turns it off")
        }
        if let heartbeat, ServerSettings.seconds(heartbeat) == nil {
            throw ValidationError("--heartbeat takes a number and a unit (s, m, h), such as 30s; 0 turns it off")
        }
        if let deadPeerTimeout, ServerSettings.seconds(deadPeerTimeout) == nil {
            throw ValidationError("--dead-peer-timeout takes a number and a unit (s, m, h), such as 90s; 0 turns it off")
        }
        if let retain, ServerSettings.seconds(retain) == nil {
            throw ValidationError("--retain takes a number and a unit (s, m, h, d, w), such as 30d; 0 keeps forever")
        }
        if let archiveRetain, ServerSettings.seconds(archiveRetain) == nil {
            throw ValidationError("--archive-retain takes a number and a unit (s, m, h, d, w), such as 7d; 0 keeps no text")
        }
        if let feedInterval, (ServerSettings.seconds(feedInterval) ?? 0) < 1 {
            throw ValidationError("--feed-interval takes a number and a unit (s, m, h), such as 5m")
        }
        for feed in feeds {
            guard let url = URL(string: feed), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ValidationError("--feed '\(feed)' is not an http or https URL")
            }
        }
        if let publishRate, publishRate < 0 || !publishRate.isFinite { throw ValidationError("--publish-rate cannot be negative") }
        if let publishBurst, publishBurst < 1 { throw ValidationError("--publish-burst must be at least 1") }
        if let watchInterval, watchInterval < 0.05 { throw ValidationError("--watch-interval must be at least 0.05") }
        if let nodeName, nodeName.isEmpty { throw ValidationError("--node-name cannot be empty") }
        if let store, !PostgresStoreConfiguration.isPostgresURL(store) {
            throw ValidationError(
                "--store takes a postgres:// URL (cluster mode); without it the alert log is SQLite in --data")
        }
        if let logLevel, !ServerSettings.logLevels.contains(logLevel.lowercased()) {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// Defaults, then the config file, then the flags. Config errors are printed as file:line:col with a caret.
    func settings() throws -> ServerSettings {
        var settings = ServerSettings()
        if let config {
            let (loaded, diagnostics) = ServerSettings.load(configFile: config)
            for diagnostic in diagnostics { StandardStreams.error(diagnostic.rendered) }
            guard let loaded else {
                StandardStreams.error("herald serve: the config file '\(config)' has errors; not starting")
                throw ExitCode.failure
            }
            settings = loaded
        }
        if let host { settings.host = host }
        if let port { settings.port = port }
        if let rules { settings.rules = rules }
        if let certs { settings.certs = certs }
        if let data { settings.data = data }
        if let store { settings.storeURL = store }
        if let nodeName { settings.nodeName = nodeName }
        if let storePasswordFile { settings.storePasswordFile = storePasswordFile }
        if let cert { settings.cert = cert }
        if let key { settings.key = key }
        if let clientCA { settings.clientCA = clientCA }
        if let maxLineBytes { settings.maxLineBytes = maxLineBytes }
        if let maxConnections { settings.maxConnections = maxConnections }
        if let maxConnectionsPerAddress { settings.maxConnectionsPerAddress = maxConnectionsPerAddress }
        if let idleTimeout, let seconds = ServerSettings.seconds(idleTimeout) { settings.idleTimeoutSeconds = seconds }
        if let heartbeat, let seconds = ServerSettings.seconds(heartbeat) { settings.heartbeatSeconds = seconds }
        if let deadPeerTimeout, let seconds = ServerSettings.seconds(deadPeerTimeout) {
            settings.deadPeerTimeoutSeconds = seconds
        }
        if let publishRate { settings.publishRate = publishRate }
        if let publishBurst { settings.publishBurst = publishBurst }
        if let retain, let seconds = ServerSettings.seconds(retain) { settings.retainSeconds = seconds }
        if let retainCount { settings.retainCount = retainCount }
        if let archiveRetain, let seconds = ServerSettings.seconds(archiveRetain) { settings.archiveRetainSeconds = seconds }
        if let quietUpdates { settings.quietUpdates = quietUpdates }
        if let authFile { settings.authFile = authFile }
        if let metricsPort { settings.metricsPort = metricsPort }
        if let watch { settings.watch = watch }
        if let watchInterval { settings.watchIntervalSeconds = watchInterval }
        if !feeds.isEmpty {
            let interval = feedInterval.flatMap(ServerSettings.seconds) ?? ServerSettings.defaultFeedIntervalSeconds
            settings.feeds = feeds.map { ServerSettings.Feed(url: $0, intervalSeconds: interval) }
        }
        if let logLevel { settings.logLevel = logLevel.lowercased() }
        guard (settings.cert == nil) == (settings.key == nil) else { throw ValidationError("--cert and --key go together") }
        return settings
    }
}
