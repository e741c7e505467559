import NIOCore

/// A token bucket: `rate` tokens a second, holding at most `capacity`, so a client may send a burst of up to
/// `capacity` at once and `rate` a second after that. Owned by one session's task; no locking.
struct TokenBucket: Sendable {
    /// Tokens added per second.
    let rate: Double
    /// The most tokens the bucket holds (the burst size).
    let capacity: Double
    private var tokens: Double
    private var updated: NIODeadline

    /// A full bucket.
    init(rate: Double, capacity: Double, now: NIODeadline = .now()) {
        self.rate = rate
        self.capacity = max(capacity, 1)
        self.tokens = self.capacity
        self.updated = now
    }

    /// Takes one token if there is one.
    ///
    /// - Returns: `nil` when a token was taken; otherwise how long until one will be available.
    mutating func take(now: NIODeadline = .now()) -> TimeAmount? {
        let elapsed = Double((now - updated).nanoseconds) / 1e9
        tokens = min(capacity, tokens + max(elapsed, 0) * rate)
        updated = now
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        // Rounded up so a client that waits exactly this long is sure to get its token.
        return .nanoseconds(Int64(((1 - tokens) / rate * 1e9).rounded(.up)))
    }
}
