import HeraldStore
import Logging
import ServiceLifecycle

/// Runs the ingest sources (the watched folder, the feeds) only while this node holds the cluster's
/// ``IngestLease``, so that in a cluster they run on one node at a time.
///
/// Not holding it, the node asks again every `retry`: when the holder dies or loses its database, PostgreSQL frees
/// the lease and another node takes it within that interval. Holding it, the node confirms it every `retry`, and
/// stops its sources (cancelling them: the file in hand is finished or left for the next holder) as soon as it
/// cannot. On graceful shutdown the sources stop as they would without a lease, and the lease is given up.
public struct ExclusiveIngest: Service {
    private let lease: any IngestLease
    private let sources: [any Service]
    private let retry: Duration
    private let logger: Logger

    public init(lease: any IngestLease, sources: [any Service], retry: Duration = .seconds(2), logger: Logger) {
        self.lease = lease
        self.sources = sources
        self.retry = retry
        self.logger = logger
    }

    private enum Ending {
        case sourcesStopped
        case leaseLost
    }

    public func run() async {
        var warned = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if try await lease.tryAcquire() {
                    warned = false
                    logger.notice("this node runs ingest (it holds the cluster's ingest lease)")
                    let ending = await runSources()
                    await lease.release()
                    if ending == .leaseLost {
                        logger.warning("lost the ingest lease: ingest stopped on this node until it holds it again")
                    }
                }
            } catch {
                if !warned {
                    logger.warning("cannot ask for the ingest lease; retrying", metadata: ["error": "\(error)"])
                    warned = true
                }
            }
            let retry = self.retry
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: retry) }
        }
        await lease.release()
    }

    /// Runs the sources until they stop (shutdown) or the lease is lost (then they are cancelled).
    private func runSources() async -> Ending {
        let lease = self.lease
        let retry = self.retry
        return await withTaskGroup(of: Ending?.self) { group in
            for source in sources {
                group.addTask {
                    try? await source.run()
                    return .sourcesStopped
                }
            }
            group.addTask {
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: retry) }
                    if Task.isCancelled || Task.isShuttingDownGracefully { return nil }
                    if await !lease.confirm() { return .leaseLost }
                }
                return nil
            }
            var ending = Ending.sourcesStopped
            while let finished = await group.next() {
                if finished == .leaseLost {
                    ending = .leaseLost
                    group.cancelAll()
                }
            }
            return ending
        }
    }
}
