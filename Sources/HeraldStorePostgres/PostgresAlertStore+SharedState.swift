import Foundation
import HeraldStore
import Logging
import NIOCore
import PostgresNIO

/// Silences and feed state in the tables `silences` and `feeds`, shared by every node. A node that adds or ends a
/// silence says so on `herald_control` once it committed; every node (itself included) then reads the silences
/// again, and reads them once more whenever its control listener reconnects, for news it may have missed.
extension PostgresAlertStore {
    /// How long an ended silence is kept (for nodes that ask what ended since): a day.
    static let endedSilenceRetention: TimeInterval = 86_400

    public func addSilence(_ silence: SilenceRecord) async throws -> SilenceRecord {
        try await writeOnce("a new silence") { [self] connection in
            try await connection.withTransaction(logger: logger) { connection -> SilenceRecord in
                let cutoff = Self.milliseconds(silence.startsAt.addingTimeInterval(-Self.endedSilenceRetention))
                try await connection.query("DELETE FROM silences WHERE ends_at < \(cutoff)", logger: logger)
                var stored = silence
                stored.endedBy = nil
                for try await id in try await connection.query(
                    """
                    INSERT INTO silences (rules, reason, created_by, starts_at, ends_at)
                    VALUES (\(silence.rules), \(silence.reason), \(silence.createdBy), \(Self.milliseconds(silence.startsAt)),
                        \(Self.milliseconds(silence.endsAt)))
                    RETURNING id
                    """, logger: logger
                ).decode(Int64.self) {
                    stored.id = UInt64(id)
                }
                // Delivered at the commit: the other nodes read the silence once it is there.
                try await connection.query("SELECT pg_notify(\(Self.controlChannel), \(Self.silencesChanged))", logger: logger)
                return stored
            }
        }
    }

    public func endSilence(id: UInt64, endedBy: String, now: Date) async throws -> SilenceRecord? {
        try await writeOnce("ending a silence") { [self] connection in
            try await connection.withTransaction(logger: logger) { connection -> SilenceRecord? in
                let at = Self.milliseconds(now)
                var ended: SilenceRecord?
                for try await row in try await connection.query(
                    """
                    UPDATE silences SET ends_at = \(at), ended_by = \(endedBy) WHERE id = \(Int64(clamping: id)) AND ends_at > \(at)
                    RETURNING id, rules, reason, created_by, starts_at, ends_at, ended_by
                    """, logger: logger
                ).decode((Int64, String, String?, String, Int64, Int64, String?).self) {
                    ended = Self.silence(row)
                }
                if ended != nil {
                    try await connection.query("SELECT pg_notify(\(Self.controlChannel), \(Self.silencesChanged))", logger: logger)
                }
                return ended
            }
        }
    }

    public func silences(endingAfter date: Date) async throws -> [SilenceRecord] {
        try await read("the silences") { [self] connection in
            var silences: [SilenceRecord] = []
            for try await row in try await connection.query(
                """
                SELECT id, rules, reason, created_by, starts_at, ends_at, ended_by FROM silences
                WHERE ends_at > \(Self.milliseconds(date)) ORDER BY id
                """, logger: logger
            ).decode((Int64, String, String?, String, Int64, Int64, String?).self) {
                silences.append(Self.silence(row))
            }
            return silences
        }
    }

    public func observeSilenceChanges(_ observer: @escaping @Sendable () -> Void) {
        silenceObserver.withLock { $0 = LockedCallback(observer) }
    }

    public func feedState(_ feed: String) async throws -> FeedState? {
        try await read("a feed's state") { [self] connection in
            var state: FeedState?
            for try await (etag, lastModified, seen) in try await connection.query(
                "SELECT etag, last_modified, seen FROM feeds WHERE url = \(feed)", logger: logger
            ).decode((String?, String?, [String]).self) {
                state = FeedState(etag: etag, lastModified: lastModified, seen: seen)
            }
            return state
        }
    }

    public func saveFeedState(_ feed: String, _ state: FeedState) async throws {
        try await read("saving a feed's state") { [self] connection in
            _ = try await connection.query(
                """
                INSERT INTO feeds (url, etag, last_modified, seen) VALUES (\(feed), \(state.etag), \(state.lastModified), \(state.seen))
                ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, seen = excluded.seen
                """, logger: logger)
        }
    }

    private static func silence(_ row: (Int64, String, String?, String, Int64, Int64, String?)) -> SilenceRecord {
        SilenceRecord(
            id: UInt64(row.0), rules: row.1, reason: row.2, createdBy: row.3,
            startsAt: Date(timeIntervalSince1970: Double(row.4) / 1000), endsAt: Date(timeIntervalSince1970: Double(row.5) / 1000),
            endedBy: row.6)
    }
}
