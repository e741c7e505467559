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
