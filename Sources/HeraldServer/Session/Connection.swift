import Foundation
import Logging
import NIOCore
import NIOSSL

/// An accepted TCP connection: the async channel, the future of its TLS handshake, and its outbox with the
/// future of the event-loop writer that drains it.
struct AcceptedConnection: Sendable {
    var channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    var handshake: EventLoopFuture<TLSHandshakeResult>
    var outbox: Outbox
    var writerEnded: EventLoopFuture<OutboxWriter.End>
}

/// Runs one connection from handshake to close. Never throws: whatever one client does, it ends here.
///
/// The reader task runs ``Session`` over incoming lines; the ``OutboxWriter`` on the event loop drains the
/// ``Outbox`` into the socket. If the reader ends first (end of input, `QUIT`, a long line) the writer flushes
/// what is queued and half-closes; if the writer finishes first (shutdown `bye` sent, a slow consumer cut off)
/// the reader is cancelled.
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
        if let peer = accepted.channel.channel.remoteAddress {
            logger[metadataKey: "peer"] = "\(peer)"
        }
        let channel = accepted.channel.channel
        do {
            try await accepted.channel.executeThenClose { inbound, outbound in
                let tls: TLSHandshakeResult
                do {
                    tls = try await accepted.handshake.get()
                } catch {
                    logHandshakeFailure(error, logger: logger)
                    return
                }
                if let client = tls.clientName { logger[metadataKey: "client"] = "\(client)" }
                if let refusal {
                    await refuse(refusal, outbound: outbound, logger: logger)
                    return
                }
                await serve(tls: tls, inbound: inbound, channel: channel, logger: logger)
            }
        } catch {
            logger.debug("error while closing the connection", metadata: ["error": "\(error)"])
        }
    }

    private func serve(
        tls: TLSHandshakeResult,
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
        channel: any Channel,
        logger: Logger
    ) async {
        let handle = SessionHandle(
            id: id, outbox: accepted.outbox, channel: channel, statistics: context.statistics)
        // Protected mode (no auth configured, loopback only) gives every role; otherwise a connection starts with
        // what its client certificate maps to and gains more with AUTH.
        var roles = context.roles
        var name = tls.clientName
        if let auth = context.auth {
            let mapped = auth.roles(commonName: tls.clientName, fingerprint: tls.clientFingerprint)
            roles = mapped?.roles ?? []
            name = mapped?.name ?? tls.clientName
        }
        var logger = logger
        logger[metadataKey: "roles"] = "\(roles.map(\.rawValue).joined(separator: ","))"
        let session = Session(handle: handle, context: context, roles: roles, name: name, logger: logger)
        handle.send(
            ServerMessage.hello(
                server: context.serverName, version: context.version, connection: id, roles: roles.map(\.rawValue),
                client: tls.clientName, maximumLineBytes: context.maximumLineBytes),
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

        enum Side { case reader, writer, watchdog }
        await withTaskGroup(of: Side.self) { group in
            if let timeout = context.idleTimeout {
                group.addTask {
                    await IdleWatchdog.watch(handle, timeout: timeout, grace: context.closeGracePeriod)
                    return .watchdog
                }
            }
            let writerEnded = accepted.writerEnded
            group.addTask {
                // The channel closing under the writer ends the reader's input too: let it end by itself, so
                // the close reason is the reader's (client closed, unclean shutdown), not a cancellation.
                let end = try? await writerEnded.get()
                if end == .channelClosed(linesPending: true) { handle.record(.writeFailed) }
                return end == .drained ? .writer : .watchdog
            }
            group.addTask {
                var session = session
                await session.run(inbound)
                return .reader
            }
            // The writer finishing first cancels the reader; once the reader has ended, the rest is cancelled too.
            while let side = await group.next() {
                if side == .writer || side == .reader { group.cancelAll() }
            }
        }

        handle.finished()
        context.broker.unregister(id)
        let reason = handle.closeReason ?? .connectionError
        context.statistics.closed(reason)
        if registered { context.statistics.sessionClosed() }
        let level: Logger.Level = reason.isRoutine ? .info : .notice
        logger.log(level: level, "connection closed", metadata: ["close_reason": "\(reason.rawValue)"])
    }

    /// Tells a connection over the limits why it is turned away, then lets it close.
    private func refuse(_ message: String, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, logger: Logger) async {
        let error = ProtocolError(.tooManyConnections, message)
        context.statistics.error(error.code)
        context.statistics.closed(.tooManyConnections)
        // A client that is gone already needs no answer: a failed write changes nothing.
        try? await outbound.write(ServerMessage.error(error))
        outbound.finish()
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
