import Foundation
import HeraldCore
import HeraldRules
import HeraldServer
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Signals", .timeLimit(.minutes(1)))
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
        let server = HeraldServer(
            configuration: configuration, engine: try await TestEngine.make(ruleSet), logger: TestLogging.logger)
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
