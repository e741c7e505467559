import Foundation
import HeraldCertificates
import HeraldCore
import HeraldRules
import HeraldServer
import HeraldStore
import Logging
import NIOCore
import ServiceLifecycle
import Testing

/// A real server on 127.0.0.1 with a free port, generated certificates and an in-memory rule set, run inside a
/// `ServiceGroup` the way `herald serve` runs it, and shut down gracefully after the test body.
struct TestServer: Sendable {
    let port: Int
    let server: HeraldServer
    /// The engine, and through it the alert store the server fans out from.
    let engine: AlertEngine
    let certificates: DevelopmentCertificates
    /// The group the server runs in; `triggerGracefulShutdown()` on it is what SIGTERM does in `herald serve`.
    let serviceGroup: ServiceGroup

    var caPath: String { certificates.caCertificate.path }

    /// Three rules with different severities and tags, each fired by one word.
    static let standardRules = [
        "r/animals.rules": """
            rule zebra-sighting
                title    "Zebra sighted"
                severity high
                tags     animals, africa
                let z = "zebra"
                require z

            rule lion-sighting
                title    "Lion sighted"
                severity low
                tags     animals
                let l = "lion"
                require l
            """,
        "r/weather.rules": """
            rule cn-typhoon
                title    "Typhoon in China"
                severity critical
                tags     china, weather
                let t = "typhoon"
                require t
            """,
    ]

    /// Starts a server, runs `body`, then shuts the server down gracefully and waits for it to stop.
    static func run(
        rules: [String: String] = standardRules,
        ruleFolder: String = "r",
        logger: Logger = TestLogging.logger,
        configure: @Sendable (inout HeraldServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer) async throws -> Void
    ) async throws {
        let certificates = try TestCertificates.shared.get()
        let outcome = RuleSetLoader(source: InMemoryRuleSource(rules)).load(ruleFolder)
        guard let ruleSet = outcome.ruleSet else {
            throw TestFailure("rules do not load: \(outcome.diagnostics.map(\.description))", #_sourceLocation)
        }
        try await run(
            engine: try await TestEngine.make(ruleSet), certificates: certificates, logger: logger, configure: configure,
            body)
    }

    /// Starts a server with a given engine (for the real `Rules/` folder). The server owns the engine: once it has
    /// stopped, the engine's store is closed and its folder removed (``TestEngine/dispose(_:)``).
    static func run(
        engine: AlertEngine,
        certificates: DevelopmentCertificates,
        logger: Logger = TestLogging.logger,
        configure: @Sendable (inout HeraldServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer) async throws -> Void
    ) async throws {
        var configuration = HeraldServerConfiguration(
            host: "127.0.0.1", port: 0,
            tls: TLSSettings(
                certificateChainPath: certificates.serverCertificate.path,
                privateKeyPath: certificates.serverKey.path))
        configuration.closeGracePeriod = .seconds(2)
        configure(&configuration)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        configuration.onServerRunning = { address in
            portContinuation.yield(address.port ?? 0)
            portContinuation.finish()
        }
        let server = HeraldServer(configuration: configuration, engine: engine, logger: logger)
        let group = ServiceGroup(services: [server], logger: logger)
        do {
            try await serve(server, engine: engine, certificates: certificates, group: group, ports: ports, body)
        } catch {
            await TestEngine.dispose(engine)
            throw error
        }
        await TestEngine.dispose(engine)
    }

    private static func serve(
        _ server: HeraldServer, engine: AlertEngine, certificates: DevelopmentCertificates, group: ServiceGroup,
        ports: AsyncStream<Int>, _ body: @Sendable (TestServer) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await tasks.waitForAll()
                throw TestFailure("the server stopped before listening", #_sourceLocation)
            }
            let testServer = TestServer(
                port: port, server: server, engine: engine, certificates: certificates, serviceGroup: group)
            do {
                try await body(testServer)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Waits until `condition` holds for the server's statistics, polling briefly; fails after `timeout`.
    func waitForStatistics(
        timeout: Duration = .seconds(10),
        sourceLocation: Testing.SourceLocation = #_sourceLocation,
        _ condition: (ServerStatistics.Snapshot) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(server.statistics.snapshot) {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("statistics never matched: \(server.statistics.snapshot)", sourceLocation)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Engines over a fresh SQLite alert log in a temporary folder. Whoever makes one disposes of it: ``with(_:_:)``
/// does, and so does ``TestServer/run(engine:certificates:logger:configure:_:)`` for the engine it is given.
enum TestEngine {
    static func make(_ ruleSet: RuleSet, pushUpdates: Bool = true) async throws -> AlertEngine {
        let store = try SQLiteAlertStore(path: try temporaryStorePath())
        do {
            return try await AlertEngine(ruleSet: ruleSet, store: store, pushUpdates: pushUpdates)
        } catch {
            await dispose(store)
            throw error
        }
    }

    /// Runs `body` with a new engine, then disposes of it, whether `body` throws or not.
    static func with<T>(_ ruleSet: RuleSet, _ body: (AlertEngine) async throws -> T) async throws -> T {
        let engine = try await make(ruleSet)
        do {
            let result = try await body(engine)
            await dispose(engine)
            return result
        } catch {
            await dispose(engine)
            throw error
        }
    }

    /// Closes the engine's store (its writer thread ends) and removes the temporary folder it was made in.
    static func dispose(_ engine: AlertEngine) async {
        await dispose(engine.store)
    }

    static func dispose(_ store: any AlertStore) async {
        await store.close()
        guard let path = (store as? SQLiteAlertStore)?.path else { return }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        guard folder.lastPathComponent.hasPrefix("herald-store-") else { return }
        try? FileManager.default.removeItem(at: folder)
    }

    static func temporaryStorePath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("alerts.sqlite").path
    }
}

/// One CA and server certificate for the whole test run, in a fresh temporary folder.
enum TestCertificates {
    static let shared: Result<DevelopmentCertificates, any Error> = Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-server-tests-\(UUID().uuidString)", isDirectory: true)
        return try DevelopmentCertificates.ensure(in: directory).0
    }
}

/// Tests are quiet unless `HERALD_TEST_LOG` names a level (e.g. `debug`), then logs go to standard error.
enum TestLogging {
    static let logger: Logger = {
        guard let name = ProcessInfo.processInfo.environment["HERALD_TEST_LOG"], let level = Logger.Level(rawValue: name)
        else {
            return Logger(label: "herald.test", factory: { _ in SwiftLogNoOpLogHandler() })
        }
        var logger = Logger(label: "herald.test", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        return logger
    }()
}
