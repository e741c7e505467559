import CSQLite
import Foundation
import Synchronization

/// The embedded alert log: SQLite in WAL mode with `synchronous=FULL`, so a committed alert survives a crash or
/// power loss.
///
/// Writes go through one writer thread that takes every commit waiting at that moment into a single transaction
/// (group commit): a burst of publishers pays one fsync, not one each. Retention pruning runs on the same thread,
/// between commits, never on the caller's. Reads run on reader threads of the store's own (``SQLiteReaders``),
/// each with its own connection, which WAL lets run beside the writer: no read holds a thread of Swift's
/// cooperative pool. The one exception is ``article(contentID:)``, an indexed lookup of microseconds asked only by
/// the engine, on a connection of its own that nothing else locks; it does not suspend.
///
/// Lines are numbered by the writer as it writes them (``AlertStore`` says why the store numbers them), continuing
/// from the highest id ever stored (kept in `meta`, so retention does not make ids go back).
///
/// The schema carries its version in `PRAGMA user_version` and is migrated on open, one step per version, each
/// step in its own transaction (see ``migrations``).
public final class SQLiteAlertStore: AlertStore {
    private struct Request {
        var article: ArticleRecord?
        var entries: [NewLogEntry]
        var ticket: CommitTicket
    }

    private struct Queue {
        var pending: [Request] = []
        /// Other writes (pruning, silences, feed state), each in a transaction of its own between commits.
        var jobs: [@Sendable (SQLiteConnection) -> Void] = []
        var closed = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
        /// The writer thread has ended: a later ``close()`` has nothing to wait for.
        var writerFinished = false
        /// Submissions announced and not yet made (``expectSubmission()``).
        var expected = 0
    }

    /// How long a commit waits at most for announced submissions to join it: about one article's matching, well
    /// under one fsync.
    private let commitDelay: Duration

    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let writer: Mutex<SQLiteConnection>
    /// The engine's duplicate lookup: only the engine uses it, so its lock is never contended.
    private let lookup: Mutex<SQLiteConnection>
    let readers: SQLiteReaders
    private let observer = Mutex<LockedCallback<[LogEntry]>?>(nil)
    /// Transactions run and submissions they carried: the group-commit ratio.
    private let counters = Mutex((transactions: 0, requests: 0))
    /// The highest id given to a line; only the writer thread touches it (the lock is never contended).
    private let lastID: Mutex<UInt64>

    /// The file the log is kept in.
    public let path: String

    /// The schema version found on open and the one it was migrated to; `nil` when it was current already (or the
    /// log is new).
    public let schemaMigration: (from: Int, to: Int)?

    /// Opens (creating if needed) the log at `path`, migrating an older schema to ``schemaVersion``.
    ///
    /// - Throws: ``StorageError`` if the file cannot be opened, or was written by a newer Herald (its schema
    ///   version is above ``schemaVersion``: it is left untouched).
    /// `commitDelay`: how long a commit may wait for a submission announced by ``expectSubmission()``.
    public init(path: String, commitDelay: Duration = .milliseconds(1)) throws {
        self.commitDelay = commitDelay
        self.path = path
        let writerConnection = try SQLiteConnection(path: path)
        try writerConnection.execute("PRAGMA journal_mode=WAL")
        try writerConnection.execute("PRAGMA synchronous=FULL")
        schemaMigration = try Self.migrate(writerConnection, path: path)
        var highest: UInt64 = 0
        try writerConnection.query(
            "SELECT COALESCE((SELECT value FROM meta WHERE key = 'highest_id'), (SELECT MAX(id) FROM log), 0)"
        ) { highest = UInt64($0.integer(0)) }
        lastID = Mutex(highest)
        let lookupConnection = try SQLiteConnection(path: path)
        try lookupConnection.execute("PRAGMA query_only=1")
        readers = try SQLiteReaders(path: path, count: 2)
        writer = Mutex(writerConnection)
        lookup = Mutex(lookupConnection)
        let thread = Thread { [self] in self.runWriter() }
        thread.name = "herald-store-writer"
        thread.start()
    }

    /// The schema version this code reads and writes, kept in `PRAGMA user_version`.
    public static let schemaVersion = migrations.count

    /// The schema's history: step `n` takes a log from version `n` to `n + 1`. Steps are only ever appended, and
    /// each runs in one transaction with the version bump, so a crash mid-migration leaves the previous version.
    ///
    /// Version 0 is a log written before the schema had a version: it holds the version 1 tables already, which
    /// is why step 0 creates them only if they do not exist.
    static let migrations = [
        // 1: the tables as first shipped.
        """
        CREATE TABLE IF NOT EXISTS articles (
            content_id TEXT PRIMARY KEY, id TEXT NOT NULL, title TEXT NOT NULL, source TEXT, url TEXT,
            published TEXT, received_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS log (
            id INTEGER PRIMARY KEY, kind TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL,
            tags TEXT NOT NULL, dedup_key TEXT, created_at INTEGER NOT NULL, json BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS log_created ON log(created_at);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """,
        // 2: articles are pruned with the log, by the time they arrived.
        """
        CREATE INDEX IF NOT EXISTS articles_received ON articles(received_at);
        """,
        // 3: the archive: an article's text, for backtests, while the archive's retention keeps it.
        """
        ALTER TABLE articles ADD COLUMN body TEXT;
        """,
        // 4: silences and feed state, kept with the log (SharedStateStore) so that a restart keeps them.
        """
        CREATE TABLE IF NOT EXISTS silences (
            id INTEGER PRIMARY KEY AUTOINCREMENT, rules TEXT NOT NULL, reason TEXT, created_by TEXT NOT NULL,
            starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, ended_by TEXT);
        CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, seen TEXT NOT NULL);
        """,
    ]

    /// Brings the log at `path` to ``schemaVersion``; returns the versions when a migration ran.
    private static func migrate(_ connection: SQLiteConnection, path: String) throws(StorageError) -> (from: Int, to: Int)? {
        var found: Int?
        while true {
            // Read inside the transaction: another process opening the same file at once migrates it only once.
            try connection.execute("BEGIN IMMEDIATE")
            do throws(StorageError) {
                var version = 0
                try connection.query("PRAGMA user_version") { version = Int($0.integer(0)) }
                if found == nil { found = version }
                guard version <= schemaVersion else {
                    throw StorageError(
                        "\(path) has schema version \(version), but this Herald knows versions up to \(schemaVersion): "
                            + "it was written by a newer Herald. Run that version, or move the file aside to start a new log")
                }
                guard version < schemaVersion else {
                    try connection.execute("COMMIT")
                    break
                }
                try connection.execute(migrations[version])
                try connection.execute("PRAGMA user_version = \(version + 1)")
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
        guard let found, found < schemaVersion else { return nil }
        // A new, empty file is created at the current version: that is no migration.
        return found == 0 && isNew(connection) ? nil : (found, schemaVersion)
    }

    /// Whether the log holds nothing at all (a file just created).
    private static func isNew(_ connection: SQLiteConnection) -> Bool {
        var rows: Int64 = 1
        try? connection.query("SELECT (SELECT COUNT(*) FROM log) + (SELECT COUNT(*) FROM articles) + (SELECT COUNT(*) FROM meta)") {
            rows = $0.integer(0)
        }
        return rows == 0
    }

    /// How many transactions and submissions the writer has run.
    public var commitCounters: (transactions: Int, requests: Int) { counters.withLock { $0 } }

    public func observeCommits(_ observer: @escaping @Sendable ([LogEntry]) -> Void) {
        self.observer.withLock { $0 = LockedCallback(observer) }
    }

    public func submit(article: ArticleRecord?, entries: [NewLogEntry]) -> CommitTicket {
        let ticket = CommitTicket()
        let accepted = queue.withLock { queue -> Bool in
            guard !queue.closed else { return false }
            queue.pending.append(Request(article: article, entries: entries, ticket: ticket))
            queue.expected = max(0, queue.expected - 1)
            return true
        }
        guard accepted else { return .resolved(StorageError("the alert store is closed")) }
        wake.signal()
        return ticket
    }

    public func expectSubmission() {
        queue.withLock { $0.expected += 1 }
    }

    public func cancelExpectedSubmission() {
        let release = queue.withLock { queue in
            queue.expected = max(0, queue.expected - 1)
            return queue.expected == 0 && !queue.pending.isEmpty
        }
        // A commit held back for this submission need not wait out its delay.
        if release { wake.signal() }
    }

    /// Holds a commit back, at most `commitDelay`, while publishers that announced a submission are still matching:
    /// with two publishers each waiting for its `ok`, committing one at once made them take turns at the fsync
    /// (each commit carrying one article) as often as they shared it.
    private func awaitAnnouncedSubmissions() {
        let (seconds, attoseconds) = commitDelay.components
        let deadline = DispatchTime.now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        while queue.withLock({ $0.expected > 0 && !$0.pending.isEmpty && !$0.closed }) {
            guard wake.wait(timeout: deadline) == .success else { return }
        }
    }

    private func runWriter() {
        while true {
            wake.wait()
            awaitAnnouncedSubmissions()
            let (batch, jobs, closing) = queue.withLock { queue in
                let batch = queue.pending
                let jobs = queue.jobs
                queue.pending = []
                queue.jobs = []
                return (batch, jobs, queue.closed)
            }
            if !batch.isEmpty { write(batch) }
            for job in jobs { writer.withLock { job($0) } }
            if closing && batch.isEmpty && jobs.isEmpty {
                let waiters = queue.withLock { queue in
                    let waiters = queue.closeWaiters
                    queue.closeWaiters = []
                    queue.writerFinished = true
                    return waiters
                }
                for waiter in waiters { waiter.resume() }
                return
            }
        }
    }

    /// One transaction for the whole batch. Lines are numbered here, in submission order, as they are written: with
    /// one writer, id order is commit order. A submission whose article is already held stores nothing (its
    /// ticket says which article it duplicates).
    private func write(_ batch: [Request]) {
        var duplicates = [String?](repeating: nil, count: batch.count)
        var committed: [LogEntry] = []
        let outcome: StorageError? = writer.withLock { connection in
            let first = lastID.withLock { $0 }
            var next = first
            do throws(StorageError) {
                try connection.execute("BEGIN IMMEDIATE")
                for (index, request) in batch.enumerated() {
                    if let article = request.article {
                        try connection.query(
                            """
                            INSERT OR IGNORE INTO articles
                                (content_id, id, title, source, url, published, received_at, body)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                            [
                                .text(article.contentID), .text(article.id), .text(article.title),
                                article.source.map(SQLiteValue.text) ?? .null, article.url.map(SQLiteValue.text) ?? .null,
                                article.published.map(SQLiteValue.text) ?? .null,
                                .integer(Self.milliseconds(article.receivedAt)),
                                article.body.map(SQLiteValue.text) ?? .null,
                            ])
                        if try Self.changes(connection) == 0 {
                            var original = article.id
                            try connection.query("SELECT id FROM articles WHERE content_id = ?", [.text(article.contentID)]) {
                                original = $0.text(0) ?? original
                            }
                            duplicates[index] = original
                            continue
                        }
                    }
                    // Numbered first, all of them, so a line may name another of its submission.
                    for entry in request.entries {
                        next += 1
                        entry.id.assign(next)
                    }
                    for entry in request.entries {
                        let line = entry.committed(as: entry.id.value ?? 0)
                        try connection.query(
                            "INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [
                                .integer(Int64(clamping: line.id)), .text(line.kind.rawValue), .text(line.rule),
                                .text(line.severity), .text(line.tags.joined(separator: "\u{1F}")),
                                line.dedupKey.map(SQLiteValue.text) ?? .null,
                                .integer(Self.milliseconds(line.createdAt)), .blob(line.json),
                            ])
                        committed.append(line)
                    }
                }
                if next > first {
                    try connection.query(
                        "INSERT INTO meta VALUES ('highest_id', ?) ON CONFLICT(key) DO UPDATE SET value = MAX(value, excluded.value)",
                        [.integer(Int64(clamping: next))])
                }
                try connection.execute("COMMIT")
                lastID.withLock { $0 = next }
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
        for (index, request) in batch.enumerated() where outcome != nil || duplicates[index] != nil {
            for entry in request.entries { entry.id.drop() }
        }
        if outcome == nil, !committed.isEmpty, let observer = observer.withLock({ $0 }) {
            observer.call(committed)
        }
        for (index, request) in batch.enumerated() {
            request.ticket.resolve(outcome, duplicateOf: outcome == nil ? duplicates[index] : nil)
        }
    }

    public func highestID() async throws -> UInt64 {
        try await readers.read { connection throws(StorageError) in
            var highest: UInt64 = 0
            try connection.query("SELECT COALESCE((SELECT value FROM meta WHERE key = 'highest_id'), (SELECT MAX(id) FROM log), 0)") {
                highest = UInt64($0.integer(0))
            }
            return highest
        }
    }

    public func entries(after id: UInt64, limit: Int) async throws -> [LogEntry] {
        try await read(
            "SELECT id, kind, rule, severity, tags, created_at, json FROM log WHERE id > ? AND kind != 'suppressed' ORDER BY id LIMIT ?",
            id, limit)
    }

    public func entries(before id: UInt64, limit: Int) async throws -> [LogEntry] {
        try await read(
            "SELECT id, kind, rule, severity, tags, created_at, json FROM log WHERE id < ? AND kind != 'suppressed' ORDER BY id DESC LIMIT ?",
            id, limit)
    }

    private func read(_ sql: String, _ id: UInt64, _ limit: Int) async throws -> [LogEntry] {
        try await readers.read { connection throws(StorageError) in
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
        try await readers.read { connection throws(StorageError) in
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
        try await readers.read { connection throws(StorageError) in
            var result: (UInt64, UInt64) = (0, 0)
            try connection.query("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM log") { row in
                result = (UInt64(row.integer(0)), UInt64(row.integer(1)))
            }
            return result
        }
    }

    public func article(contentID: String) async throws -> String? {
        try lookupArticle(contentID: contentID)
    }

    /// The duplicate lookup, synchronous: an indexed read of microseconds, on a connection only it uses.
    func lookupArticle(contentID: String) throws -> String? {
        try lookup.withLock { connection in
            var id: String?
            try connection.query("SELECT id FROM articles WHERE content_id = ?", [.text(contentID)]) { row in id = row.text(0) }
            return id
        }
    }

    public func dedupRecords(since date: Date) async throws -> [DedupRecord] {
        try await readers.read { connection throws(StorageError) in
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

    /// Prunes on the writer thread, between commits: the deletes take the write lock and may take a while, and
    /// must not hold a thread of Swift's cooperative pool meanwhile.
    public func prune(maximumAge: TimeInterval?, maximumCount: Int?, now: Date) async throws -> PruneOutcome {
        try await prune(maximumAge: maximumAge, maximumCount: maximumCount, archiveAge: nil, now: now)
    }

    public func pruneArchive(maximumAge: TimeInterval, now: Date) async throws -> Int {
        try await prune(maximumAge: nil, maximumCount: nil, archiveAge: maximumAge, now: now).texts
    }

    /// Deletes the lines retention no longer keeps, and the articles with them: those received before the age
    /// limit, and, with a count limit, those received before the oldest line kept. Articles are what duplicates
    /// are recognised by, so a story is recognised as long as the log covers the time it arrived.
    private func prune(maximumAge: TimeInterval?, maximumCount: Int?, archiveAge: TimeInterval?, now: Date) async throws
        -> PruneOutcome
    {
        try await write { connection throws(StorageError) in
            var outcome = PruneOutcome()
            if let maximumAge {
                let cutoff = SQLiteValue.integer(Self.milliseconds(now.addingTimeInterval(-maximumAge)))
                try connection.query("DELETE FROM log WHERE created_at < ?", [cutoff])
                outcome.lines += try Self.changes(connection)
                try connection.query("DELETE FROM articles WHERE received_at < ?", [cutoff])
                outcome.articles += try Self.changes(connection)
            }
            if let maximumCount {
                try connection.query(
                    "DELETE FROM log WHERE id <= (SELECT COALESCE(MAX(id), 0) FROM log) - ?", [.integer(Int64(maximumCount))])
                outcome.lines += try Self.changes(connection)
                // With no line left there is no time to anchor on: the articles stay (the age limit, if any,
                // still applies).
                try connection.query("DELETE FROM articles WHERE received_at < (SELECT MIN(created_at) FROM log)")
                outcome.articles += try Self.changes(connection)
            }
            if let archiveAge {
                let cutoff = SQLiteValue.integer(Self.milliseconds(now.addingTimeInterval(-archiveAge)))
                try connection.query("UPDATE articles SET body = NULL WHERE received_at < ? AND body IS NOT NULL", [cutoff])
                outcome.texts += try Self.changes(connection)
            }
            return outcome
        }
    }

    /// Runs `body` in a transaction of its own on the writer thread, between commits, and returns its result.
    func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(StorageError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job: @Sendable (SQLiteConnection) -> Void = { connection in
                do throws(StorageError) {
                    try connection.execute("BEGIN IMMEDIATE")
                    let result = try body(connection)
                    try connection.execute("COMMIT")
                    continuation.resume(returning: result)
                } catch {
                    try? connection.execute("ROLLBACK")
                    continuation.resume(throwing: error)
                }
            }
            let accepted = queue.withLock { queue -> Bool in
                guard !queue.closed else { return false }
                queue.jobs.append(job)
                return true
            }
            if accepted {
                wake.signal()
            } else {
                continuation.resume(throwing: StorageError("the alert store is closed"))
            }
        }
    }

    static func changes(_ connection: SQLiteConnection) throws(StorageError) -> Int {
        var changed = 0
        try connection.query("SELECT changes()") { changed = Int($0.integer(0)) }
        return changed
    }

    /// Finishes what was submitted, then ends the writer thread. Closing again returns at once.
    public func close() async {
        readers.close()
        await withCheckedContinuation { continuation in
            let finished = queue.withLock { queue -> Bool in
                queue.closed = true
                guard !queue.writerFinished else { return true }
                queue.closeWaiters.append(continuation)
                return false
            }
            if finished {
                continuation.resume()
            } else {
                wake.signal()
            }
        }
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
