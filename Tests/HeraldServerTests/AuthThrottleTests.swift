import Foundation
import HeraldCore
import HeraldServer
import Logging
import NIOCore
import Testing

/// Failed `AUTH` attempts: no log line per attempt, and answers slowed down per remote address.
@Suite("AUTH throttle", .timeLimit(.minutes(1)))
struct AuthThrottleTests {
    @Test("failed AUTH attempts are not logged one line each")
    func noLinePerFailure() async throws {
        let store = CapturingLogHandler.Store()
        let auth = try AuthTests.auth()
        try await TestServer.run(logger: store.logger(), configure: { $0.auth = auth }) { server in
            let client = try await TestClient.connected(to: server)
            // Within the free attempts, so no delay is involved.
            for attempt in 0..<3 {
                try await client.send("AUTH wrong-\(attempt)")
                try await client.expectError("auth_failed")
            }
            await client.close()
        }
        let perAttempt = store.all.filter { $0.level >= .info && $0.message.contains("authentication failed") }
        #expect(perAttempt.isEmpty, "\(perAttempt.map(\.message))")
    }
}

/// Stands in for the server's wait before a throttled `AUTH`: each wait is reported to the test, which ends it.
final class AuthDelayGate: Sendable {
    struct Wait: Sendable {
        var delay: TimeAmount
        var end: CheckedContinuation<Void, Never>
    }

    let waits: AsyncStream<Wait>
    private let continuation: AsyncStream<Wait>.Continuation

    init() {
        (waits, continuation) = AsyncStream.makeStream(of: Wait.self)
    }

    /// For ``HeraldServerConfiguration/authDelay``.
    var hook: @Sendable (TimeAmount) async -> Void {
        { [continuation] delay in
            await withCheckedContinuation { end in continuation.yield(Wait(delay: delay, end: end)) }
        }
    }
}

extension AuthThrottleTests {
    @Test("after 3 failures from an address, each AUTH from it waits before it is checked: 100 ms, doubling, capped at 10 s")
    func delaysPerAddress() async throws {
        let gate = AuthDelayGate()
        let store = CapturingLogHandler.Store()
        let auth = try AuthTests.auth()
        try await TestServer.run(
            logger: store.logger(),
            configure: {
                $0.auth = auth
                $0.authDelay = gate.hook
            }
        ) { server in
            var waits = gate.waits.makeAsyncIterator()
            let client = try await TestClient.connected(to: server)
            for attempt in 0..<3 {
                try await client.send("AUTH wrong-\(attempt)")
                let error = try await client.expectError("auth_failed")
                // The third failure says what comes next.
                #expect(((error["message"] as? String) ?? "").contains("next: 100 ms") == (attempt == 2), "\(error)")
            }
            // From the fourth on, the answer waits; nothing is sent while it does, even a PING queued behind it.
            var delays: [TimeAmount] = []
            for attempt in 3..<12 {
                try await client.send("AUTH wrong-\(attempt)")
                if attempt == 3 { try await client.send("PING behind") }
                let wait = try #require(await waits.next())
                #expect(client.inbox.pendingCount == 0)
                delays.append(wait.delay)
                wait.end.resume()
                try await client.expectError("auth_failed")
                if attempt == 3 { try await client.expect("pong") }
            }
            #expect(delays.map { $0.nanoseconds / 1_000_000 } == [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000])

            // Another connection from the same address is slowed down too, even with a good token, which then works.
            let second = try await TestClient.connected(to: server)
            try await second.send("AUTH \(AuthTests.tokens[0])")
            let wait = try #require(await waits.next())
            #expect(wait.delay == .seconds(10))
            #expect(second.inbox.pendingCount == 0)
            wait.end.resume()
            #expect(try await second.expect("ok")["roles"] as? [String] == ["subscribe"])

            // Another address is not: 127.0.0.2 gets its free attempts and an immediate answer.
            let elsewhere = try await TestClient.connected(to: server, localAddress: "127.0.0.2")
            try await elsewhere.send("AUTH wrong")
            try await elsewhere.expectError("auth_failed")
            try await elsewhere.request("AUTH \(AuthTests.tokens[2])")

            // One summary line for all of it: counts, not a line per attempt.
            server.server.logAuthenticationFailureSummary()
            let summaries = store.all.filter { $0.message == "authentication failures" }
            let summary = try #require(summaries.first)
            #expect(summaries.count == 1)
            #expect(summary.level == .notice)
            #expect(summary.metadata["failures"] == "13")
            #expect(summary.metadata["addresses"] == "2")
            #expect(summary.metadata["delayed"] == "10")
            #expect(summary.metadata["throttled_addresses"] == "1")
            #expect(summary.metadata["busiest"] == "127.0.0.1=12 127.0.0.2=1")
            #expect(summary.metadata["period_seconds"] == "60")
            // Nothing new: no line.
            server.server.logAuthenticationFailureSummary()
            #expect(store.all.filter { $0.message == "authentication failures" }.count == 1)
            for connection in [client, second, elsewhere] { await connection.close() }
        }
    }

    @Test("a connection closed while its AUTH waits is let go at once, and shutdown is not held up")
    func closeDuringWait() async throws {
        let auth = try AuthTests.auth()
        let policy = {
            var policy = AuthThrottlePolicy()
            policy.freeFailures = 0
            // Long enough that only a cut-short wait passes the 10 s check below; short enough that a regression
            // fails that check and the run still ends inside the time limit.
            policy.initialDelay = .seconds(30)
            policy.maximumDelay = .seconds(30)
            return policy
        }()
        try await TestServer.run(configure: {
            $0.auth = auth
            $0.authThrottle = policy
        }) { server in
            let client = try await TestClient.connected(to: server)
            try await client.send("AUTH wrong")
            try await client.expectError("auth_failed")
            // This one would wait 30 s, on the real timer.
            try await client.send("AUTH wrong-again")
            try await server.waitForStatistics { $0.sessionsOpen == 1 }
            await server.serviceGroup.triggerGracefulShutdown()
            let lines = try await client.expectClosed()
            #expect(lines.contains { $0.contains(#""reason":"shutdown""#) }, "\(lines)")
            // The session itself has ended, not just the socket: its wait was cut short.
            try await server.waitForStatistics { $0.sessionsOpen == 0 }
        }
    }
}
