import Foundation
import HeraldProtocol
import Logging
import NIOCore
import NIOSSL

/// An accepted TCP connection: the channel, the future of its TLS handshake, its inbound queue, and its outbox
/// with the future of the event-loop writer that drains it.
struct AcceptedConnection: Sendable {
    var channel: any Channel
    var handshake: EventLoopFuture<TLSHandshakeResult>
    var inbound: InboundQueue
    var outbox: Outbox
    var writerEnded: EventLoopFuture<OutboxWriter.End>
    /// The line limit the session lowers while the connection may not publish.
    var lineLimit: LineLimit
}

/// Runs one connection from handshake to close. Never throws: whatever one client does, it ends here.
///
/// The event loop does the I/O: ``LineInbox`` queues complete lines in the ``InboundQueue`` and ``OutboxWriter``
/// drains the ``Outbox`` into the socket. Commands are handled by a pump task that exists only while lines are
/// waiting, so an idle connection holds no task stack but the small one of ``run()``, which waits for the end.
/// If the session ends first (end of input, `QUIT`, a long line) the writer flushes what is queued and
/// half-closes; if the writer finishes first (shutdown `bye` sent, a slow consumer cut off) the channel is
/// closed, which ends the session.
struct Connection {
    let id: UInt64
    let accepted: AcceptedConnection
    let context: SessionContext
    var logger: Logger
    /// Set when the connection limits refused this connection: the message of its `too_many_connections` error.
    var refusal: String?

    func run() async {
        var logger = self.logger
        logger[metadataKey: "connection"] = "\(id)"
        if let peer = accepted.channel.remoteAddress {
            logger[metadataKey: "peer"] = "\(peer)"
        }
        // Setting up runs in a task of its own, so its deeper frames do not stay allocated in this long-lived one.
        let started = await Task { [self, logger] in await start(logger: logger) }.value
        if let started {
            _ = try? await started.finished.get()
            finish(started, logger: logger)
        }
        try? await accepted.channel.close()
    }

    /// What a started session leaves for the end of the connection.
    private struct Started: Sendable {
        var handle: SessionHandle
        var registered: Bool
        var watchdog: IdleWatchdog?
        var heartbeat: Heartbeat?
        var logger: Logger
        /// Succeeds once the session has stopped and the writer has finished.
        var finished: EventLoopFuture<Void>
    }

    /// Waits for the handshake, greets the client, registers the session and starts handling its lines.
    private func start(logger: Logger) async -> Started? {
        var logger = logger
        let tls: TLSHandshakeResult
        do {
            tls = try await accepted.handshake.get()
        } catch {
            logHandshakeFailure(error, logger: logger)
            return nil
        }
        if let client = tls.clientName { logger[metadataKey: "client"] = "\(client)" }
        if let refusal {
            await refuse(refusal, logger: logger)
            return nil
        }
        let channel = accepted.channel
        let handle = SessionHandle(id: id, outbox: accepted.outbox, channel: channel, statistics: context.statistics)
        // Protected mode (no auth configured, loopback only) gives every role; otherwise a connection starts with
        // what its client certificate maps to and gains more with AUTH.
        var roles = context.roles
        var name = tls.clientName
        if let auth = context.auth {
            let mapped = auth.roles(commonName: tls.clientName, fingerprint: tls.clientFingerprint)
            roles = mapped?.roles ?? []
            name = mapped?.name ?? tls.clientName
        }
        logger[metadataKey: "roles"] = "\(roles.map(\.rawValue).joined(separator: ","))"
        let session = Session(
            handle: handle, context: context, roles: roles, name: name,
            address: channel.remoteAddress?.ipAddress ?? "?", lineLimit: accepted.lineLimit, logger: logger)
        handle.send(
            ServerMessage.hello(
                server: context.serverName, node: context.nodeName, version: context.version, connection: id,
                roles: roles.map(\.rawValue), client: tls.clientName, maximumLineBytes: context.maximumLineBytes),
            slowConsumerGrace: context.slowConsumerGracePeriod)
        let peer = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        let info = ClientInfo(peer: peer, roles: roles, name: name, connectedSince: Date())
        let registered = context.broker.register(handle, info: info, subscriptions: session.subscriptions)
        if registered {
            context.statistics.sessionOpened()
            logger.info("connection opened", metadata: ["tls": "\(tls.tlsVersion ?? "?")"])
        } else {
            // Accepted just as shutdown began: greet, say goodbye, close.
            handle.close(reason: .serverShutdown, finalLine: Broker.shutdownBye, grace: context.closeGracePeriod)
        }
        var watchdog: IdleWatchdog?
        if let timeout = context.idleTimeout {
            watchdog = IdleWatchdog(
                handle: handle, eventLoop: channel.eventLoop, timeout: timeout, grace: context.closeGracePeriod)
            watchdog?.start()
        }
        var heartbeat: Heartbeat?
        if let interval = context.heartbeatInterval {
            heartbeat = Heartbeat(
                handle: handle, eventLoop: channel.eventLoop, interval: interval,
                slowConsumerGrace: context.slowConsumerGracePeriod)
            heartbeat?.start()
        }
        accepted.writerEnded.whenSuccess { end in
            switch end {
            case .drained:
                // The outbox closed first (shutdown `bye`, slow consumer, idle timeout, kick): closing the channel
                // ends the input, so the session stops without waiting for the client to speak.
                channel.close(promise: nil)
            case .channelClosed(let linesPending):
                if linesPending { handle.record(.writeFailed) }
            }
        }
        let stopped = channel.eventLoop.makePromise(of: Void.self)
        let pump = SessionPump(session: session, queue: accepted.inbound, stopped: stopped)
        accepted.inbound.attach { Task { await pump.run() } }
        // The session closed the outbox on its way out; the writer then flushes what is queued (bounded by the
        // close grace, after which the channel is closed under it).
        let writerEnded = accepted.writerEnded
        let finished = stopped.futureResult.flatMap { writerEnded.map { _ in () } }
        return Started(
            handle: handle, registered: registered, watchdog: watchdog, heartbeat: heartbeat, logger: logger,
            finished: finished)
    }

    private func finish(_ started: Started, logger: Logger) {
        started.watchdog?.stop()
        started.heartbeat?.stop()
        started.handle.finished()
        accepted.inbound.detach()
        context.broker.unregister(id)
        let reason = started.handle.closeReason ?? .connectionError
        context.statistics.closed(reason)
        if started.registered { context.statistics.sessionClosed() }
        let level: Logger.Level = reason.isRoutine ? .info : .notice
        started.logger.log(level: level, "connection closed", metadata: ["close_reason": "\(reason.rawValue)"])
    }

    /// Tells a connection over the limits why it is turned away, then lets it close.
    private func refuse(_ message: String, logger: Logger) async {
        let error = ProtocolError(.tooManyConnections, message)
        context.statistics.error(error.code)
        context.statistics.closed(.tooManyConnections)
        // A client that is gone already needs no answer: a failed write changes nothing.
        accepted.outbox.close(finalLine: ServerMessage.error(error))
        _ = try? await accepted.writerEnded.get()
        logger.notice(
            "connection refused", metadata: ["close_reason": "\(CloseReason.tooManyConnections.rawValue)"])
    }

    private func logHandshakeFailure(_ error: Error, logger: Logger) {
        let reason: CloseReason
        switch error {
        case is TLSHandshakeTimeoutError: reason = .tlsHandshakeTimeout
        case is ClosedBeforeHandshakeError: reason = .closedBeforeHandshake
        default: reason = .tlsHandshakeFailed
        }
        context.statistics.closed(reason)
        // A probe or a plain-text client is routine noise on a public port: info, not error.
        let level: Logger.Level = reason == .closedBeforeHandshake ? .debug : .info
        var metadata: Logger.Metadata = ["close_reason": "\(reason.rawValue)", "error": "\(error)"]
        if let hint = Self.handshakeHint(for: error) { metadata["hint"] = "\(hint)" }
        logger.log(level: level, "connection closed before the session began", metadata: metadata)
    }

    /// Turns BoringSSL's reason codes into what an operator wants to know: who knocked on the port.
    static func handshakeHint(for error: Error) -> String? {
        let text = "\(error)"
        let hints: [(String, String)] = [
            ("HTTP_REQUEST", "a plain HTTP client on the TLS port"),
            ("HTTPS_PROXY_REQUEST", "an HTTP proxy request on the TLS port"),
            ("WRONG_VERSION_NUMBER", "not a TLS client (plain TCP?)"),
            ("PACKET_LENGTH_TOO_LONG", "not a TLS client (plain TCP?)"),
            ("UNSUPPORTED_PROTOCOL", "the client offers no TLS version of 1.2 or later"),
            ("NO_SHARED_CIPHER", "the client offers no forward-secret AEAD cipher suite"),
            ("PEER_DID_NOT_RETURN_A_CERTIFICATE", "mutual TLS: the client sent no certificate"),
            ("CERTIFICATE_VERIFY_FAILED", "mutual TLS: the client certificate is not signed by the client CA"),
        ]
        return hints.first { text.contains($0.0) }?.1
    }
}
