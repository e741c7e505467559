import Foundation
import HeraldArticle
import HeraldCore
import HeraldProtocol
import HeraldStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// Herald's TLS line-protocol server, as a swift-service-lifecycle `Service`.
///
/// Clients subscribe to rule globs and receive alerts as JSON lines; publishers send articles, which the
/// ``AlertEngine`` turns into alerts that are fanned out to every matching subscriber. The protocol is
/// described in `PROTOCOL.md`.
///
/// `run()` binds, accepts until graceful shutdown (or cancellation), then stops accepting, sends `bye` to every
/// client, lets their queues drain for at most ``HeraldServerConfiguration/closeGracePeriod`` and returns.
public final class HeraldServer: Service, Sendable {
    let configuration: HeraldServerConfiguration
    let engine: AlertEngine
    let logger: Logger
    let broker: Broker
    /// Counters for connections, close reasons and errors.
    public let statistics: ServerStatistics
    let authThrottle: AuthThrottle
    private let state = NIOLockedValueBox(State.idle)
    private let connectionIDs = NIOLockedValueBox<UInt64>(0)

    private enum State {
        case idle
        case running(any Channel)
        case shuttingDown
    }

    /// Creates a server that will match published articles with `engine` and log through `logger`.
    /// - Parameter metrics: where counts and timings go, exported on the metrics port; a registry of its own by
    ///   default (`herald serve` also bootstraps swift-metrics' `MetricsSystem` with it).
    public init(
        configuration: HeraldServerConfiguration, engine: AlertEngine, logger: Logger, metrics: ServerMetrics = ServerMetrics()
    ) {
        self.configuration = configuration
        self.engine = engine
        self.logger = logger
        let statistics = ServerStatistics(metrics: metrics)
        self.statistics = statistics
        self.authThrottle = AuthThrottle(policy: configuration.authThrottle)
        let broker = Broker(slowConsumerGrace: configuration.slowConsumerGracePeriod, statistics: statistics)
        self.broker = broker
        // Fan-out happens here, after each commit and in id order: nothing reaches a subscriber before it is
        // durable, and replay can meet the live stream exactly (see Session+Replay).
        engine.store.observeCommits { entries in
            statistics.committed(entries)
            statistics.queued(lines: broker.deliver(entries.compactMap(Delivery.init)))
            // From the article's arrival (its lines are stamped when the engine takes it) to its alerts queued.
            let now = Date()
            for entry in entries where entry.kind == .alert {
                statistics.metrics.deliverLatency.recordNanoseconds(
                    Int64(max(0, now.timeIntervalSince(entry.createdAt)) * 1e9))
            }
        }
        // A database that can go away (PostgreSQL): subscribers are told, and stay connected.
        engine.store.observeHealth { health in broker.storeHealthChanged(health) }
    }

    /// Serves until graceful shutdown or cancellation.
    ///
    /// - Throws: If the TLS files cannot be loaded or the address cannot be bound; never because of a client.
    public func run() async throws {
        if configuration.auth == nil, !Self.isLoopback(configuration.host) {
            throw ProtectedModeError(host: configuration.host)
        }
        statistics.ruleSetLoaded(hash: await engine.ruleSetHash, reload: false)
        let sslContext = try configuration.tls.makeContext()
        let serverChannel = try await bind(sslContext: sslContext)
        guard let address = serverChannel.channel.localAddress else {
            throw ChannelError.unknownLocalAddress
        }
        let started = state.withLockedValue { state -> Bool in
            guard case .idle = state else { return false }
            state = .running(serverChannel.channel)
            return true
        }
        if !started {
            // Shutdown was requested while binding.
            serverChannel.channel.close(promise: nil)
        }
        // Bound before `onServerRunning`, so whoever waits for the server finds the metrics endpoint up too.
        let metrics: (any Channel)?
        do {
            metrics = try await startMetrics()
        } catch {
            try? await serverChannel.channel.close()
            throw error
        }
        defer { metrics?.close(promise: nil) }
        // The silences the store keeps (set before a restart, or by other nodes), held before any connection is.
        await syncSilences()
        logger.info(
            "listening", metadata: ["address": "\(address)", "mutual_tls": "\(configuration.tls.clientCAPath != nil)"])
        await configuration.onServerRunning?(address)

        let context = sessionContext()
        let limiter = ConnectionLimiter(
            maximumTotal: configuration.maximumConnections,
            maximumPerAddress: configuration.maximumConnectionsPerAddress)
        let retention = Task { await self.pruneRetainedLines() }
        defer { retention.cancel() }
        let silences = Task { await self.expireSilences() }
        defer { silences.cancel() }
        let silenceChanges = Task { await self.followSilenceChanges() }
        defer { silenceChanges.cancel() }
        let membership = Task { await self.runClusterMember() }
        defer { membership.cancel() }
        let authSummaries = Task { await self.summarizeAuthenticationFailures() }
        defer { authSummaries.cancel() }
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await serverChannel.executeThenClose { inbound in
                    for try await accepted in inbound {
                        statistics.accepted()
                        let address = accepted.channel.remoteAddress?.ipAddress ?? "?"
                        let admission = limiter.admit(address)
                        var connection = Connection(
                            id: nextConnectionID(), accepted: accepted, context: context, logger: logger)
                        switch admission {
                        case .admitted:
                            break
                        case .refused(let message):
                            connection.refusal = message
                        case .dropped:
                            drop(accepted, address: address)
                            continue
                        }
                        let admitted = admission == .admitted
                        group.addTask {
                            await connection.run()
                            limiter.release(address, admitted: admitted)
                            self.statistics.socketClosed()
                        }
                    }
                }
                // The listening socket is closed; the group now waits for every connection to finish.
                logger.info("stopped accepting", metadata: ["sessions": "\(broker.sessionCount)"])
            }
        } onGracefulShutdown: {
            self.triggerGracefulShutdown()
        }
        // The failures since the last summary are not lost with the server.
        logAuthenticationFailureSummary()
        logger.info("server stopped")
    }

    /// Starts graceful shutdown without a `ServiceGroup`: stop accepting, send `bye` to every client.
    ///
    /// `run()` returns once every connection has closed. Calling this more than once does nothing more.
    public func triggerGracefulShutdown() {
        let (first, listener) = state.withLockedValue { state -> (Bool, (any Channel)?) in
            defer { state = .shuttingDown }
            switch state {
            case .running(let channel): return (true, channel)
            case .idle: return (true, nil)
            case .shuttingDown: return (false, nil)
            }
        }
        guard first else { return }
        logger.info("shutting down", metadata: ["sessions": "\(broker.sessionCount)"])
        // Stop accepting first, so no session can start after the goodbyes are sent (those that slip through
        // are refused by the broker and say bye on their own).
        listener?.close(promise: nil)
        broker.shutDown(grace: configuration.closeGracePeriod)
    }


    private func bind(sslContext: NIOSSLContext) async throws -> NIOAsyncChannel<AcceptedConnection, Never> {
        let maximumLineBytes = configuration.maximumLineBytes
        let maximumInboundBytes = configuration.maximumQueuedInboundBytes
        let handshakeTimeout = configuration.handshakeTimeout
        let maximumQueuedBytes = configuration.maximumQueuedBytes
        let drainSchedulers = DrainSchedulers()
        let onAccepted = configuration.onConnectionAccepted
        let bootstrap = ServerBootstrap(group: configuration.eventLoopGroup)
        DeadPeerOptions.apply(timeout: configuration.deadPeerTimeout, to: bootstrap)
        return try await bootstrap
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Lets a client that sends its commands and then closes its side (`printf … | client`) still
            // receive the replies.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // Commands and TLS records from clients are small; the buffer grows for a busy publisher and an idle
            // subscriber keeps a 512-byte one instead of NIO's default 2 KB.
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536))
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handshake = channel.eventLoop.makePromise(of: TLSHandshakeResult.self)
                    let pipeline = channel.pipeline.syncOperations
                    // The TLS handler is created here, per connection: it is not Sendable; the context is shared.
                    try pipeline.addHandler(NIOSSLServerHandler(context: sslContext))
                    try pipeline.addHandler(TLSHandshakeObserver(promise: handshake, timeout: handshakeTimeout))
                    // The framer enforces the line limit itself; the buffer cap is a second line of defence.
                    // The session lowers the line limit while the connection may not publish (SessionLineDecoder).
                    let lineLimit = LineLimit(maximumLineBytes)
                    try pipeline.addHandler(
                        ByteToMessageHandler(
                            SessionLineDecoder(maximumLineLength: maximumLineBytes, limit: lineLimit),
                            maximumBufferSize: maximumLineBytes + 2))
                    // The writer sits before the inbox, so its writes go straight to TLS without crossing the
                    // inbox (a duplex handler, for read back-pressure): one pipeline hop less per write and flush.
                    let outbox = Outbox(limit: maximumQueuedBytes)
                    let writerEnded = channel.eventLoop.makePromise(of: OutboxWriter.End.self)
                    try pipeline.addHandler(
                        OutboxWriter(
                            outbox: outbox, ended: writerEnded,
                            scheduler: drainSchedulers.scheduler(for: channel.eventLoop)))
                    let inbound = InboundQueue(maximumBytes: maximumInboundBytes)
                    try pipeline.addHandler(LineInbox(queue: inbound))
                    let accepted = AcceptedConnection(
                        channel: channel, handshake: handshake.futureResult, inbound: inbound, outbox: outbox,
                        writerEnded: writerEnded.futureResult, lineLimit: lineLimit)
                    onAccepted?(accepted)
                    return accepted
                }
            }
    }

    private func sessionContext() -> SessionContext {
        SessionContext(
            engine: engine, broker: broker, statistics: statistics,
            parser: CommandParser(
                articleParser: ArticleParser(
                    maximumBytes: max(configuration.maximumLineBytes, configuration.maximumArticleBytes))),
            serverName: configuration.serverName, nodeName: configuration.nodeName, version: configuration.version,
            roles: configuration.roles,
            auth: configuration.auth, authThrottle: authThrottle, authDelay: configuration.authDelay,
            reload: { await self.reloadRules() },
            reloadOthers: { await self.reloadOtherNodes() }, clusterMembers: { await self.clusterMembers() },
            maximumLineBytes: configuration.maximumLineBytes, maximumArticleBytes: configuration.maximumArticleBytes,
            maximumSubscriptions: configuration.maximumSubscriptions,
            maximumQueuedBytes: configuration.maximumQueuedBytes,
            closeGracePeriod: configuration.closeGracePeriod,
            slowConsumerGracePeriod: configuration.slowConsumerGracePeriod,
            idleTimeout: configuration.idleTimeout, publishRate: configuration.publishRate,
            publishBurst: configuration.publishBurst ?? max(1, Int((configuration.publishRate * 2).rounded(.up))),
            publishClock: configuration.publishClock,
            heartbeatInterval: configuration.heartbeatInterval)
    }

    /// Binds the Prometheus endpoint on loopback when a metrics port is configured.
    private func startMetrics() async throws -> (any Channel)? {
        guard let port = configuration.metricsPort else { return nil }
        let statistics = self.statistics
        let broker = self.broker
        let render: @Sendable () -> String = {
            statistics.metrics.render(byRole: broker.connectionsByRole(), outboxBytes: broker.clients().map(\.queuedBytes))
        }
        let channel = try await ServerBootstrap(group: configuration.eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(render: render))
                }
            }
            // Loopback only, whatever --host says: the counters name rules and peers.
            .bind(host: "127.0.0.1", port: port).get()
        if let address = channel.localAddress {
            logger.info("metrics endpoint listening", metadata: ["address": "\(address)"])
            await configuration.onMetricsRunning?(address)
        }
        return channel
    }

    /// Ends silences that have run out, telling their subscribers, twice a second.
    private func expireSilences() async {
        while !Task.isCancelled {
            broker.expireSilences()
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Reads the silences again whenever the store says another node changed them, until cancelled.
    private func followSilenceChanges() async {
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        engine.store.observeSilenceChanges { continuation.yield() }
        await withTaskCancellationHandler {
            for await _ in changes { await syncSilences() }
        } onCancel: {
            continuation.finish()
        }
    }

    /// Brings the broker's silences in line with the store's.
    func syncSilences() async {
        do {
            try await broker.syncSilences(from: engine.store)
        } catch {
            logger.warning("cannot read the silences from the store; keeping those held", metadata: ["error": "\(error)"])
        }
    }

    /// Logs failed `AUTH` attempts as one summary line per interval, while there are any, until cancelled.
    private func summarizeAuthenticationFailures() async {
        guard configuration.auth != nil else { return }
        let interval = Duration.nanoseconds(max(configuration.authThrottle.summaryInterval.nanoseconds, 1_000_000))
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            logAuthenticationFailureSummary()
        }
    }

    /// Logs the failed `AUTH` attempts since the last summary as one `notice` line — counts, addresses, the
    /// busiest few, how many attempts were delayed — or nothing when there were none. The server calls this every
    /// ``AuthThrottlePolicy/summaryInterval`` and when it stops; failures are never logged one line each.
    public func logAuthenticationFailureSummary() {
        guard let summary = authThrottle.takeSummary() else { return }
        logger.notice(
            "authentication failures",
            metadata: AuthThrottle.metadata(summary, period: configuration.authThrottle.summaryInterval))
    }

    /// Applies the retention policy now and every hour until cancelled.
    private func pruneRetainedLines() async {
        let archiveAge = configuration.archiveRetentionAge
        guard configuration.retentionAge != nil || configuration.retentionCount != nil || archiveAge != nil else { return }
        while !Task.isCancelled {
            do {
                var removed = PruneOutcome()
                if configuration.retentionAge != nil || configuration.retentionCount != nil {
                    removed = try await engine.store.prune(
                        maximumAge: configuration.retentionAge, maximumCount: configuration.retentionCount, now: Date())
                }
                if let archiveAge {
                    removed.texts = try await engine.store.pruneArchive(maximumAge: archiveAge, now: Date())
                }
                if removed.lines > 0 || removed.articles > 0 || removed.texts > 0 {
                    logger.info(
                        "retention pruned the alert log",
                        metadata: [
                            "lines": "\(removed.lines)", "articles": "\(removed.articles)",
                            "archived_texts": "\(removed.texts)",
                        ])
                }
            } catch {
                logger.error("retention failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    /// Closes a connection over the limits without a handshake, when too many refusals are already in flight.
    private func drop(_ accepted: AcceptedConnection, address: String) {
        statistics.closed(.tooManyConnections)
        statistics.socketClosed()
        // The TLS layer sees the close first and fails the handshake future, which nobody waits on: nothing leaks.
        accepted.channel.close(promise: nil)
        logger.debug(
            "connection dropped before TLS",
            metadata: ["close_reason": "\(CloseReason.tooManyConnections.rawValue)", "peer": "\(address)"])
    }

    private func nextConnectionID() -> UInt64 {
        connectionIDs.withLockedValue { id in
            id += 1
            return id
        }
    }
}
