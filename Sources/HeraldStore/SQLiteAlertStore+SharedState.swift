import Foundation

/// Silences and feed state in the log's file: writes on the writer thread between commits, reads on the readers.
extension SQLiteAlertStore {
    /// How long an ended silence is kept (for nodes that ask what ended since): a day.
    static let endedSilenceRetention: TimeInterval = 86_400

    public func addSilence(_ silence: SilenceRecord) async throws -> SilenceRecord {
        try await write { connection throws(StorageError) in
            try connection.query(
                "DELETE FROM silences WHERE ends_at < ?",
                [.integer(Self.milliseconds(silence.startsAt.addingTimeInterval(-Self.endedSilenceRetention)))])
            var stored = silence
            try connection.query(
                """
                INSERT INTO silences (rules, reason, created_by, starts_at, ends_at, ended_by) VALUES (?, ?, ?, ?, ?, NULL)
                RETURNING id
                """,
                [
                    .text(silence.rules), silence.reason.map(SQLiteValue.text) ?? .null, .text(silence.createdBy),
                    .integer(Self.milliseconds(silence.startsAt)), .integer(Self.milliseconds(silence.endsAt)),
                ]
            ) { stored.id = UInt64($0.integer(0)) }
            stored.endedBy = nil
            return stored
        }
    }

    public func endSilence(id: UInt64, endedBy: String, now: Date) async throws -> SilenceRecord? {
        try await write { connection throws(StorageError) in
            var ended: SilenceRecord?
            try connection.query(
                """
                UPDATE silences SET ends_at = ?, ended_by = ? WHERE id = ? AND ends_at > ?
                RETURNING id, rules, reason, created_by, starts_at, ends_at, ended_by
                """,
                [
                    .integer(Self.milliseconds(now)), .text(endedBy), .integer(Int64(clamping: id)),
                    .integer(Self.milliseconds(now)),
                ]
            ) { ended = Self.silence($0) }
            return ended
        }
    }

    public func silences(endingAfter date: Date) async throws -> [SilenceRecord] {
        try await readers.read { connection throws(StorageError) in
            var silences: [SilenceRecord] = []
            try connection.query(
                "SELECT id, rules, reason, created_by, starts_at, ends_at, ended_by FROM silences WHERE ends_at > ? ORDER BY id",
                [.integer(Self.milliseconds(date))]
            ) { silences.append(Self.silence($0)) }
            return silences
        }
    }

    public func feedState(_ feed: String) async throws -> FeedState? {
        try await readers.read { connection throws(StorageError) in
            var state: FeedState?
            try connection.query("SELECT etag, last_modified, seen FROM feeds WHERE url = ?", [.text(feed)]) { row in
                let seen = row.text(2) ?? ""
                state = FeedState(
                    etag: row.text(0), lastModified: row.text(1),
                    seen: seen.isEmpty ? [] : seen.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init))
            }
            return state
        }
    }

    public func saveFeedState(_ feed: String, _ state: FeedState) async throws {
        try await write { connection throws(StorageError) in
            try connection.query(
                """
                INSERT INTO feeds (url, etag, last_modified, seen) VALUES (?, ?, ?, ?)
                ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, seen = excluded.seen
                """,
                [
                    .text(feed), state.etag.map(SQLiteValue.text) ?? .null, state.lastModified.map(SQLiteValue.text) ?? .null,
                    .text(state.seen.joined(separator: "\u{1F}")),
                ])
        }
    }

    private static func silence(_ row: SQLiteRow) -> SilenceRecord {
        SilenceRecord(
            id: UInt64(row.integer(0)), rules: row.text(1) ?? "", reason: row.text(2), createdBy: row.text(3) ?? "",
            startsAt: Date(timeIntervalSince1970: Double(row.integer(4)) / 1000),
            endsAt: Date(timeIntervalSince1970: Double(row.integer(5)) / 1000), endedBy: row.text(6))
    }
}
