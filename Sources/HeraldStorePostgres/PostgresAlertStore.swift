import Foundation
import HeraldStore
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// The alert log on PostgreSQL, so that several Herald nodes share one log (cluster mode, issue #18).
///
/// **Ids in commit order.** Every transaction that adds lines takes the row lock of the one-row table `log_head`
/// (`UPDATE log_head SET last_id = last_id + n RETURNING last_id`) after its article inserts and holds it to its
/// commit. Commits that add lines are therefore serialised, and a transaction's ids are all above those of every
/// transaction that committed before it: id order is commit order, across nodes. A reader that has seen every line
/// up to `n` can read "after `n`" and never skip a line that commits later — the trap of ids taken from a sequence at
/// insert, which commit out of order. The lock is held only for the log insert, the notification and the commit;
/// the article inserts (where duplicates across nodes are decided) come before it.
///
/// **Group commit.** One writer task per store takes every submission waiting at that moment into one transaction,
/// as the SQLite store does: one commit (one WAL flush, one turn of the head lock) for a burst of publishers.
///
/// **Duplicates at commit.** Articles are inserted with `ON CONFLICT (content_id) DO NOTHING`: when two nodes store
/// the same content at once, the second waits on the first's unique-index entry and then stores nothing; its
/// submission reports the first article's id (``CommitTicket/duplicateOf``).
///
/// **No blocking.** postgres-nio runs on NIO's event loops; the writer is a task that only awaits. Failing
/// connections are dropped and made again on the next use (``PostgresConnectionSlot``), so a database that went away
/// fails the submissions of that moment with a ``StorageError`` (a publisher's `storage_failed`, never a false `ok`)
/// and the store recovers by itself when it is back.
///
/// Each commit that adds lines also sends `NOTIFY herald_log, '<last id> <sender>'`: small, one per transaction, a
/// wake-up for other nodes (the table stays the truth); the sender skips its own.
public final class PostgresAlertStore: AlertStore {
    private struct Request: Sendable {
        var article: ArticleRecord?
        var entries: [NewLogEntry]
        var ticket: CommitTicket
    }

    private struct PruneRequest {
        var maximumAge: TimeInterval?
        var maximumCount: Int?
        var archiveAge: TimeInterval?
        var now: Date
        var continuation: CheckedContinuation<PruneOutcome, any Error>
    }

    private struct Queue {
        var pending: [Request] = []
        var prunes: [PruneRequest] = []
        var closed = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
        var writerFinished = false
        /// Lines other nodes committed may be waiting: read the log after ``delivered`` and hand them on.
        var catchUpRequested = false
    }

    /// The channel commits notify.
    public static let notificationChannel = "herald_log"
    /// Names this store in its notifications (`<last id> <sender>`), so that it can skip its own.
    private let notificationSender = String(UUID().uuidString.prefix(8))

    public let configuration: PostgresStoreConfiguration
    let logger: Logger
    private let queue = Mutex(Queue())
    private let wake: AsyncStream<Void>.Continuation
    private let writerConnection: PostgresConnectionSlot
    private let readerConnection: PostgresConnectionSlot
    private let observer = Mutex<LockedCallback<[LogEntry]>?>(nil)
    private let otherNodesObserver = Mutex<LockedCallback<[LogEntry]>?>(nil)
    /// The highest id handed to the commit observer; the writer task alone moves it.
    private let delivered: Mutex<UInt64>
    private let listenerConnection: PostgresConnectionSlot
    let controlConnection: PostgresConnectionSlot
    let commandHandler = Mutex<LockedCallback<String>?>(nil)
    /// Told when another node changed the silences (``SharedStateStore/observeSilenceChanges(_:)``).
    let silenceObserver = Mutex<LockedCallback<Void>?>(nil)
    private let health = Mutex<(current: StoreHealth, observer: LockedCallback<StoreHealth>?)>((.available, nil))
    /// The LISTEN loop and the periodic catch-up; cancelled by ``close()``.
    private let followers = Mutex<[Task<Void, Never>]>([])
    private let counters = Mutex((transactions: 0, requests: 0))
    /// Duplicate lookups waiting for the next grouped query, and whether one is running (``article(contentID:)``).
    private let lookups = Mutex<(waiting: [(contentID: String, continuation: CheckedContinuation<String?, any Error>)], running: Bool)>(([], false))

    /// The schema version found on open and the one it was migrated to; `nil` when it was current (or new).
    public let schemaMigration: (from: Int, to: Int)?

    /// Connects, migrates the schema to ``schemaVersion`` and starts the writer.
    ///
    /// - Throws: ``StorageError`` with a sentence for the operator: PostgreSQL unreachable or refusing the login,
    ///   the database missing, or a schema written by a newer Herald.
    public init(configuration: PostgresStoreConfiguration, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        let writer = PostgresConnectionSlot(configuration: configuration, role: "writer", logger: logger)
        writerConnection = writer
        readerConnection = PostgresConnectionSlot(configuration: configuration, role: "reader", logger: logger)
        listenerConnection = PostgresConnectionSlot(configuration: configuration, role: "listener", logger: logger)
        controlConnection = PostgresConnectionSlot(configuration: configuration, role: "control listener", logger: logger)
        let connection = try await writer.connection()
        var head: Int64 = 0
        do {
            schemaMigration = try await Self.migrate(connection, logger: logger, configuration: configuration)
            for try await value in try await connection.query("SELECT last_id FROM log_head", logger: logger).decode(Int64.self) {
                head = value
            }
        } catch {
            await writer.close()
            if let error = error as? StorageError { throw error }
            throw StorageError("reading the PostgreSQL alert log failed: \(PostgresErrorText.describe(error))")
        }
        // Lines committed before this node started are for replay, not for delivery.
        delivered = Mutex(UInt64(max(0, head)))
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wake = continuation
        Task { [self] in await self.runWriter(stream) }
        let listening = Task { [self] in await self.listen() }
        let polling = Task { [self] in await self.poll() }
        let control = Task { [self] in await self.listenForCommands() }
        followers.withLock { $0 = [listening, polling, control] }
    }

    // MARK: Schema

    /// The schema version this code reads and writes, kept in `herald_schema`.
    public static let schemaVersion = migrations.count

    /// Step `n` takes the schema from version `n` to `n + 1`, in one transaction with the version bump, under an
    /// advisory lock so that nodes starting together migrate once. Steps are only ever appended.
    static let migrations: [[String]] = [
        // 1: the tables; `log_head` holds the last id given, the lock that orders commits (see the type's notes).
        [
            """
            CREATE TABLE articles (
                content_id text PRIMARY KEY, id text NOT NULL, title text NOT NULL, source text, url text,
                published text, received_at bigint NOT NULL, body text)
            """,
            "CREATE INDEX articles_received ON articles (received_at)",
            """
            CREATE TABLE log (
                id bigint PRIMARY KEY, kind text NOT NULL, rule text NOT NULL, severity text NOT NULL,
                tags text NOT NULL, dedup_key text, created_at bigint NOT NULL, json bytea NOT NULL)
            """,
            "CREATE INDEX log_created ON log (created_at)",
            "CREATE TABLE log_head (one boolean PRIMARY KEY DEFAULT true CHECK (one), last_id bigint NOT NULL)",
            "INSERT INTO log_head VALUES (true, 0)",
        ],
        // 2: the nodes of a cluster, as each last announced itself (ClusterMembership).
        [
            "CREATE TABLE nodes (name text PRIMARY KEY, seen_at bigint NOT NULL, state bytea NOT NULL)"
        ],
        // 3: silences and feed state, which every node must see alike (SharedStateStore).
        [
            """
            CREATE TABLE silences (
                id bigserial PRIMARY KEY, rules text NOT NULL, reason text, created_by text NOT NULL,
                starts_at bigint NOT NULL, ends_at bigint NOT NULL, ended_by text)
            """,
            "CREATE TABLE feeds (url text PRIMARY KEY, etag text, last_modified text, seen text[] NOT NULL)",
        ],
    ]

    /// An arbitrary key for `pg_advisory_xact_lock`, Herald's migration lock.
    static let migrationLock: Int64 = 0x4845_5241_4C44_0001

    private static func migrate(
        _ connection: PostgresConnection, logger: Logger, configuration: PostgresStoreConfiguration
    ) async throws -> (from: Int, to: Int)? {
        var found: Int?
        do {
            try await connection.query("CREATE TABLE IF NOT EXISTS herald_schema (version integer NOT NULL)", logger: logger)
            while true {
                let done = try await connection.withTransaction(logger: logger) { connection -> Bool in
                    try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
                    var version = 0
                    var hasRow = false
                    for try await value in try await connection.query("SELECT version FROM herald_schema", logger: logger)
                        .decode(Int.self)
                    {
                        version = value
                        hasRow = true
                    }
                    if found == nil { found = version }
                    guard version <= schemaVersion else {
                        throw StorageError(
                            "the PostgreSQL database \(configuration.database) has Herald schema version \(version), but this Herald "
                                + "knows versions up to \(schemaVersion): it was written by a newer Herald. Run that version")
                    }
                    guard version < schemaVersion else { return true }
                    for statement in migrations[version] {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    let next = version + 1
                    if hasRow {
                        try await connection.query("UPDATE herald_schema SET version = \(next)", logger: logger)
                    } else {
                        try await connection.query("INSERT INTO herald_schema VALUES (\(next))", logger: logger)
                    }
                    logger.info("migrated the PostgreSQL schema", metadata: ["from": "\(version)", "to": "\(next)"])
                    return false
                }
                if done { break }
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(
                "the Herald schema in PostgreSQL database \(configuration.database) cannot be set up: \(PostgresErrorText.describe(error))")
        }
        guard let found, found > 0, found < schemaVersion else { return nil }
        return (found, schemaVersion)
    }

    // MARK: Writing

    /// How many transactions and submissions the writer has run.
    public var commitCounters: (transactions: Int, requests: Int) { counters.withLock { $0 } }

    public func observeCommits(_ observer: @escaping @Sendable ([LogEntry]) -> Void) {
        self.observer.withLock { $0 = LockedCallback(observer) }
    }

    public func observeOtherNodes(_ observer: @escaping @Sendable ([LogEntry]) -> Void) {
        otherNodesObserver.withLock { $0 = LockedCallback(observer) }
    }

    public func observeHealth(_ observer: @escaping @Sendable (StoreHealth) -> Void) {
        health.withLock { $0.observer = LockedCallback(observer) }
    }

    /// Tells the health observer when the database went away or came back (only on a change).
    private func report(_ new: StoreHealth) {
        let observer: LockedCallback<StoreHealth>? = health.withLock { health in
            guard health.current != new else { return nil }
            let wasAvailable = health.current == .available
            health.current = new
            // One report per outage: a changed reason while still unavailable is no news.
            if case .unavailable = new, !wasAvailable { return nil }
            return health.observer
        }
        guard let observer else { return }
        switch new {
        case .available:
            logger.notice("PostgreSQL is reachable again", metadata: ["server": "\(configuration)"])
        case .unavailable(let reason):
            logger.error("PostgreSQL is unreachable", metadata: ["server": "\(configuration)", "reason": "\(reason)"])
        }
        observer.call(new)
    }

    public func submit(article: ArticleRecord?, entries: [NewLogEntry]) -> CommitTicket {
        let ticket = CommitTicket()
        let accepted = queue.withLock { queue -> Bool in
            guard !queue.closed else { return false }
            queue.pending.append(Request(article: article, entries: entries, ticket: ticket))
            return true
        }
        guard accepted else { return .resolved(StorageError("the alert store is closed")) }
        wake.yield()
        return ticket
    }

    private func runWriter(_ wakeups: AsyncStream<Void>) async {
        for await _ in wakeups {
            while true {
                let (batch, prunes, catchUp, closing) = queue.withLock { queue in
                    let batch = queue.pending
                    let prunes = queue.prunes
                    let catchUp = queue.catchUpRequested
                    queue.pending = []
                    queue.prunes = []
                    queue.catchUpRequested = false
                    return (batch, prunes, catchUp, queue.closed)
                }
                if !batch.isEmpty { await write(batch) }
                for request in prunes { await prune(request) }
                if catchUp && !closing { await self.catchUp() }
                if batch.isEmpty && prunes.isEmpty && !catchUp {
                    if closing {
                        finishWriter()
                        return
                    }
                    break
                }
            }
        }
        finishWriter()
    }

    private func finishWriter() {
        let waiters = queue.withLock { queue in
            let waiters = queue.closeWaiters
            queue.closeWaiters = []
            queue.writerFinished = true
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// One transaction for the batch; see the type's notes for the order of its steps and why.
    private func write(_ batch: [Request]) async {
        var duplicates = [String?](repeating: nil, count: batch.count)
        var committed: [LogEntry] = []
        var failure: StorageError?
        let started = ContinuousClock.now
        // A connection the server ended (a restart, a failover) may not look closed until it is used: when BEGIN
        // fails on it, nothing was sent, and the batch is tried once more on a new connection.
        for attempt in 1...2 {
            var retryable = false
            failure = nil
            duplicates = [String?](repeating: nil, count: batch.count)
            committed = []
            do {
                let connection = try await writerConnection.connection()
                do {
                    (duplicates, committed) = try await withDeadline(
                        configuration.operationTimeout, on: connection, logger: logger, what: "commit"
                    ) { [self] in
                        try await connection.withTransaction(logger: logger) { connection in
                            let duplicates = try await self.insertArticles(batch, on: connection)
                            var committed: [LogEntry] = []
                            let count = batch.indices.filter { duplicates[$0] == nil }.reduce(0) { $0 + batch[$1].entries.count }
                            guard count > 0 else { return (duplicates, committed) }
                            var last: Int64 = 0
                            for try await value in try await connection.query(
                                "UPDATE log_head SET last_id = last_id + \(Int64(count)) RETURNING last_id", logger: self.logger
                            ).decode(Int64.self) {
                                last = value
                            }
                            var next = UInt64(last) - UInt64(count)
                            for index in batch.indices where duplicates[index] == nil {
                                for entry in batch[index].entries {
                                    next += 1
                                    entry.id.assign(next)
                                }
                            }
                            for index in batch.indices where duplicates[index] == nil {
                                for entry in batch[index].entries { committed.append(entry.committed(as: entry.id.value ?? 0)) }
                            }
                            try await self.insertLines(committed, notifying: UInt64(last), on: connection)
                            return (duplicates, committed)
                        }
                    }
                } catch {
                    await writerConnection.discard(connection)
                    throw error
                }
            } catch let error as StorageError {
                failure = error
            } catch {
                failure = StorageError("PostgreSQL did not store the batch: \(PostgresErrorText.describe(error))")
                if let error = error as? PostgresTransactionError, let begin = error.beginError,
                    PostgresErrorText.isConnectionError(begin)
                {
                    retryable = true
                }
            }
            guard attempt == 1, retryable, let failure else { break }
            logger.debug("retrying a batch on a new connection", metadata: ["error": "\(failure)"])
        }
        counters.withLock {
            $0.transactions += 1
            $0.requests += batch.count
        }
        if let failure {
            logger.error(
                "storing a batch in PostgreSQL failed",
                metadata: ["submissions": "\(batch.count)", "error": "\(failure)", "server": "\(configuration)"])
            report(.unavailable(reason: failure.message))
        } else {
            report(.available)
            logger.trace(
                "committed", metadata: ["submissions": "\(batch.count)", "lines": "\(committed.count)", "took": "\(ContinuousClock.now - started)"])
        }
        for (index, request) in batch.enumerated() where failure != nil || duplicates[index] != nil {
            for entry in request.entries { entry.id.drop() }
        }
        if failure == nil, !committed.isEmpty {
            await deliverOwn(committed)
        }
        for (index, request) in batch.enumerated() {
            request.ticket.resolve(failure, duplicateOf: failure == nil ? duplicates[index] : nil)
        }
    }

    /// Inserts the batch's articles, skipping content already held; returns, per submission, the article id its
    /// content was first stored under when it was a duplicate.
    private func insertArticles(_ batch: [Request], on connection: PostgresConnection) async throws -> [String?] {
        var duplicates = [String?](repeating: nil, count: batch.count)
        // Sorted by content id, so two nodes inserting overlapping batches take the index entries in one order.
        let withArticles = batch.indices.filter { batch[$0].article != nil }
            .sorted { (batch[$0].article?.contentID ?? "") < (batch[$1].article?.contentID ?? "") }
        guard !withArticles.isEmpty else { return duplicates }
        let articles = withArticles.compactMap { batch[$0].article }
        var inserted: Set<String> = []
        for try await contentID in try await connection.query(
            """
            INSERT INTO articles (content_id, id, title, source, url, published, received_at, body)
            SELECT c, i, t, CASE WHEN hs THEN s END, CASE WHEN hu THEN u END, CASE WHEN hp THEN p END, r,
                CASE WHEN hb THEN b END
            FROM unnest(\(articles.map(\.contentID)), \(articles.map(\.id)), \(articles.map(\.title)),
                \(articles.map { $0.source ?? "" }), \(articles.map { $0.source != nil }),
                \(articles.map { $0.url ?? "" }), \(articles.map { $0.url != nil }),
                \(articles.map { $0.published ?? "" }), \(articles.map { $0.published != nil }),
                \(articles.map { Self.milliseconds($0.receivedAt) }),
                \(articles.map { $0.body ?? "" }), \(articles.map { $0.body != nil }))
                AS a(c, i, t, s, hs, u, hu, p, hp, r, b, hb)
            ON CONFLICT (content_id) DO NOTHING
            RETURNING content_id
            """, logger: logger
        ).decode(String.self) {
            inserted.insert(contentID)
        }
        // The first submission of each inserted content id is the one stored; the others are its duplicates.
        var stored: [String: String] = [:]
        var missing: [String] = []
        for index in batch.indices {
            guard let article = batch[index].article else { continue }
            if let first = stored[article.contentID] {
                duplicates[index] = first
            } else if inserted.contains(article.contentID) {
                stored[article.contentID] = article.id
            } else {
                missing.append(article.contentID)
            }
        }
        guard !missing.isEmpty else { return duplicates }
        var held: [String: String] = [:]
        for try await (contentID, id) in try await connection.query(
            "SELECT content_id, id FROM articles WHERE content_id = ANY(\(missing))", logger: logger
        ).decode((String, String).self) {
            held[contentID] = id
        }
        for index in batch.indices {
            guard let article = batch[index].article, duplicates[index] == nil, stored[article.contentID] == nil else { continue }
            duplicates[index] = held[article.contentID] ?? article.id
        }
        return duplicates
    }

    /// Inserts the lines and queues the commit's notification in one statement: one round trip fewer while the
    /// head lock is held.
    private func insertLines(_ lines: [LogEntry], notifying last: UInt64, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            WITH inserted AS (
            INSERT INTO log (id, kind, rule, severity, tags, dedup_key, created_at, json)
            SELECT i, k, r, s, t, CASE WHEN hd THEN d END, c, j
            FROM unnest(\(lines.map { Int64(clamping: $0.id) }), \(lines.map(\.kind.rawValue)), \(lines.map(\.rule)),
                \(lines.map(\.severity)), \(lines.map { $0.tags.joined(separator: "\u{1F}") }),
                \(lines.map { $0.dedupKey ?? "" }), \(lines.map { $0.dedupKey != nil }),
                \(lines.map { Self.milliseconds($0.createdAt) }), \(lines.map { ByteBuffer(bytes: $0.json) }))
                AS l(i, k, r, s, t, d, hd, c, j)
            RETURNING 1)
            SELECT pg_notify(\(Self.notificationChannel), \("\(last) \(notificationSender)"))
            """, logger: logger)
    }

    // MARK: Delivering every node's lines

    /// Hands this node's just-committed lines to the observer, after any lines other nodes committed below them
    /// that it has not had yet. Ids are in commit order, so once this commit is done every smaller id is committed
    /// and readable: the gap is read whole. Runs on the writer task, like ``catchUp()``, so deliveries never
    /// interleave and the observer sees every line once, in id order.
    private func deliverOwn(_ lines: [LogEntry]) async {
        guard let first = lines.first?.id else { return }
        let last = delivered.withLock { $0 }
        if first > last + 1 {
            do {
                var after = last
                while after + 1 < first {
                    let gap = try await committedLines(after: after, below: first, limit: 1000)
                    guard let newest = gap.last?.id else { break }
                    deliver(gap, fromOtherNodes: true)
                    after = newest
                }
            } catch {
                // These lines are durable; they reach subscribers with the gap, in order, when the log can be read.
                logger.warning(
                    "cannot read other nodes' lines before delivering this node's; delivering them later",
                    metadata: ["after": "\(last)", "below": "\(first)", "error": "\(error)"])
                requestCatchUp()
                return
            }
        }
        deliver(lines, fromOtherNodes: false)
    }

    /// Reads and delivers every line committed after the last one delivered: other nodes' lines, woken by their
    /// NOTIFY or the periodic check; or this node's, when delivering them right after their commit failed.
    private func catchUp() async {
        do {
            while true {
                let after = delivered.withLock { $0 }
                let lines = try await committedLines(after: after, below: nil, limit: 1000)
                report(.available)
                guard !lines.isEmpty else { return }
                deliver(lines, fromOtherNodes: true)
            }
        } catch {
            logger.warning(
                "cannot read the alert log to deliver other nodes' lines; retrying", metadata: ["error": "\(error)"])
            report(.unavailable(reason: (error as? StorageError)?.message ?? "\(error)"))
        }
    }

    /// Hands lines to the commit observer, and other nodes' lines also to the observer of those (the engine, for its
    /// dedup windows and throttles). A catch-up after this node failed to deliver its own lines counts them as other
    /// nodes' too: rare, and it only makes a throttle count them twice.
    private func deliver(_ lines: [LogEntry], fromOtherNodes: Bool) {
        guard let newest = lines.last?.id else { return }
        let fresh: [LogEntry] = delivered.withLock { delivered in
            let fresh = lines.filter { $0.id > delivered }
            delivered = max(delivered, newest)
            return fresh
        }
        if !fresh.isEmpty, let observer = observer.withLock({ $0 }) { observer.call(fresh) }
        if fromOtherNodes, !fresh.isEmpty, let observer = otherNodesObserver.withLock({ $0 }) { observer.call(fresh) }
    }

    private func requestCatchUp() {
        queue.withLock { $0.catchUpRequested = true }
        wake.yield()
    }

    /// Every kind of line (the observer decides what to push), oldest first.
    private func committedLines(after: UInt64, below: UInt64?, limit: Int) async throws -> [LogEntry] {
        let upper = Int64(clamping: below ?? UInt64(Int64.max))
        return try await lines(
            """
            SELECT id, kind, rule, severity, tags, created_at, json, dedup_key FROM log
            WHERE id > \(Int64(clamping: after)) AND id < \(upper) ORDER BY id LIMIT \(limit)
            """)
    }

    /// LISTENs for other nodes' commits: each notification (its payload the commit's last id) wakes a catch-up.
    /// After every (re)connection a catch-up runs too, for what was committed while not listening.
    private func listen() async {
        while !Task.isCancelled {
            do {
                let connection = try await listenerConnection.connection()
                do {
                    try await connection.listen(on: Self.notificationChannel) { notifications in
                        requestCatchUp()
                        for try await notification in notifications {
                            // "<last id> <sender>": this store's own commits are delivered by its writer as they
                            // commit, so reading the log again for them would only hold the writer up.
                            let words = notification.payload.split(separator: " ")
                            guard words.count < 2 || words[1] != notificationSender else { continue }
                            let last = words.first.flatMap { UInt64($0) } ?? .max
                            if last > delivered.withLock({ $0 }) { requestCatchUp() }
                        }
                    }
                } catch {
                    await listenerConnection.discard(connection)
                    throw error
                }
            } catch {
                if Task.isCancelled { return }
                report(.unavailable(reason: (error as? StorageError)?.message ?? PostgresErrorText.describe(error)))
                logger.warning(
                    "not listening for other nodes' commits; reconnecting",
                    metadata: ["error": "\(PostgresErrorText.describe(error))", "server": "\(configuration)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// A catch-up every second whatever the notifications say: a connection that died without a word, or a
    /// notification lost with it, delays other nodes' lines by a second at most, never for good.
    private func poll() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if Task.isCancelled { return }
            requestCatchUp()
        }
    }

    // MARK: Reading

    /// Runs `body` on the reader connection, dropping the connection if it failed.
    func read<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await readOnce(what, body)
        } catch let error as RetryableRead {
            // Reads change nothing: one more try on a new connection, for one the server ended unnoticed.
            logger.debug("retrying a read on a new connection", metadata: ["error": "\(error.failure)"])
            do {
                return try await readOnce(what, body)
            } catch let error as RetryableRead {
                report(.unavailable(reason: error.failure.message))
                throw error.failure
            }
        }
    }

    /// Runs `body` on the reader connection once, dropping the connection if it failed: for the few writes made
    /// there (silences), which must not run twice.
    func writeOnce<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await readOnce(what, body)
        } catch let error as RetryableRead {
            report(.unavailable(reason: error.failure.message))
            throw error.failure
        }
    }

    /// A read that failed on its connection (not refused by the server): worth one more try.
    private struct RetryableRead: Error {
        var failure: StorageError
    }

    private func readOnce<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let connection: PostgresConnection
        do {
            connection = try await readerConnection.connection()
        } catch {
            report(.unavailable(reason: (error as? StorageError)?.message ?? "\(error)"))
            throw error
        }
        do {
            let result = try await withDeadline(configuration.operationTimeout, on: connection, logger: logger, what: "read") {
                try await body(connection)
            }
            report(.available)
            return result
        } catch {
            await readerConnection.discard(connection)
            let failure = error as? StorageError
                ?? StorageError("reading \(what) from PostgreSQL failed: \(PostgresErrorText.describe(error))")
            guard PostgresErrorText.isConnectionError(error) else { throw failure }
            throw RetryableRead(failure: failure)
        }
    }

    public func highestID() async throws -> UInt64 {
        try await read("the highest id") { [self] connection in
            var highest: Int64 = 0
            for try await value in try await connection.query("SELECT last_id FROM log_head", logger: logger).decode(Int64.self) {
                highest = value
            }
            return UInt64(max(0, highest))
        }
    }

    public func entries(after id: UInt64, limit: Int) async throws -> [LogEntry] {
        try await lines(
            """
            SELECT id, kind, rule, severity, tags, created_at, json, dedup_key FROM log
            WHERE id > \(Int64(clamping: id)) AND kind <> 'suppressed' ORDER BY id LIMIT \(limit)
            """)
    }

    public func entries(before id: UInt64, limit: Int) async throws -> [LogEntry] {
        try await lines(
            """
            SELECT id, kind, rule, severity, tags, created_at, json, dedup_key FROM log
            WHERE id < \(Int64(clamping: id)) AND kind <> 'suppressed' ORDER BY id DESC LIMIT \(limit)
            """)
    }

    private func lines(_ query: PostgresQuery) async throws -> [LogEntry] {
        try await read("log lines") { [self] connection in
            var entries: [LogEntry] = []
            for try await (id, kind, rule, severity, tags, createdAt, json, dedupKey) in try await connection.query(
                query, logger: logger
            ).decode((Int64, String, String, String, String, Int64, ByteBuffer, String?).self)
            {
                entries.append(
                    LogEntry(
                        id: UInt64(id), kind: LogEntry.Kind(rawValue: kind) ?? .alert, rule: rule, severity: severity,
                        tags: tags.isEmpty ? [] : tags.split(separator: "\u{1F}").map(String.init),
                        createdAt: Date(timeIntervalSince1970: Double(createdAt) / 1000), json: Array(buffer: json),
                        dedupKey: dedupKey))
            }
            return entries
        }
    }

    public func firstID(since date: Date) async throws -> UInt64? {
        try await read("a time's first id") { [self] connection in
            var found: Int64?
            for try await value in try await connection.query(
                "SELECT MIN(id) FROM log WHERE created_at >= \(Self.milliseconds(date))", logger: logger
            ).decode(Int64?.self) {
                found = value
            }
            return found.map { UInt64($0) }
        }
    }

    public func bounds() async throws -> (oldest: UInt64, newest: UInt64) {
        let (oldest, newest) = try await read("the log's bounds") { [self] connection in
            var bounds: (Int64, Int64) = (0, 0)
            for try await row in try await connection.query(
                "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM log", logger: logger
            ).decode((Int64, Int64).self) {
                bounds = row
            }
            return bounds
        }
        return (UInt64(oldest), UInt64(newest))
    }

    /// The engine asks this once for every article its cache does not know — for new content, every article. On
    /// one connection each ask would be a round trip of its own, one after the other, and publishers would queue
    /// for it before they ever reach the writer's group commit. So asks are grouped like commits: every ask waiting
    /// while a lookup runs goes into the next one, one `= ANY(…)` query for all of them.
    public func article(contentID: String) async throws -> String? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String?, any Error>) in
            let first = lookups.withLock { lookups -> Bool in
                lookups.waiting.append((contentID, continuation))
                guard !lookups.running else { return false }
                lookups.running = true
                return true
            }
            if first { Task { await self.runLookups() } }
        }
    }

    /// Looks up every waiting content id in one query, until none is waiting.
    private func runLookups() async {
        while true {
            let batch = lookups.withLock { lookups in
                let batch = lookups.waiting
                lookups.waiting = []
                if batch.isEmpty { lookups.running = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let contentIDs = Array(Set(batch.map(\.contentID)))
            do {
                let found = try await read("articles") { [self] connection in
                    var found: [String: String] = [:]
                    for try await (contentID, id) in try await connection.query(
                        "SELECT content_id, id FROM articles WHERE content_id = ANY(\(contentIDs))", logger: logger
                    ).decode((String, String).self) {
                        found[contentID] = id
                    }
                    return found
                }
                for (contentID, continuation) in batch { continuation.resume(returning: found[contentID]) }
            } catch {
                for (_, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
    }

    public func dedupRecords(since date: Date) async throws -> [DedupRecord] {
        try await read("dedup records") { [self] connection in
            var records: [DedupRecord] = []
            for try await (id, rule, key, createdAt) in try await connection.query(
                """
                SELECT id, rule, dedup_key, created_at FROM log
                WHERE kind = 'alert' AND dedup_key IS NOT NULL AND created_at >= \(Self.milliseconds(date)) ORDER BY id
                """, logger: logger
            ).decode((Int64, String, String, Int64).self) {
                records.append(
                    DedupRecord(
                        id: UInt64(id), rule: rule, dedupKey: key, createdAt: Date(timeIntervalSince1970: Double(createdAt) / 1000)))
            }
            return records
        }
    }

    // MARK: Retention

    public func prune(maximumAge: TimeInterval?, maximumCount: Int?, now: Date) async throws -> PruneOutcome {
        try await prune(maximumAge: maximumAge, maximumCount: maximumCount, archiveAge: nil, now: now)
    }

    public func pruneArchive(maximumAge: TimeInterval, now: Date) async throws -> Int {
        try await prune(maximumAge: nil, maximumCount: nil, archiveAge: maximumAge, now: now).texts
    }

    /// Prunes on the writer, between commits, as the SQLite store does.
    private func prune(maximumAge: TimeInterval?, maximumCount: Int?, archiveAge: TimeInterval?, now: Date) async throws
        -> PruneOutcome
    {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = queue.withLock { queue -> Bool in
                guard !queue.closed else { return false }
                queue.prunes.append(
                    PruneRequest(
                        maximumAge: maximumAge, maximumCount: maximumCount, archiveAge: archiveAge, now: now,
                        continuation: continuation))
                return true
            }
            if accepted {
                wake.yield()
            } else {
                continuation.resume(throwing: StorageError("the alert store is closed"))
            }
        }
    }

    private func prune(_ request: PruneRequest) async {
        do {
            let connection = try await writerConnection.connection()
            do {
                let outcome = try await withDeadline(configuration.operationTimeout, on: connection, logger: logger, what: "prune") { [self] in
                    try await connection.withTransaction(logger: logger) { connection -> PruneOutcome in
                        var outcome = PruneOutcome()
                        if let maximumAge = request.maximumAge {
                            let cutoff = Self.milliseconds(request.now.addingTimeInterval(-maximumAge))
                            outcome.lines += try await Self.count(
                                connection.query(
                                    "WITH d AS (DELETE FROM log WHERE created_at < \(cutoff) RETURNING 1) SELECT count(*) FROM d",
                                    logger: logger))
                            outcome.articles += try await Self.count(
                                connection.query(
                                    "WITH d AS (DELETE FROM articles WHERE received_at < \(cutoff) RETURNING 1) SELECT count(*) FROM d",
                                    logger: logger))
                        }
                        if let maximumCount = request.maximumCount {
                            outcome.lines += try await Self.count(
                                connection.query(
                                    """
                                    WITH d AS (DELETE FROM log WHERE id <= (SELECT COALESCE(MAX(id), 0) FROM log) - \(Int64(maximumCount))
                                        RETURNING 1) SELECT count(*) FROM d
                                    """, logger: logger))
                            // With no line left there is no time to anchor on: the articles stay.
                            outcome.articles += try await Self.count(
                                connection.query(
                                    """
                                    WITH d AS (DELETE FROM articles WHERE received_at < (SELECT MIN(created_at) FROM log)
                                        RETURNING 1) SELECT count(*) FROM d
                                    """, logger: logger))
                        }
                        if let archiveAge = request.archiveAge {
                            let cutoff = Self.milliseconds(request.now.addingTimeInterval(-archiveAge))
                            outcome.texts += try await Self.count(
                                connection.query(
                                    """
                                    WITH d AS (UPDATE articles SET body = NULL WHERE received_at < \(cutoff) AND body IS NOT NULL
                                        RETURNING 1) SELECT count(*) FROM d
                                    """, logger: logger))
                        }
                        return outcome
                }
                }
                request.continuation.resume(returning: outcome)
            } catch {
                await writerConnection.discard(connection)
                throw error
            }
        } catch {
            let failure = error as? StorageError ?? StorageError("pruning in PostgreSQL failed: \(PostgresErrorText.describe(error))")
            request.continuation.resume(throwing: failure)
        }
    }

    /// The one number a `SELECT count(*)` returned.
    private static func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await value in rows.decode(Int64.self) { count = Int(value) }
        return count
    }

    // MARK: Closing

    /// Finishes what was submitted, ends the writer and closes the connections. Closing again returns at once.
    public func close() async {
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
                wake.yield()
            }
        }
        wake.finish()
        for task in followers.withLock({ $0 }) { task.cancel() }
        await listenerConnection.close()
        await controlConnection.close()
        await writerConnection.close()
        await readerConnection.close()
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
