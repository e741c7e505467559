import Foundation

/// The archive of a SQLite alert log, opened read-only: `herald backtest` reads it beside a running server (WAL
/// lets a reader in while the server writes) and cannot change it.
public final class SQLiteArticleArchive: ArticleArchive {
    private let connection: SQLiteConnection
    public let path: String

    /// Opens the log at `path` for reading.
    ///
    /// - Throws: ``StorageError`` when there is no log there, or its schema is older than the archive (written by
    ///   a Herald that kept no texts: start the server with this one once to migrate it) or newer than this Herald.
    public init(path: String) throws(StorageError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StorageError("no alert log at \(path): give the server's data folder with --data")
        }
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA query_only=1")
        var version = 0
        try connection.query("PRAGMA user_version") { version = Int($0.integer(0)) }
        guard version >= 3 else {
            throw StorageError(
                "\(path) has schema version \(version), from before the archive: it holds no article texts. "
                    + "Start `herald serve` on it once to migrate it; articles arriving after that are archived")
        }
        guard version <= SQLiteAlertStore.schemaVersion else {
            throw StorageError(
                "\(path) has schema version \(version), but this Herald knows versions up to "
                    + "\(SQLiteAlertStore.schemaVersion): use the Herald that wrote it")
        }
    }

    public func forEachArticle(since: Date, newestFirst: Bool, _ body: (ArchivedArticle) throws -> Void) throws {
        var failure: (any Error)?
        let order = newestFirst ? "received_at DESC, rowid DESC" : "received_at, rowid"
        try connection.query(
            """
            SELECT content_id, id, title, source, url, published, received_at, body FROM articles
            WHERE received_at >= ? AND body IS NOT NULL ORDER BY \(order)
            """, [.integer(SQLiteAlertStore.milliseconds(since))]
        ) { row in
            guard failure == nil else { return }
            let receivedAt = Date(timeIntervalSince1970: Double(row.integer(6)) / 1000)
            let record = ArticleRecord(
                contentID: row.text(0) ?? "", id: row.text(1) ?? "", title: row.text(2) ?? "", source: row.text(3),
                url: row.text(4), published: row.text(5), receivedAt: receivedAt)
            do {
                try body(ArchivedArticle(record: record, body: row.text(7) ?? ""))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    public func forEachLoggedMatch(since: Date, _ body: (LoggedMatch) throws -> Void) throws {
        var failure: (any Error)?
        try connection.query(
            """
            SELECT id, kind, rule, created_at, json FROM log
            WHERE created_at >= ? AND kind IN ('alert', 'update', 'suppressed') ORDER BY id
            """, [.integer(SQLiteAlertStore.milliseconds(since))]
        ) { row in
            guard failure == nil, let kind = LogEntry.Kind(rawValue: row.text(1) ?? "") else { return }
            let match = LoggedMatch(
                id: UInt64(row.integer(0)), kind: kind, rule: row.text(2) ?? "",
                createdAt: Date(timeIntervalSince1970: Double(row.integer(3)) / 1000), json: row.blob(4))
            do {
                try body(match)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }
}
