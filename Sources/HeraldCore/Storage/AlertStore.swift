import Foundation

/// One line of the alert log: an alert, an update to one (a repeat inside its dedup window), or a throttle summary.
/// Every line a subscriber can receive has an id in one monotonic sequence, so replay returns them all, in order.
public struct LogEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case alert
        case update
        case throttled
    }

    public var id: UInt64
    public var kind: Kind
    public var rule: String
    public var severity: String
    public var tags: [String]
    public var createdAt: Date
    /// The JSON line exactly as sent to subscribers (no trailing newline), id included.
    public var json: [UInt8]

    public init(id: UInt64, kind: Kind, rule: String, severity: String, tags: [String], createdAt: Date, json: [UInt8]) {
        self.id = id
        self.kind = kind
        self.rule = rule
        self.severity = severity
        self.tags = tags
        self.createdAt = createdAt
        self.json = json
    }
}

/// A log line before it is stored: its JSON is rendered once its id is known.
public struct PendingEntry: Sendable {
    public var kind: LogEntry.Kind
    public var rule: String
    public var severity: String
    public var tags: [String]
    /// For alerts: the rule's dedup key, so dedup windows survive a restart.
    public var dedupKey: String?
    public var createdAt: Date
    public var render: @Sendable (UInt64) -> [UInt8]

    public init(
        kind: LogEntry.Kind, rule: String, severity: String, tags: [String], dedupKey: String?, createdAt: Date,
        render: @escaping @Sendable (UInt64) -> [UInt8]
    ) {
        self.kind = kind
        self.rule = rule
        self.severity = severity
        self.tags = tags
        self.dedupKey = dedupKey
        self.createdAt = createdAt
        self.render = render
    }
}

/// What the store keeps of an article: enough to recognise it again and to say what it was.
public struct ArticleRecord: Sendable, Hashable {
    public var contentID: String
    public var id: String
    public var title: String
    public var source: String?
    public var url: String?
    public var published: String?
    public var receivedAt: Date

    public init(_ article: Article, receivedAt: Date) {
        contentID = article.contentID
        id = article.id
        title = article.title
        source = article.source
        url = article.url
        published = article.published
        self.receivedAt = receivedAt
    }
}

/// A recent alert's dedup identity, to rebuild dedup windows after a restart.
public struct DedupRecord: Sendable, Hashable {
    public var id: UInt64
    public var rule: String
    public var dedupKey: String
    public var createdAt: Date
}

/// The durable alert log. Implementations: ``SQLiteAlertStore`` (embedded, the default); a PostgreSQL one can
/// follow behind the same protocol.
public protocol AlertStore: Sendable {
    /// Stores an article and its log lines in one transaction and returns the lines with their ids.
    /// Durable when it returns: a crash afterwards loses nothing.
    func commit(article: ArticleRecord?, entries: [PendingEntry]) async throws -> [LogEntry]

    /// Log lines with ids greater than `id`, oldest first, at most `limit`.
    func entries(after id: UInt64, limit: Int) async throws -> [LogEntry]

    /// The id of the first line created at or after `date`, or `nil` if none.
    func firstID(since date: Date) async throws -> UInt64?

    /// The oldest and newest ids held (0 when the log is empty).
    func bounds() async throws -> (oldest: UInt64, newest: UInt64)

    /// The id the article was first published under, if this content was seen before.
    func article(contentID: String) async throws -> String?

    /// Alerts created since `date`, for dedup windows.
    func dedupRecords(since date: Date) async throws -> [DedupRecord]

    /// Deletes log lines older than `age` seconds and beyond the newest `count`; returns how many went.
    func prune(maximumAge: TimeInterval?, maximumCount: Int?, now: Date) async throws -> Int

    /// Finishes pending commits and closes the store.
    func close() async
}
