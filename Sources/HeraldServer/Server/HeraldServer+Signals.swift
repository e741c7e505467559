import Logging
import ServiceLifecycle
import UnixSignals

extension HeraldServer {
    /// Runs the server in a `ServiceGroup` that shuts it down gracefully on SIGINT or SIGTERM: stop accepting,
    /// `bye` to every client, drain, return.
    ///
    /// For a command-line tool that has no other services; a program with more services puts the server in its
    /// own `ServiceGroup` instead. If the clients have not drained within `maximumShutdownDuration`, the group
    /// escalates to cancellation so the process always ends. SIGHUP reloads the rules (see ``reloadRules()``).
    ///
    /// `underlying` services (the alert store) start before the server and stop after it; `sources` (the watched
    /// folder, the feed poller) start after it and stop before it. Services stop in reverse order of their start,
    /// each finishing before the next is told, so an ingest source never publishes into a closed store.
    public func runUntilTerminated(
        logger: Logger, underlying: [any Service] = [], sources: [any Service] = [],
        maximumShutdownDuration: Duration = .seconds(15)
    ) async throws {
        var configuration = ServiceGroupConfiguration(
            services: (underlying + [self] + sources).map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = maximumShutdownDuration
        // Trapped before the server starts, so a SIGHUP from then on reloads rather than kills the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let reloads = Task {
            for await _ in hangups {
                logger.notice("SIGHUP: reloading the rules")
                if await self.reloadRules() == nil {
                    logger.warning("SIGHUP ignored: this server has no rule reload configured")
                }
            }
        }
        defer { reloads.cancel() }
        try await ServiceGroup(configuration: configuration).run()
    }
}
