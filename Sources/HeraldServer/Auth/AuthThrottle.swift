import Logging
import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How failed `AUTH` attempts slow down further ones from the same remote address (PROTOCOL.md, "AUTH").
public struct AuthThrottlePolicy: Sendable, Hashable {
    /// Failed attempts from one address that are answered at once; the delays start after these.
    public var freeFailures: Int = 3
    /// The delay once the free failures are used up; it doubles with every further failure.
    public var initialDelay: TimeAmount = .milliseconds(100)
    /// The longest delay.
    public var maximumDelay: TimeAmount = .seconds(10)
    /// An address with no failed attempt for this long starts again with free attempts.
    public var forgetAfter: TimeAmount = .minutes(15)
    /// How often failures are logged, as one summary line (none when there were none).
    public var summaryInterval: TimeAmount = .seconds(60)
    /// The most addresses tracked at once; beyond it the longest-quiet half is forgotten, so a scan from many
    /// addresses costs bounded memory.
    public var maximumAddresses: Int = 10_000

    /// The default policy: 3 free failures, then 100 ms doubling up to 10 s, forgotten after 15 quiet minutes.
    public init() {}

    /// The wait before answering an `AUTH` from an address with `failures` recent failed attempts.
    public func delay(afterFailures failures: Int) -> TimeAmount {
        guard failures >= freeFailures else { return .zero }
        let doublings = failures - freeFailures
        // Past 2^20 × the initial delay every sane cap has been reached; this also keeps the shift in range.
        guard doublings < 20 else { return maximumDelay }
        let delay = initialDelay.nanoseconds.multipliedReportingOverflow(by: 1 << doublings)
        return delay.overflow ? maximumDelay : .nanoseconds(min(delay.partialValue, maximumDelay.nanoseconds))
    }
}

/// Counts failed `AUTH` attempts per remote address, says how long to wait before answering the next one, and
/// gathers the failures into periodic log summaries instead of a line per attempt.
///
/// Keyed by IP address; an IPv6 client is keyed by its /64, which one host usually holds whole, and an
/// IPv4-mapped IPv6 address by its IPv4 address. Shared by every connection of a server.
final class AuthThrottle: Sendable {
    let policy: AuthThrottlePolicy

    /// What the failures since the last summary add up to.
    struct Summary: Sendable, Equatable {
        /// Failed attempts.
        var failures = 0
        /// Attempts (failed or not) answered after a delay.
        var delayed = 0
        /// Failed attempts by address, for the busiest few.
        var byAddress: [String: Int] = [:]
        /// Failed attempts from addresses beyond the tracking limit.
        var untracked = 0
        /// Addresses whose attempts are being delayed now.
        var throttledAddresses = 0
    }

    private struct Entry {
        var failures: Int
        var lastFailure: NIODeadline
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var period = Summary()
    }

    private let state = NIOLockedValueBox(State())

    init(policy: AuthThrottlePolicy) {
        self.policy = policy
    }

    /// How long to wait before checking an `AUTH` from `address` (its IP address), counted as delayed when not zero.
    func delay(for address: String, now: NIODeadline = .now()) -> TimeAmount {
        let key = Self.key(for: address)
        return state.withLockedValue { state in
            guard let entry = state.entries[key] else { return .zero }
            if now - entry.lastFailure >= policy.forgetAfter {
                state.entries[key] = nil
                return .zero
            }
            let delay = policy.delay(afterFailures: entry.failures)
            if delay > .zero { state.period.delayed += 1 }
            return delay
        }
    }

    /// Records a failed attempt from `address`; returns how many recent failures the address now has.
    @discardableResult
    func recordFailure(from address: String, now: NIODeadline = .now()) -> Int {
        let key = Self.key(for: address)
        return state.withLockedValue { state in
            state.period.failures += 1
            if state.period.byAddress[key] != nil || state.period.byAddress.count < policy.maximumAddresses {
                state.period.byAddress[key, default: 0] += 1
            } else {
                state.period.untracked += 1
            }
            var entry = state.entries[key] ?? Entry(failures: 0, lastFailure: now)
            if now - entry.lastFailure >= policy.forgetAfter { entry.failures = 0 }
            entry.failures += 1
            entry.lastFailure = now
            if state.entries[key] == nil, state.entries.count >= policy.maximumAddresses {
                Self.shrink(&state.entries, keeping: policy.maximumAddresses / 2, now: now, forgetAfter: policy.forgetAfter)
            }
            state.entries[key] = entry
            return entry.failures
        }
    }

    /// The failures since the last call, or `nil` if there were none; starts a new period. Also forgets addresses
    /// that have been quiet for ``AuthThrottlePolicy/forgetAfter``.
    func takeSummary(now: NIODeadline = .now()) -> Summary? {
        state.withLockedValue { state in
            state.entries = state.entries.filter { now - $0.value.lastFailure < policy.forgetAfter }
            guard state.period.failures > 0 || state.period.delayed > 0 else { return nil }
            var summary = state.period
            summary.throttledAddresses = state.entries.values.count { $0.failures >= policy.freeFailures }
            state.period = Summary()
            return summary
        }
    }

    /// How many addresses are tracked now (for tests of the memory bound).
    var trackedAddresses: Int { state.withLockedValue { $0.entries.count } }

    /// Drops the quiet entries, then if still over `keeping`, the longest-quiet ones down to `keeping`: one sort
    /// per `keeping` new addresses, so the cost per attempt stays small under a scan.
    private static func shrink(
        _ entries: inout [String: Entry], keeping: Int, now: NIODeadline, forgetAfter: TimeAmount
    ) {
        entries = entries.filter { now - $0.value.lastFailure < forgetAfter }
        guard entries.count > keeping else { return }
        let newest = entries.sorted { $0.value.lastFailure > $1.value.lastFailure }.prefix(keeping)
        entries = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }

    /// The throttling key of an IP address: IPv4 as it is, IPv6 by its /64, IPv4-mapped IPv6 as IPv4.
    static func key(for address: String) -> String {
        var ipv6 = in6_addr()
        guard inet_pton(AF_INET6, address, &ipv6) == 1 else { return address }
        let bytes = withUnsafeBytes(of: &ipv6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }

    /// The summary as log metadata: counts, and the busiest addresses as `address=count`.
    static func metadata(_ summary: Summary, period: TimeAmount) -> Logger.Metadata {
        let busiest = summary.byAddress.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
        var metadata: Logger.Metadata = [
            "failures": "\(summary.failures)", "addresses": "\(summary.byAddress.count)",
            "delayed": "\(summary.delayed)", "throttled_addresses": "\(summary.throttledAddresses)",
            "busiest": "\(busiest.map { "\($0.key)=\($0.value)" }.joined(separator: " "))",
            "period_seconds": "\(period.nanoseconds / 1_000_000_000)",
        ]
        if summary.untracked > 0 { metadata["untracked_failures"] = "\(summary.untracked)" }
        return metadata
    }
}
