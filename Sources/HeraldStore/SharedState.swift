import Foundation

/// A silence as the store keeps it (`SILENCE`): every node sharing the store holds the same silences, and a node
/// restarted keeps them. Ids come from the store, so they are unique across the nodes.
public struct SilenceRecord: Sendable, Hashable {
    /// Given by the store when the silence is added (`s<id>` in the protocol).
    public var id: UInt64
    /// The rule glob's text.
    public var rules: String
    public var reason: String?
    public var createdBy: String
    public var startsAt: Date
    /// When it ends: as set, or when `UNSILENCE` ended it early.
    public var endsAt: Date
    /// Who ended it early (`UNSILENCE`); `nil` while it runs, and when it ran out.
    public var endedBy: String?

    public init(
        id: UInt64 = 0, rules: String, reason: String?, createdBy: String, startsAt: Date, endsAt: Date,
        endedBy: String? = nil
    ) {
        self.id = id
        self.rules = rules
        self.reason = reason
        self.createdBy = createdBy
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.endedBy = endedBy
    }
}

/// What a feed poller remembers of one feed between polls: the validators of its last good response (for a
/// conditional GET) and the keys of the items it has published. Kept in the store, so that the node that takes
/// over ingest in a cluster, or the same node after a restart, neither fetches a feed in full nor publishes its
/// items again.
public struct FeedState: Sendable, Hashable {
    public var etag: String?
    public var lastModified: String?
    /// Item keys (guid, id or link) already published.
    public var seen: [String]

    public init(etag: String? = nil, lastModified: String? = nil, seen: [String] = []) {
        self.etag = etag
        self.lastModified = lastModified
        self.seen = seen
    }
}

/// State besides the alert log that every node sharing a store must see alike: silences and feed state. Both
/// stores keep it (SQLite for one node and its restarts, PostgreSQL for a cluster), so the server and the ingest
/// sources use it without knowing which database runs.
public protocol SharedStateStore: Sendable {
    /// Stores a new silence and returns it with its id.
    func addSilence(_ silence: SilenceRecord) async throws -> SilenceRecord

    /// Ends silence `id` at `now`, by `endedBy`; returns it as ended, or `nil` when there is no such silence still
    /// running.
    func endSilence(id: UInt64, endedBy: String, now: Date) async throws -> SilenceRecord?

    /// The silences that end (or ended) after `date`, oldest first: the running ones, and those ended since.
    func silences(endingAfter date: Date) async throws -> [SilenceRecord]

    /// Called when another node added or ended a silence (and when the store may have missed such news, after it
    /// reconnected): read ``silences(endingAfter:)`` again. A store with one node never calls it.
    func observeSilenceChanges(_ observer: @escaping @Sendable () -> Void)

    /// A feed's state, or `nil` when it was never polled.
    func feedState(_ feed: String) async throws -> FeedState?

    /// Records a feed's state after a poll.
    func saveFeedState(_ feed: String, _ state: FeedState) async throws
}

extension SharedStateStore {
    public func observeSilenceChanges(_ observer: @escaping @Sendable () -> Void) {}
}

/// A callback to keep in a `Mutex` (an observer, a handler).
///
/// Not a bare closure: a closure stored in a `Mutex` — alone, optional, or in a tuple — and read with
/// `withLock { $0 }` comes out wrapped in two more reabstraction thunks on every access, and the wrapped value is
/// what stays stored. A commit observer read once per commit then costs one more call frame per commit: after
/// enough commits a delivery walks thousands of thunks, and finally overflows its stack. A struct's field keeps
/// one representation, so nothing is wrapped.
public struct LockedCallback<Argument>: Sendable {
    public let call: @Sendable (Argument) -> Void

    public init(_ call: @escaping @Sendable (Argument) -> Void) {
        self.call = call
    }
}

extension LockedCallback where Argument == Void {
    public init(_ call: @escaping @Sendable () -> Void) {
        self.call = { _ in call() }
    }
}
