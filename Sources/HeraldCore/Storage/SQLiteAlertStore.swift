import CSQLite
import Foundation
import Synchronization

/// The embedded alert log: SQLite in WAL mode with `synchronous=FULL`, so a committed alert survives a crash or
/// power loss.
///
/// Writes go through one writer thread that takes every commit waiting at that moment into a single transaction
/// (group commit): a burst of publishers pays one fsync, not one each. Reads use a second connection, which WAL
/// lets run beside the writer.
public final class SQLiteAlertStore: AlertStore {
    private struct Request {
        var article: ArticleRecord?
        var entries: [LogEntry]
        var ticket: CommitTicket
    }

    private struct Queue {
        var pending: [Request] = []
        var closed = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let writer: Mutex<SQLiteConnection>
    private let reader: Mutex<SQLiteConnection>
    private let observer = Mutex<(@Sendable ([LogEntry]) -> Void)?>(nil)
    /// Transactions run and submissions they carried: the group-commit ratio.
    private let counters = Mutex((transactions: 0, requests: 0))

    /// Opens (creating if needed) the log at `path`.
    public init(path: String) throws {
        let writerConnection = try SQLiteConnection(path: path)
        try writerConnection.execute("PRAGMA journal_mode=WAL")
        try writerConnection.execute("PRAGMA synchronous=FULL")
        try writerConnection.execute(Self.schema)
        let readerConnection = try SQLiteConnection(path: path)
        try readerConnection.execute("PRAGMA query_only=1")
        writer = Mutex(writerConnection)
        reader = Mutex(readerConnection)
        let thread = Thread { [self] in self.runWriter() }
        thread.name = "herald-store-writer"
        thread.start()
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS articles (
            content_id TEXT PRIMARY KEY, id TEXT NOT NULL, title TEXT NOT NULL, source TEXT, url TEXT,
            published TEXT, received_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS log (
            id INTEGER PRIMARY KEY, kind TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL,
            tags TEXT NOT NULL, dedup_key TEXT, created_at INTEGER NOT NULL, json BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS log_created ON log(created_at);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """

    /// How many transactions and submissions the writer has run.
    public var commitCounters: (transactions: Int, requests: Int) { counters.withLock { $0 } }

    public func observeCommits(_ observer: @escaping @Sendable ([LogEntry]) -> Void) {
        self.observer.withLock { $0 = observer }
    }

    public func submit(article: ArticleRecord?, entries: [LogEntry]) -> CommitTicket {
        let ticket = CommitTicket()
        let accepted = queue.withLock { queue -> Bool in
            guard !queue.closed else { return false }
            queue.pending.append(Request(article: article, entries: entries, ticket: ticket))
            return true
        }
        guard accepted else { return .resolved(StorageError("the alert store is closed")) }
        wake.signal()
        return ticket
    }

    private func runWriter() {
        while true {
            wake.wait()
            let (batch, closing) = queue.withLock { queue in
                let batch = queue.pending
                queue.pending = []
                return (batch, queue.closed)
            }
            if !batch.isEmpty { write(batch) }
            if closing && batch.isEmpty {
                let waiters = queue.withLock { queue in
                    let waiters = queue.closeWaiters
                    queue.closeWaiters = []
                    return waiters
                }
                for waiter in waiters { waiter.resume() }
                return
            }
        }
    }

    private func write(_ batch: [Request]) {
        let outcome: StorageError? = writer.withLock { connection in
            do throws(StorageError) {
                try connection.execute("BEGIN IMMEDIATE")
                var highest: UInt64 = 0
                for request in batch {
                    if let article = request.article {
                        try connection.query(
                            "INSERT OR IGNORE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [
                                .text(article.contentID), .text(article.id), .text(article.title),
                                article.source.map(SQLiteValue.text) ?? .null, article.url.map(SQLiteValue.text) ?? .null,
                                article.published.map(SQLiteValue.text) ?? .null,
                                .integer(Self.milliseconds(article.receivedAt)),
                            ])
                    }
                    for entry in request.entries {
                        try connection.query(
                            "INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [
                                .integer(Int64(clamping: entry.id)), .text(entry.kind.rawValue), .text(entry.rule),
                                .text(entry.severity), .text(entry.tags.joined(separator: "\u{1F}")),
                                entry.dedupKey.map(SQLiteValue.text) ?? .null,
                                .integer(Self.milliseconds(entry.createdAt)), .blob(entry.json),
                            ])
                        highest = max(highest, entry.id)
                    }
                }
                if highest > 0 {
                    try connection.query(
                        "INSERT INTO meta VALUES ('highest_id', ?) ON CONFLICT(key) DO UPDATE SET value = MAX(value, excluded.value)",
                        [.integer(Int64(clamping: highest))])
                }
                try connection.execute("COMMIT")
                return nil
            } catch {
                try? connection.execute("ROLLBACK")
                return error
            }
        }
        counters.withLock {
            $0.transactions += 1
            $0.requests += batch.count
        }
        if outcome == nil, let observer = observer.withLock({ $0 }) {
            let committed = batch.flatMap(\.entries)
            if !committed.isEmpty { observer(committed) }
        }
        for request in batch { request.ticket.resolve(outcome) }
    }

    public func highestID() async throws -> UInt64 {
        try reader.withLock { connection in
            var highest: UInt64 = 0
            try connection.query("SELECT COALESCE((SELECT value FROM meta WHERE key = 'highest_id'), (SELECT MAX(id) FROM log), 0)") {
                highest = UInt64($0.integer(0))
            }
            return highest
        }
    }

    public func entries(after id: UInt64, limit: Int) async throws -> [LogEntry] {
        try read(
            "SELECT id, kind, rule, severity, tags, created_at, json FROM log WHERE id > ? AND kind != 'suppressed' ORDER BY id LIMIT ?",
            id, limit)
    }

    public func entries(before id: UInt64, limit: Int) async throws -> [LogEntry] {
        try read(
            "SELECT id, kind, rule, severity, tags, created_at, json FROM log WHERE id < ? AND kind != 'suppressed' ORDER BY id DESC LIMIT ?",
            id, limit)
    }

    private func read(_ sql: String, _ id: UInt64, _ limit: Int) throws -> [LogEntry] {
        try reader.withLock { connection in
            var entries: [LogEntry] = []
            try connection.query(sql, [.integer(Int64(clamping: id)), .integer(Int64(limit))]) { row in
                let tags = row.text(4).map { $0.isEmpty ? [] : $0.split(separator: "\u{1F}").map(String.init) } ?? []
                entries.append(
                    LogEntry(
                        id: UInt64(row.integer(0)), kind: LogEntry.Kind(rawValue: row.text(1) ?? "") ?? .alert,
                        rule: row.text(2) ?? "", severity: row.text(3) ?? "", tags: tags,
                        createdAt: Date(timeIntervalSince1970: Double(row.integer(5)) / 1000), json: row.blob(6)))
            }
            return entries
        }
    }

    public func firstID(since date: Date) async throws -> UInt64? {
        try reader.withLock { connection in
            var found: UInt64?
            try connection.query(
                "SELECT MIN(id) FROM log WHERE created_at >= ?", [.integer(Self.milliseconds(date))]
            ) { row in
                let value = row.integer(0)
                found = value > 0 ? UInt64(value) : nil
            }
            return found
        }
    }

    public func bounds() async throws -> (oldest: UInt64, newest: UInt64) {
        try reader.withLock { connection in
            var result: (UInt64, UInt64) = (0, 0)
            try connection.query("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM log") { row in
                result = (UInt64(row.integer(0)), UInt64(row.integer(1)))
            }
            return result
        }
    }

    public func article(contentID: String) throws -> String? {
        try reader.withLock { connection in
            var id: String?
            try connection.query("SELECT id FROM articles WHERE content_id = ?", [.text(contentID)]) { row in id = row.text(0) }
            return id
        }
    }

    public func dedupRecords(since date: Date) async throws -> [DedupRecord] {
        try reader.withLock { connection in
            var records: [DedupRecord] = []
            try connection.query(
                "SELECT id, rule, dedup_key, created_at FROM log WHERE kind = 'alert' AND dedup_key IS NOT NULL AND created_at >= ? ORDER BY id",
                [.integer(Self.milliseconds(date))]
            ) { row in
                records.append(
                    DedupRecord(
                        id: UInt64(row.integer(0)), rule: row.text(1) ?? "", dedupKey: row.text(2) ?? "",
                        createdAt: Date(timeIntervalSince1970: Double(row.integer(3)) / 1000)))
            }
            return records
        }
    }

    public func prune(maximumAge: TimeInterval?, maximumCount: Int?, now: Date) async throws -> Int {
        try writer.withLock { connection in
            var removed = 0
            if let maximumAge {
                try connection.query(
                    "DELETE FROM log WHERE created_at < ?", [.integer(Self.milliseconds(now.addingTimeInterval(-maximumAge)))])
                try connection.query("SELECT changes()") { removed += Int($0.integer(0)) }
            }
            if let maximumCount {
                try connection.query(
                    "DELETE FROM log WHERE id <= (SELECT COALESCE(MAX(id), 0) FROM log) - ?", [.integer(Int64(maximumCount))])
                try connection.query("SELECT changes()") { removed += Int($0.integer(0)) }
            }
            return removed
        }
    }

    public func close() async {
        await withCheckedContinuation { continuation in
            queue.withLock { queue in
                queue.closed = true
                queue.closeWaiters.append(continuation)
            }
            wake.signal()
        }
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
