import HeraldStore
import Logging
import PostgresNIO
import Synchronization

/// The ingest lease as a session-level PostgreSQL advisory lock (`pg_try_advisory_lock`) on a connection of its
/// own. PostgreSQL releases it the moment that connection ends: the node was killed, or stopped, or its database
/// connection broke; another node's next ``tryAcquire()`` takes it. TCP keepalives on that connection are short
/// (5 s idle, 2 s apart, 3 probes), so the server also notices a node cut off by the network within about 11 s;
/// the node itself stops ingesting as soon as a ``confirm()`` fails.
public final class PostgresIngestLease: IngestLease {
    /// The advisory lock's key: one per database, shared by every node of the cluster.
    static let key: Int64 = 0x4845_5241_4C44_0002

    private let slot: PostgresConnectionSlot
    private let logger: Logger
    private let timeout: Duration
    /// The connection the lock was taken on; the lease is held while it is.
    private let heldOn = Mutex<PostgresConnection?>(nil)

    init(configuration: PostgresStoreConfiguration, logger: Logger) {
        slot = PostgresConnectionSlot(configuration: configuration, role: "ingest lease", logger: logger)
        self.logger = logger
        timeout = min(configuration.operationTimeout, .seconds(5))
    }

    public func tryAcquire() async throws -> Bool {
        do {
            return try await tryAcquireOnce()
        } catch {
            // A connection the server ended (a restart, a terminated backend) may not look closed yet: one more try
            // on a new one.
            return try await tryAcquireOnce()
        }
    }

    private func tryAcquireOnce() async throws -> Bool {
        let connection = try await slot.connection()
        if let held = heldOn.withLock({ $0 }), held === connection, !connection.isClosed { return true }
        do {
            let acquired = try await withDeadline(timeout, on: connection, logger: logger, what: "ingest lease") { [self] in
                try await connection.query("SET tcp_keepalives_idle = 5", logger: logger)
                try await connection.query("SET tcp_keepalives_interval = 2", logger: logger)
                try await connection.query("SET tcp_keepalives_count = 3", logger: logger)
                var acquired = false
                for try await value in try await connection.query(
                    "SELECT pg_try_advisory_lock(\(Self.key))", logger: logger
                ).decode(Bool.self) {
                    acquired = value
                }
                return acquired
            }
            if acquired { heldOn.withLock { $0 = connection } }
            return acquired
        } catch {
            await slot.discard(connection)
            throw StorageError("the ingest lease cannot be asked for: \(PostgresErrorText.describe(error))")
        }
    }

    public func confirm() async -> Bool {
        guard let connection = heldOn.withLock({ $0 }), !connection.isClosed else { return false }
        do {
            try await withDeadline(timeout, on: connection, logger: logger, what: "ingest lease check") { [self] in
                try await connection.query("SELECT 1", logger: logger)
            }
            return true
        } catch {
            heldOn.withLock { $0 = nil }
            await slot.discard(connection)
            return false
        }
    }

    /// Unlocks, so another node can take the lease at once, and closes the lease's connection, which releases the
    /// lock anyway should the unlock fail; a later ``tryAcquire()`` connects again.
    public func release() async {
        guard let connection = heldOn.withLock({ held in defer { held = nil }; return held }) else { return }
        if !connection.isClosed {
            _ = try? await withDeadline(timeout, on: connection, logger: logger, what: "ingest lease release") { [self] in
                try await connection.query("SELECT pg_advisory_unlock(\(Self.key))", logger: logger).collect().count
            }
        }
        await slot.discard(connection)
    }
}

extension PostgresAlertStore {
    /// A lease for running ingest on one node of the cluster at a time (see ``PostgresIngestLease``).
    public func ingestLease() -> any IngestLease {
        PostgresIngestLease(configuration: configuration, logger: logger)
    }
}
