import Logging
import ServiceLifecycle

extension HeraldServer {
    /// Runs the server in a `ServiceGroup` that shuts it down gracefully on SIGINT or SIGTERM: stop accepting,
    /// `bye` to every client, drain, return.
    ///
    /// For a command-line tool that has no other services; a program with more services puts the server in its
    /// own `ServiceGroup` instead. If the clients have not drained within `maximumShutdownDuration`, the group
    /// escalates to cancellation so the process always ends.
    public func runUntilTerminated(logger: Logger, maximumShutdownDuration: Duration = .seconds(15)) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = maximumShutdownDuration
        try await ServiceGroup(configuration: configuration).run()
    }
}
