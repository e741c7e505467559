import Foundation
import Synchronization

/// One line of the alert log: an alert, an update to one (a repeat inside its dedup window), or a throttle summary.
/// Every line a subscriber can receive has an id in one monotonic sequence, so replay returns them all, in order.
public struct LogEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case alert
        /// A repeat of an alert inside its dedup window: counted on the original.
        case update
        /// A summary of alerts a rule's throttle held back.
        case throttled
        /// An alert over its rule's throttle: stored, summarised by a `throttled` line, not pushed or replayed.
        case suppressed
    }

    public var id: UInt64
    public var kind: Kind
    public var rule: String
    public var severity: String
    public var tags: [String]
    public var createdAt: Date
    /// The JSON line exactly as sent to subscribers (no trailing newline), id included.
    public var json: [UInt8]
    /// For alerts: the rule's dedup key, so dedup windows survive a restart.
    public var dedupKey: String?

    public init(
        id: UInt64, kind: Kind, rule: String, severity: String, tags: [String], createdAt: Date, json: [UInt8],
        dedupKey: String? = nil
    ) {
        self.id = id
        self.dedupKey = dedupKey
        self.kind = kind
        self.rule = rule
        self.severity = severity
        self.tags = tags
        self.createdAt = createdAt
        self.json = json
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
    /// The article's text, kept for backtests while the archive's retention lasts; `nil` when not archived.
    public var body: String?

    public init(
        contentID: String, id: String, title: String, source: String? = nil, url: String? = nil,
        published: String? = nil, receivedAt: Date, body: String? = nil
    ) {
        self.contentID = contentID
        self.id = id
        self.title = title
        self.source = source
        self.url = url
        self.published = published
        self.receivedAt = receivedAt
        self.body = body
    }
}

/// What a retention pass removed.
public struct PruneOutcome: Sendable, Hashable {
    /// Alert-log lines deleted.
    public var lines: Int
    /// Article records deleted (content ids no longer recognised as duplicates).
    public var articles: Int
    /// Archived article texts forgotten (the archive's retention).
    public var texts: Int

    public init(lines: Int = 0, articles: Int = 0, texts: Int = 0) {
        self.lines = lines
        self.articles = articles
        self.texts = texts
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
/// follow behind the same protocol. The engine and the server see only this protocol: which database runs is
/// decided where the store is opened.
///
/// Ids are assigned by the caller (the alert engine), increasing; the store commits submissions in the order they
/// were submitted and tells its commit observer, in that order, once each is durable. That observer is how the
/// server fans alerts out: nothing reaches a subscriber before it is on disk, and everything reaches them in id
/// order.
public protocol AlertStore: Sendable {
    /// Queues an article and its log lines for the next transaction and returns at once, so that callers keep
    /// their submission order; ``CommitTicket/durable()`` waits for the commit.
    func submit(article: ArticleRecord?, entries: [LogEntry]) -> CommitTicket

    /// Called after each commit with the lines it made durable, in id order, before their tickets complete.
    func observeCommits(_ observer: @escaping @Sendable ([LogEntry]) -> Void)

    /// Log lines with ids greater than `id`, oldest first, at most `limit`.
    func entries(after id: UInt64, limit: Int) async throws -> [LogEntry]

    /// Log lines with ids smaller than `id`, newest first, at most `limit` (for `FROM LAST n`).
    func entries(before id: UInt64, limit: Int) async throws -> [LogEntry]

    /// The id of the first line created at or after `date`, or `nil` if none.
    func firstID(since date: Date) async throws -> UInt64?

    /// The oldest and newest ids held (0 when the log is empty).
    func bounds() async throws -> (oldest: UInt64, newest: UInt64)

    /// The highest id ever stored, even if retention has since removed it (0 for a new log).
    func highestID() async throws -> UInt64

    /// The id the article was first published under, if this content was seen before.
    ///
    /// Synchronous on purpose: the engine asks once per new article, and an `async` requirement made every
    /// ask hop off the engine's executor and back (two thread switches per article) for a lookup of microseconds.
    func article(contentID: String) throws -> String?

    /// Alerts created since `date`, for dedup windows.
    func dedupRecords(since date: Date) async throws -> [DedupRecord]

    /// Deletes log lines older than `age` seconds and beyond the newest `count`, and the articles received before
    /// the oldest line kept (so duplicates are recognised for as long as the log reaches back); says how many went.
    func prune(maximumAge: TimeInterval?, maximumCount: Int?, now: Date) async throws -> PruneOutcome

    /// Forgets the text of articles received more than `age` seconds before `now` (the archive's retention);
    /// the articles themselves stay while the log needs them. Returns how many texts went.
    func pruneArchive(maximumAge: TimeInterval, now: Date) async throws -> Int

    /// Finishes pending commits and closes the store.
    func close() async
}

/// A submitted commit: wait on it to know the lines are durable.
public final class CommitTicket: Sendable {
    private enum State {
        case pending([CheckedContinuation<Void, any Error>], [@Sendable (StorageError?) -> Void])
        case done(StorageError?)
    }

    private let state = Mutex(State.pending([], []))

    public init() {}

    /// A ticket that is already resolved, for stores that refuse work (closed) or for empty submissions.
    public static func resolved(_ error: StorageError?) -> CommitTicket {
        let ticket = CommitTicket()
        ticket.resolve(error)
        return ticket
    }

    /// Returns once the submission is durable; throws if its transaction failed.
    public func durable() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: StorageError?? = state.withLock { state in
                switch state {
                case .pending(var waiters, let callbacks):
                    waiters.append(continuation)
                    state = .pending(waiters, callbacks)
                    return .none
                case .done(let error):
                    return .some(error)
                }
            }
            guard let outcome else { return }
            if let error = outcome { continuation.resume(throwing: error) } else { continuation.resume() }
        }
    }

    /// Calls `callback` once the submission is durable (with `nil`) or failed (with the error): on the store's
    /// writer thread, after the commit observer and in submission order across tickets; at once when the ticket
    /// is already resolved. This is how a publisher pipelines: it answers each article from here, in order,
    /// without a task waiting per article.
    public func onDurable(_ callback: @escaping @Sendable (StorageError?) -> Void) {
        let outcome: StorageError?? = state.withLock { state in
            switch state {
            case .pending(let waiters, var callbacks):
                callbacks.append(callback)
                state = .pending(waiters, callbacks)
                return .none
            case .done(let error):
                return .some(error)
            }
        }
        if let outcome { callback(outcome) }
    }

    func resolve(_ error: StorageError?) {
        let (waiters, callbacks) = state.withLock { state -> ([CheckedContinuation<Void, any Error>], [@Sendable (StorageError?) -> Void]) in
            guard case .pending(let waiters, let callbacks) = state else { return ([], []) }
            state = .done(error)
            return (waiters, callbacks)
        }
        for callback in callbacks { callback(error) }
        for waiter in waiters {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
    }
}
