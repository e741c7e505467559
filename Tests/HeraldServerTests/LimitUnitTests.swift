import NIOCore
import Testing

@testable import HeraldServer

/// The limit bookkeeping without sockets: the token bucket's arithmetic and the connection limiter's counts.
@Suite("Limit bookkeeping")
struct LimitUnitTests {
    @Test("a token bucket allows its burst, then its rate, and says how long to wait")
    func tokenBucket() {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        var bucket = TokenBucket(rate: 10, capacity: 2, now: start)
        #expect(bucket.take(now: start) == nil)
        #expect(bucket.take(now: start) == nil)
        let wait = bucket.take(now: start)
        #expect(wait == .milliseconds(100))
        // Half the wait gives half a token: still refused, with half the wait left.
        #expect(bucket.take(now: start + .milliseconds(50)) == .milliseconds(50))
        #expect(bucket.take(now: start + .milliseconds(100)) == nil)
        // A long pause refills only up to the burst.
        let later = start + .seconds(60)
        #expect(bucket.take(now: later) == nil)
        #expect(bucket.take(now: later) == nil)
        #expect(bucket.take(now: later) != nil)
    }

    @Test("the connection limiter counts per address and in total, bounds refusals in flight, and frees slots")
    func connectionLimiter() {
        let limiter = ConnectionLimiter(maximumTotal: 3, maximumPerAddress: 2)
        #expect(limiter.admit("10.0.0.1") == .admitted)
        #expect(limiter.admit("10.0.0.1") == .admitted)
        guard case .refused(let perAddress) = limiter.admit("10.0.0.1") else {
            Issue.record("the third connection from one address was not refused")
            return
        }
        #expect(perAddress.contains("10.0.0.1 has its maximum of 2"))
        #expect(limiter.admit("10.0.0.2") == .admitted)
        guard case .refused(let total) = limiter.admit("10.0.0.3") else {
            Issue.record("the fourth connection was not refused")
            return
        }
        #expect(total.contains("maximum of 3 connections"))
        limiter.release("10.0.0.1", admitted: false)
        limiter.release("10.0.0.3", admitted: false)
        limiter.release("10.0.0.1", admitted: true)
        #expect(limiter.admit("10.0.0.3") == .admitted)

        // Beyond the refusals in flight, a flood is dropped before TLS.
        for _ in 0..<ConnectionLimiter.maximumRefusalsInFlight {
            guard case .refused = limiter.admit("10.0.0.9") else {
                Issue.record("not refused")
                return
            }
        }
        #expect(limiter.admit("10.0.0.9") == .dropped)
    }
}

/// The AUTH throttle's bookkeeping, on an injected clock.
@Suite("AUTH throttle bookkeeping")
struct AuthThrottleUnitTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test("delays start after the free failures, double, and stop at the cap; a quiet address is forgiven")
    func schedule() {
        let throttle = AuthThrottle(policy: AuthThrottlePolicy())
        var delays: [Int64] = []
        for _ in 0..<12 {
            delays.append(throttle.delay(for: "10.0.0.1", now: Self.start).nanoseconds / 1_000_000)
            throttle.recordFailure(from: "10.0.0.1", now: Self.start)
        }
        #expect(delays == [0, 0, 0, 100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000])
        #expect(throttle.delay(for: "10.0.0.2", now: Self.start) == .zero)
        // Fifteen quiet minutes later the address starts afresh.
        let later = Self.start + .minutes(15)
        #expect(throttle.delay(for: "10.0.0.1", now: later) == .zero)
        #expect(throttle.recordFailure(from: "10.0.0.1", now: later) == 1)
        #expect(AuthThrottlePolicy().delay(afterFailures: 10_000) == .seconds(10))
    }

    @Test("IPv6 clients are counted by /64, IPv4-mapped ones by their IPv4 address")
    func keys() {
        #expect(AuthThrottle.key(for: "2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(AuthThrottle.key(for: "2001:db8:1:2:bbbb:cccc:dddd:eeee") == "2001:db8:1:2::/64")
        #expect(AuthThrottle.key(for: "::ffff:192.0.2.7") == "192.0.2.7")
        #expect(AuthThrottle.key(for: "192.0.2.7") == "192.0.2.7")
        let throttle = AuthThrottle(policy: AuthThrottlePolicy())
        for host in 1...3 { throttle.recordFailure(from: "2001:db8:1:2::\(host)", now: Self.start) }
        #expect(throttle.delay(for: "2001:db8:1:2::99", now: Self.start) == .milliseconds(100))
    }

    @Test("a scan from many addresses keeps at most the configured number; the summary counts what it cannot name")
    func bounded() throws {
        var policy = AuthThrottlePolicy()
        policy.maximumAddresses = 100
        let throttle = AuthThrottle(policy: policy)
        for index in 0..<1000 {
            throttle.recordFailure(from: "10.0.\(index / 256).\(index % 256)", now: Self.start + .milliseconds(Int64(index)))
        }
        #expect(throttle.trackedAddresses <= 100)
        let summary = try #require(throttle.takeSummary(now: Self.start + .seconds(1)))
        #expect(summary.failures == 1000)
        #expect(summary.byAddress.count == 100)
        #expect(summary.untracked == 900)
        #expect(throttle.takeSummary(now: Self.start + .seconds(2)) == nil)
        // The summary tick also forgets quiet addresses.
        _ = throttle.takeSummary(now: Self.start + .minutes(16))
        #expect(throttle.trackedAddresses == 0)
    }
}
