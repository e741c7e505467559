import NIOCore

/// A minimal HTTP/1.1 responder for `GET /metrics`: one request per connection, then close.
///
/// Hand-written rather than a dependency: the endpoint is loopback-only, read by one scraper, and needs none of
/// HTTP beyond a request line and a fixed-length response.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var request = ByteBuffer()
    private var answered = false
    private let render: @Sendable () -> String

    init(render: @escaping @Sendable () -> String) {
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        var buffer = unwrapInboundIn(data)
        request.writeBuffer(&buffer)
        let text = String(buffer: request)
        guard text.contains("\r\n\r\n") || text.contains("\n\n") else {
            // A scraper's request is a few hundred bytes; anything far larger is not one.
            if request.readableBytes > 16 << 10 { context.close(promise: nil) }
            return
        }
        answered = true
        let requestLine = text.prefix { $0 != "\r" && $0 != "\n" }.split(separator: " ")
        let isMetrics =
            requestLine.count >= 2 && (requestLine[0] == "GET" || requestLine[0] == "HEAD")
            && (requestLine[1] == "/metrics" || requestLine[1].hasPrefix("/metrics?"))
        let (status, body) = isMetrics ? ("200 OK", render()) : ("404 Not Found", "try GET /metrics\n")
        let head =
            "HTTP/1.1 \(status)\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        let response = requestLine.first == "HEAD" ? head : head + body
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response)), promise: written)
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }
}
