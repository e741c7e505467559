import HeraldArticle
import HeraldCore
import NIOCore
import NIOSSL
import NIOTLS

/// What a completed TLS handshake tells the session.
struct TLSHandshakeResult: Sendable {
    /// "TLSv1.3" or "TLSv1.2".
    var tlsVersion: String?
    /// The client certificate's common name, when mutual TLS is on.
    var clientName: String?
    /// The client certificate's SHA-256 fingerprint ("AB:CD:…"), when mutual TLS is on.
    var clientFingerprint: String?
}

/// The client did not finish the TLS handshake within the configured time.
struct TLSHandshakeTimeoutError: Error {}

/// The connection closed before the TLS handshake completed.
struct ClosedBeforeHandshakeError: Error {}

/// Sits right behind the `NIOSSLServerHandler` and completes a future when the handshake is done (or fails),
/// and closes connections that never finish it.
///
/// The session waits on that future before saying `hello`, so a plain-TCP or HTTP client on the TLS port is
/// turned away by the TLS layer alone: it never becomes a session and no other client notices it.
final class TLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let promise: EventLoopPromise<TLSHandshakeResult>
    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var isComplete = false

    init(promise: EventLoopPromise<TLSHandshakeResult>, timeout: TimeAmount) {
        self.promise = promise
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startTimer(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // A promise must never be dropped uncompleted; removal without a handshake means there will be none.
        complete(.failure(ClosedBeforeHandshakeError()))
    }

    func channelActive(context: ChannelHandlerContext) {
        startTimer(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        complete(.failure(ClosedBeforeHandshakeError()))
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            let pipeline = context.pipeline.syncOperations
            let version = (try? pipeline.nioSSL_tlsVersion()).flatMap { $0 }.map(Self.name(of:))
            let certificate = (try? pipeline.nioSSL_peerCertificate()).flatMap { $0 }
            let commonName = certificate?.subjectName.first { $0.type == .commonName }?.value
            let fingerprint = (try? certificate?.toDERBytes()).map { AuthFile.fingerprint(SHA256Digest.hash($0)) }
            complete(
                .success(
                    TLSHandshakeResult(tlsVersion: version, clientName: commonName, clientFingerprint: fingerprint)))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        complete(.failure(error))
        context.fireErrorCaught(error)
    }

    private func startTimer(context: ChannelHandlerContext) {
        guard timer == nil, !isComplete else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.complete(.failure(TLSHandshakeTimeoutError()))
            context.close(promise: nil)
        }
    }

    private func complete(_ result: Result<TLSHandshakeResult, Error>) {
        guard !isComplete else { return }
        isComplete = true
        timer?.cancel()
        timer = nil
        promise.completeWith(result)
    }

    private static func name(of version: TLSVersion) -> String {
        switch version {
        case .tlsv1: "TLSv1.0"
        case .tlsv11: "TLSv1.1"
        case .tlsv12: "TLSv1.2"
        case .tlsv13: "TLSv1.3"
        }
    }
}
