/// The right to run ingest (the watched folder and the feeds) on one node of a cluster at a time, so that each
/// file and feed item is read once. Held by at most one node; lost when that node dies or loses its database, and
/// then taken by another node within bounded time.
///
/// Only a store several nodes share has one (`PostgresAlertStore.ingestLease()`); a single node always ingests.
/// Even when two nodes briefly both ingest (one has not noticed yet that it lost the lease), an article still
/// produces its alerts once: duplicates are decided at commit.
public protocol IngestLease: Sendable {
    /// Tries to take the lease without waiting; `true` when this node holds it now.
    func tryAcquire() async throws -> Bool

    /// Whether this node still holds the lease; `false` once it cannot tell (its connection failed).
    func confirm() async -> Bool

    /// Gives the lease up (on shutdown, or after losing it).
    func release() async
}
