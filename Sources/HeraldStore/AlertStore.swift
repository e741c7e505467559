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

    public init(id: UInt64, rule: String, dedupKey: String, createdAt: Date) {
        self.id = id
        self.rule = rule
        self.dedupKey = dedupKey
        self.createdAt = createdAt
    }
}

/// The durable alert log. Implementations: ``SQLiteAlertStore`` (embedded, the default) and, in the module
/// HeraldStorePostgres, `PostgresAlertStore` (several nodes on one log). The engine and the server see only this
/// protocol: which database runs is decided where the store is opened.
///
/// **Ids are the store's.** A submission carries ``NewLogEntry``s without ids; the store gives each line its id when
/// the line commits, from one sequence, so that *id order is commit order*: a reader that has everything up to id
/// `n` and asks for "after `n`" can never miss a line that commits later with a smaller id. (SQLite has one writer, so
/// numbering lines as it writes them is enough; PostgreSQL numbers them under a row lock held to the commit, see
/// `PostgresAlertStore`.) The line's JSON, which names its own id and perhaps others (`of`, `first_suppressed`), is a
/// ``LineTemplate`` that the store completes with those ids.
///
/// The store commits one node's submissions in the order they were submitted and tells its commit observer, in id
/// order, once each is durable. That observer is how the server fans alerts out: nothing reaches a subscriber before
/// it is durable, and everything reaches them in id order.
///
/// **Duplicates are decided at commit.** An article whose content id the store already holds (published earlier,
/// perhaps by another node, perhaps a moment ago in another transaction) stores nothing: its lines are dropped
/// (``AssignedID/wasDropped``) and its ticket reports ``CommitTicket/duplicateOf`` the first article's id.
///
/// Besides the log a store keeps what every node sharing it must see alike (``SharedStateStore``): silences and
/// feed state.
public protocol AlertStore: SharedStateStore {
    /// Queues an article and its log lines for the next transaction and returns at once, so that callers keep
    /// their submission order; ``CommitTicket/durable()`` waits for the commit. The lines get their ids at commit.
    func submit(article: ArticleRecord?, entries: [NewLogEntry]) -> CommitTicket

    /// Says that a submission is coming: a publisher has started matching an article. A store that commits in
    /// groups may hold a commit back briefly for it (as PostgreSQL's `commit_delay` with `commit_siblings`), so
    /// that publishers share an fsync instead of taking turns. The next ``submit(article:entries:)`` or
    /// ``cancelExpectedSubmission()`` settles it; a store may ignore both.
    func expectSubmission()

    /// The submission announced by ``expectSubmission()`` will not come (the article was a duplicate).
    func cancelExpectedSubmission()

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

    /// The highest id ever committed, even if retention has since removed it (0 for a new log).
    func highestID() async throws -> UInt64

    /// The id the article was first published under, if the store holds this content already.
    ///
    /// The engine asks before matching's results are ordered, outside its actor, only for content its own cache
    /// of recent ids does not know; the answer is advice (a concurrent publisher may store the same content a
    /// moment later), the commit's own check is the rule. The SQLite store answers from an indexed lookup of
    /// microseconds on a connection of its own, without suspending.
    func article(contentID: String) async throws -> String?

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

    /// Called when the database behind the store becomes unreachable and when it is back, so that the server can
    /// tell its subscribers. A store that cannot lose its database (SQLite) never calls it.
    func observeHealth(_ observer: @escaping @Sendable (StoreHealth) -> Void)

    /// Called with the lines other nodes of a cluster committed (after the commit observer had them), in id order:
    /// how the engine's dedup windows and throttles hear of other nodes' alerts. A store with one writer never
    /// calls it.
    func observeOtherNodes(_ observer: @escaping @Sendable ([LogEntry]) -> Void)
}

extension AlertStore {
    public func expectSubmission() {}

    public func cancelExpectedSubmission() {}

    public func observeHealth(_ observer: @escaping @Sendable (StoreHealth) -> Void) {}

    public func observeOtherNodes(_ observer: @escaping @Sendable ([LogEntry]) -> Void) {}
}

/// Whether the store's database can be reached.
public enum StoreHealth: Sendable, Equatable {
    case available
    /// Commits fail (publishers are answered with an error) and other nodes' lines do not arrive; the store keeps
    /// trying by itself. The reason is for people.
    case unavailable(reason: String)
}

/// The id a line gets when it commits, filled in by the store; read by whoever holds the line (the engine's dedup
/// windows and throttles, the publisher's `ok`, lines that name it) once its ticket has resolved.
public final class AssignedID: Sendable, CustomStringConvertible {
    /// 0 while pending, `UInt64.max` once the line is known never to be stored.
    private let raw = Atomic<UInt64>(0)

    public init() {}

    /// The id, once the line committed.
    public var value: UInt64? {
        let value = raw.load(ordering: .acquiring)
        return value == 0 || value == .max ? nil : value
    }

    /// The line was not stored: its article was a duplicate, or its transaction failed.
    public var wasDropped: Bool { raw.load(ordering: .acquiring) == .max }

    /// Called by a store when it numbers the line (inside the transaction, before the commit). A line already
    /// dropped stays dropped: a store that gave up on a transaction (it timed out) may still hear from it later.
    public func assign(_ id: UInt64) {
        _ = raw.compareExchange(expected: 0, desired: id, ordering: .acquiringAndReleasing)
    }

    /// Called by a store when the line will never be stored.
    public func drop() { raw.store(.max, ordering: .releasing) }

    public var description: String { value.map { "\($0)" } ?? (wasDropped ? "dropped" : "pending") }
}

/// An id a line's JSON names: its own, another line's that the store numbers (the same submission or an earlier
/// one), or one read back from the store.
public enum IDReference: Sendable, Equatable {
    /// The line's own id.
    case own
    /// Another line of this node, numbered at its commit (which comes no later than this line's).
    case line(AssignedID)
    /// A line already stored, by id.
    case stored(UInt64)

    /// The id, if known; `own` is never known here.
    public var value: UInt64? {
        switch self {
        case .own: nil
        case .line(let assigned): assigned.value
        case .stored(let id): id
        }
    }

    /// The line named was never stored (see ``AssignedID/wasDropped``).
    public var wasDropped: Bool {
        if case .line(let assigned) = self { return assigned.wasDropped }
        return false
    }

    public static func == (lhs: IDReference, rhs: IDReference) -> Bool {
        switch (lhs, rhs) {
        case (.own, .own): true
        case (.line(let a), .line(let b)): a === b
        case (.stored(let a), .stored(let b)): a == b
        default: false
        }
    }
}

/// A log line's JSON with its ids left out: `bytes` is the line without them, and each slot says where an id's
/// digits go and which id. The store completes it at commit with ``compose(ownID:)``.
public struct LineTemplate: Sendable {
    public struct Slot: Sendable {
        /// Where in `bytes` the digits are inserted.
        public var offset: Int
        public var id: IDReference

        public init(offset: Int, id: IDReference) {
            self.offset = offset
            self.id = id
        }
    }

    public var bytes: [UInt8]
    /// In increasing offset order.
    public var slots: [Slot]

    public init(bytes: [UInt8], slots: [Slot]) {
        self.bytes = bytes
        self.slots = slots
    }

    /// A line that names no id (tests, lines from elsewhere).
    public init(fixed bytes: [UInt8]) {
        self.init(bytes: bytes, slots: [])
    }

    /// The line with its ids written in: `ownID` for ``IDReference/own``; a line named that was never stored (its
    /// transaction failed, or it was a duplicate's) is written as 0.
    public func compose(ownID: UInt64) -> [UInt8] {
        guard !slots.isEmpty else { return bytes }
        var line: [UInt8] = []
        line.reserveCapacity(bytes.count + 20 * slots.count)
        var start = 0
        for slot in slots {
            line.append(contentsOf: bytes[start..<slot.offset])
            let id: UInt64 =
                switch slot.id {
                case .own: ownID
                default: slot.id.value ?? 0
                }
            Self.appendDigits(id, to: &line)
            start = slot.offset
        }
        line.append(contentsOf: bytes[start...])
        return line
    }

    private static func appendDigits(_ value: UInt64, to bytes: inout [UInt8]) {
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        bytes.append(contentsOf: digits.reversed())
    }
}

/// A log line as submitted: everything but its id, which the store gives it at commit (``id``).
public struct NewLogEntry: Sendable {
    /// Filled in when the line commits.
    public let id: AssignedID
    public var kind: LogEntry.Kind
    public var rule: String
    public var severity: String
    public var tags: [String]
    public var createdAt: Date
    public var line: LineTemplate
    public var dedupKey: String?

    public init(
        id: AssignedID = AssignedID(), kind: LogEntry.Kind, rule: String, severity: String, tags: [String],
        createdAt: Date, line: LineTemplate, dedupKey: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.rule = rule
        self.severity = severity
        self.tags = tags
        self.createdAt = createdAt
        self.line = line
        self.dedupKey = dedupKey
    }

    /// The stored line, numbered `id`.
    public func committed(as id: UInt64) -> LogEntry {
        LogEntry(
            id: id, kind: kind, rule: rule, severity: severity, tags: tags, createdAt: createdAt,
            json: line.compose(ownID: id), dedupKey: dedupKey)
    }

    /// The stored line, once its ticket resolved; `nil` if it was never stored.
    public var committed: LogEntry? { id.value.map { committed(as: $0) } }
}

/// A submitted commit: wait on it to know the lines are durable.
public final class CommitTicket: Sendable {
    private enum State {
        case pending([CheckedContinuation<Void, any Error>], [@Sendable (StorageError?) -> Void])
        case done(StorageError?)
    }

    private let state = Mutex(State.pending([], []))
    /// Set by the store before it resolves the ticket.
    private let duplicate = Mutex<String?>(nil)

    /// When the store found, at commit, that it already held the article's content: the id the content was first
    /// published under. Nothing of the submission was stored. Read it once the ticket has resolved.
    public var duplicateOf: String? { duplicate.withLock { $0 } }

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

    /// Resolves the ticket: durable (`nil`), failed, or durable as a duplicate of the article `duplicateOf`.
    public func resolve(_ error: StorageError?, duplicateOf: String? = nil) {
        if let duplicateOf { duplicate.withLock { $0 = duplicateOf } }
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
