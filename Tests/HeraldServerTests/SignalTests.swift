import Foundation
import HeraldCertificates
import HeraldCore
import HeraldRules
import HeraldServer
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Signals", .serialized, .timeLimit(.minutes(1)))
struct SignalTests {
    @Test("runUntilTerminated: SIGTERM sends bye to clients and returns normally")
    func sigterm() async throws {
        let certificates = try TestCertificates.shared.get()
        let ruleSet = try #require(
            RuleSetLoader(source: InMemoryRuleSource(TestServer.standardRules)).load("r").ruleSet)
        var configuration = HeraldServerConfiguration(
            host: "127.0.0.1", port: 0,
            tls: TLSSettings(
                certificateChainPath: certificates.serverCertificate.path, privateKeyPath: certificates.serverKey.path))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        configuration.onServerRunning = { address in
            continuation.yield(address.port ?? 0)
            continuation.finish()
        }
        let configured = configuration
        try await TestEngine.with(ruleSet) { engine in
            let server = HeraldServer(configuration: configured, engine: engine, logger: TestLogging.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.runUntilTerminated(logger: TestLogging.logger) }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let client = try await TestClient.connect(port: port, caPath: certificates.caCertificate.path)
                try await client.expect("hello")
                try await client.request("SUB *")
                // The ServiceGroup has installed its handlers before starting the server, so this reaches it, not
                // the default action.
                kill(getpid(), SIGTERM)
                let bye = try await client.expect("bye")
                #expect(bye["reason"] as? String == "shutdown")
                try await client.expectClosed()
                try await group.waitForAll()
            }
        }
    }

    @Test("runUntilTerminated: SIGHUP reloads the rules; the server keeps running and the new rule fires")
    func sighup() async throws {
        let certificates = try TestCertificates.shared.get()
        let ruleSet = try #require(
            RuleSetLoader(source: InMemoryRuleSource(TestServer.standardRules)).load("r").ruleSet)
        let engine = try await TestEngine.make(ruleSet)
        var configuration = HeraldServerConfiguration(
            host: "127.0.0.1", port: 0,
            tls: TLSSettings(
                certificateChainPath: certificates.serverCertificate.path, privateKeyPath: certificates.serverKey.path))
        var rules = TestServer.standardRules
        rules["r/birds.rules"] = "rule eagle-sighting\n    title \"Eagle\"\n    let e = \"eagle\"\n    require e\n"
        let reloaded = rules
        configuration.reloadRules = {
            guard let ruleSet = RuleSetLoader(source: InMemoryRuleSource(reloaded)).load("r").ruleSet else {
                return .failed(diagnostics: [ReloadDiagnostic(.error, "unexpected")])
            }
            return .reloaded(await engine.install(ruleSet))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        configuration.onServerRunning = { address in
            continuation.yield(address.port ?? 0)
            continuation.finish()
        }
        let server = HeraldServer(configuration: configuration, engine: engine, logger: TestLogging.logger)
        do {
            try await Self.runAndReload(server, ports: ports, certificates: certificates)
        } catch {
            await TestEngine.dispose(engine)
            throw error
        }
        await TestEngine.dispose(engine)
    }

    private static func runAndReload(
        _ server: HeraldServer, ports: AsyncStream<Int>, certificates: DevelopmentCertificates
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.runUntilTerminated(logger: TestLogging.logger) }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let client = try await TestClient.connect(port: port, caPath: certificates.caCertificate.path)
            try await client.expect("hello")
            try await client.request("SUB eagle-*")
            kill(getpid(), SIGHUP)
            let deadline = ContinuousClock.now + .seconds(10)
            while server.statistics.snapshot.reloads == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await client.send(#"PUB {"title":"Eagle","body":"An eagle."}"#)
            #expect(try await client.expect("alert")["rule"] as? String == "eagle-sighting")
            try await client.expect("ok")
            kill(getpid(), SIGTERM)
            try await client.expect("bye")
            try await client.expectClosed()
            try await group.waitForAll()
        }
    }
}
