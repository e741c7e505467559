import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A plain HTTP server on 127.0.0.1, port 0, serving fixture feeds from memory, for tests.
///
/// Each route answers with a status, headers and a body, honours `If-None-Match` against its ETag with a 304, or
/// never answers at all (`hang`), which is how a feed that times out looks. Every request is recorded.
final class FixtureHTTPServer: Sendable {
    struct Route: Sendable {
        var status = 200
        var body = ""
        var contentType = "application/rss+xml; charset=utf-8"
        var etag: String?
        var location: String?
        var hang = false
    }

    struct Request: Sendable {
        var path: String
        var headers: [String: String]
    }

    private let routes: NIOLockedValueBox<[String: Route]>
    private let recorded: NIOLockedValueBox<[Request]>
    private let channel: any Channel
    let port: Int

    private init(channel: any Channel, routes: NIOLockedValueBox<[String: Route]>, recorded: NIOLockedValueBox<[Request]>) {
        self.channel = channel
        self.routes = routes
        self.recorded = recorded
        self.port = channel.localAddress?.port ?? 0
    }

    static func start(_ initial: [String: Route] = [:]) async throws -> FixtureHTTPServer {
        let routes = NIOLockedValueBox(initial)
        let recorded = NIOLockedValueBox<[Request]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(routes: routes, recorded: recorded))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FixtureHTTPServer(channel: channel, routes: routes, recorded: recorded)
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func set(_ path: String, _ route: Route) { routes.withLockedValue { $0[path] = route } }

    var requests: [Request] { recorded.withLockedValue { $0 } }

    func stop() async { try? await channel.close() }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let routes: NIOLockedValueBox<[String: Route]>
        let recorded: NIOLockedValueBox<[Request]>
        var head: HTTPRequestHead?

        init(routes: NIOLockedValueBox<[String: Route]>, recorded: NIOLockedValueBox<[Request]>) {
            self.routes = routes
            self.recorded = recorded
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body: break
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                recorded.withLockedValue { $0.append(Request(path: head.uri, headers: headers)) }
                let route = routes.withLockedValue { $0[head.uri] } ?? Route(status: 404, body: "not found", contentType: "text/plain")
                if route.hang { return }
                var response = HTTPHeaders()
                var status = route.status
                var body = route.body
                if let etag = route.etag {
                    response.add(name: "ETag", value: etag)
                    if headers["if-none-match"] == etag {
                        status = 304
                        body = ""
                    }
                }
                if let location = route.location { response.add(name: "Location", value: location) }
                response.add(name: "Content-Type", value: route.contentType)
                response.add(name: "Content-Length", value: String(body.utf8.count))
                response.add(name: "Connection", value: "close")
                let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: response)
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                if !body.isEmpty {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
            }
        }
    }
}
