import HeraldProtocol
/// A connection's subscriptions, in the order they were made, at most ``limit`` of them.
///
/// Keyed by glob: subscribing to a glob again replaces its filters instead of adding a duplicate that would
/// deliver every alert twice.
struct SubscriptionSet: Sendable, Hashable {
    /// The most subscriptions one connection may hold.
    let limit: Int
    /// The subscriptions, oldest first.
    private(set) var subscriptions: [Subscription] = []

    /// Creates an empty set.
    init(limit: Int) {
        self.limit = limit
    }

    /// The number of subscriptions.
    var count: Int { subscriptions.count }

    /// Adds one subscription per glob of `request`, all or nothing: a `SUB` that would exceed the limit changes
    /// nothing, so the client never has to work out which half of its command took effect.
    ///
    /// - Returns: How many of the globs replaced an existing subscription.
    @discardableResult
    mutating func add(_ request: SubscriptionRequest) throws(ProtocolError) -> Int {
        let existing = Set(subscriptions.map(\.glob))
        let replacing = request.globs.filter { existing.contains($0) }.count
        let newCount = subscriptions.count + request.globs.count - replacing
        guard newCount <= limit else {
            throw ProtocolError(
                .tooManySubscriptions,
                "this would make \(newCount) subscriptions; a connection may hold at most \(limit) (UNSUB some, or use a broader glob)")
        }
        for glob in request.globs {
            let subscription = Subscription(glob: glob, minimumSeverity: request.minimumSeverity, tag: request.tag)
            if let index = subscriptions.firstIndex(where: { $0.glob == glob }) {
                subscriptions[index] = subscription
            } else {
                subscriptions.append(subscription)
            }
        }
        return replacing
    }

    /// Removes the subscriptions whose glob is one of `patterns` (compared ignoring case); `*` alone removes all.
    ///
    /// - Returns: The removed globs, in subscription order.
    mutating func remove(_ patterns: [String]) -> [String] {
        let removed: [Subscription]
        if patterns.contains("*") {
            removed = subscriptions
            subscriptions = []
        } else {
            let targets = Set(patterns.map { RuleGlob($0) })
            removed = subscriptions.filter { targets.contains($0.glob) }
            subscriptions.removeAll { targets.contains($0.glob) }
        }
        return removed.map(\.glob.pattern)
    }

    /// Whether any subscription wants an alert with these facts.
    func matches(_ facts: AlertFacts) -> Bool {
        subscriptions.contains { $0.matches(facts) }
    }
}
