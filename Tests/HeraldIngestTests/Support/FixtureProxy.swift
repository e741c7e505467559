import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A stand-in for an HTTP proxy on 127.0.0.1, port 0, for tests: it records every request head it is sent,
/// answers `CONNECT` with 200, and then plays the origin server itself inside the "tunnel", answering the next
/// request with `body`. Nothing is forwarded, so a feed URL with a host that does not resolve (`feeds.invalid`)
/// can only be fetched through it. Told to refuse, it answers `CONNECT` with 403, as Squid does for a port it
/// does not allow.
///
/// It also answers a plain request in absolute form (`GET http://host/path`), the other way a client can use a
/// proxy for http URLs, so a test sees which one the client chose.
final class FixtureProxy: Sendable {
    /// Request heads as received, the request line first, lines separated by CRLF.
    var heads: [String] { recorded.withLockedValue { $0 } }
    let port: Int

    private let recorded: NIOLockedValueBox<[String]>
    private let channel: any Channel

    private init(channel: any Channel, recorded: NIOLockedValueBox<[String]>) {
        self.channel = channel
        self.recorded = recorded
        self.port = channel.localAddress?.port ?? 0
    }

    static func start(body: String, refuseConnect: Bool = false) async throws -> FixtureProxy {
        let recorded = NIOLockedValueBox<[String]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = Handler(body: body, refuseConnect: refuseConnect, recorded: recorded)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FixtureProxy(channel: channel, recorded: recorded)
    }

    func stop() async { try? await channel.close() }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let body: String
        let refuseConnect: Bool
        let recorded: NIOLockedValueBox<[String]>
        var pending: [UInt8] = []

        init(body: String, refuseConnect: Bool, recorded: NIOLockedValueBox<[String]>) {
            self.body = body
            self.refuseConnect = refuseConnect
            self.recorded = recorded
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += Array(unwrapInboundIn(data).readableBytesView)
            let end: [UInt8] = Array("\r\n\r\n".utf8)
            while let range = pending.firstRange(of: end) {
                let head = String(decoding: pending[..<range.lowerBound], as: UTF8.self)
                pending.removeSubrange(..<range.upperBound)
                recorded.withLockedValue { $0.append(head) }
                if head.hasPrefix("CONNECT "), refuseConnect {
                    let response = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response))).assumeIsolated().whenComplete { _ in
                        context.close(promise: nil)
                    }
                    return
                } else if head.hasPrefix("CONNECT ") {
                    context.writeAndFlush(
                        wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 200 Connection established\r\n\r\n")), promise: nil)
                } else {
                    let response =
                        "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: \(body.utf8.count)\r\n"
                        + "Connection: close\r\n\r\n" + body
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response))).assumeIsolated().whenComplete { _ in
                        context.close(promise: nil)
                    }
                    return
                }
            }
        }
    }
}
