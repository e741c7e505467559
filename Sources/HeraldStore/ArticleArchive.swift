import Foundation

/// An article kept with its text in the archive, for backtests.
public struct ArchivedArticle: Sendable, Hashable {
    public var record: ArticleRecord
    public var body: String

    public init(record: ArticleRecord, body: String) {
        self.record = record
        self.body = body
    }
}

/// A line of the alert log that recorded a match: an alert, a repeat inside its dedup window, or an alert held
/// back by its rule's throttle. What a backtest compares new rules against.
public struct LoggedMatch: Sendable, Hashable {
    public var id: UInt64
    public var kind: LogEntry.Kind
    public var rule: String
    public var createdAt: Date
    /// The line as sent (or, for a held-back alert, as it would have been).
    public var json: [UInt8]

    public init(id: UInt64, kind: LogEntry.Kind, rule: String, createdAt: Date, json: [UInt8]) {
        self.id = id
        self.kind = kind
        self.rule = rule
        self.createdAt = createdAt
        self.json = json
    }
}

/// The archived articles and the alert log, read in time order: what `herald backtest` runs over. The store
/// behind it (SQLite today) is not the backtest's business.
public protocol ArticleArchive {
    /// Calls `body` with each article received at or after `since` whose text is still archived, oldest first
    /// (or newest first); an error `body` throws ends the walk and is rethrown.
    func forEachArticle(since: Date, newestFirst: Bool, _ body: (ArchivedArticle) throws -> Void) throws

    /// Calls `body` with each log line recording a match created at or after `since`, in id order.
    func forEachLoggedMatch(since: Date, _ body: (LoggedMatch) throws -> Void) throws
}

extension ArticleArchive {
    /// The articles since `since`, oldest first.
    public func forEachArticle(since: Date, _ body: (ArchivedArticle) throws -> Void) throws {
        try forEachArticle(since: since, newestFirst: false, body)
    }
}
