import Foundation
import HeraldCertificates
import HeraldCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTP server on 127.0.0.1, port 0, serving fixture feeds from memory, for tests; over TLS when given a context.
///
/// Each route answers with a status, headers and a body, honours `If-None-Match` against its ETag with a 304, or
/// never answers at all (`hang`), which is how a feed that times out looks. A route can answer only after a
/// `delay`, and serve gzip-compressed bytes to a request that accepts them. Every request is recorded (its target
/// exactly as it arrived) when it is complete, before any delay.
final class FixtureHTTPServer: Sendable {
    struct Route: Sendable {
        var status = 200
        var body = ""
        var contentType = "application/rss+xml; charset=utf-8"
        var etag: String?
        var location: String?
        var hang = false
        var delay: TimeAmount?
        /// Sent instead of `body`, with `Content-Encoding: gzip`, when the request's `Accept-Encoding` has gzip.
        var gzipped: [UInt8]?
    }

    struct Request: Sendable {
        var path: String
        var headers: [String: String]
    }

    private let routes: NIOLockedValueBox<[String: Route]>
    private let recorded: NIOLockedValueBox<[Request]>
    private let channel: any Channel
    private let secure: Bool
    let port: Int

    private init(
        channel: any Channel, secure: Bool, routes: NIOLockedValueBox<[String: Route]>, recorded: NIOLockedValueBox<[Request]>
    ) {
        self.channel = channel
        self.secure = secure
        self.routes = routes
        self.recorded = recorded
        self.port = channel.localAddress?.port ?? 0
    }

    static func start(_ initial: [String: Route] = [:], tls: NIOSSLContext? = nil) async throws -> FixtureHTTPServer {
        let routes = NIOLockedValueBox(initial)
        let recorded = NIOLockedValueBox<[Request]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(routes: routes, recorded: recorded))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FixtureHTTPServer(channel: channel, secure: tls != nil, routes: routes, recorded: recorded)
    }

    /// A server certificate for 127.0.0.1 (an IP address SAN, no host name) issued by a new development CA in
    /// `directory`; the CA file is what a client must trust.
    static func tlsContext(in directory: URL, ipAddresses: [String] = ["127.0.0.1"]) throws -> (NIOSSLContext, caFile: String) {
        let (files, _) = try DevelopmentCertificates.ensure(in: directory, hostnames: [], ipAddresses: ipAddresses)
        let chain = try NIOSSLCertificate.fromPEMFile(files.serverCertificate.path).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: files.serverKey.path, format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        return (try NIOSSLContext(configuration: configuration), files.caCertificate.path)
    }

    func url(_ path: String) -> String { "\(secure ? "https" : "http")://127.0.0.1:\(port)\(path)" }

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
                var body = Array(route.body.utf8)
                if let etag = route.etag {
                    response.add(name: "ETag", value: etag)
                    if headers["if-none-match"] == etag {
                        status = 304
                        body = []
                    }
                }
                if let gzipped = route.gzipped, status != 304, headers["accept-encoding"]?.contains("gzip") == true {
                    response.add(name: "Content-Encoding", value: "gzip")
                    body = gzipped
                }
                if let location = route.location { response.add(name: "Location", value: location) }
                response.add(name: "Content-Type", value: route.contentType)
                response.add(name: "Content-Length", value: String(body.count))
                response.add(name: "Connection", value: "close")
                let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: response)
                let answer = {
                    context.write(self.wrapOutboundOut(.head(responseHead)), promise: nil)
                    if !body.isEmpty {
                        context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
                    }
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                        context.close(promise: nil)
                    }
                }
                if let delay = route.delay {
                    context.eventLoop.assumeIsolated().scheduleTask(in: delay, answer)
                } else {
                    answer()
                }
            }
        }
    }
}

/// `bytes` compressed by the system's `gzip` (Debian's essential package), as a feed server would send them.
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let input = FileManager.default.temporaryDirectory.appendingPathComponent("herald-gzip-\(UUID().uuidString)")
    try Data(bytes).write(to: input)
    defer { try? FileManager.default.removeItem(at: input) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-c", "-n", input.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileReadUnknown) }
    return Array(compressed)
}
