import Foundation
import HeraldProtocol
import NIOCore
import NIOPosix
import NIOSSL

/// One server line: its `type` and the JSON text as received.
public struct ServerLine: Sendable {
    public var type: String
    public var text: String

    /// The parsed object (for the few fields a client needs).
    public var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}

/// Why a client connection failed.
public struct HeraldClientError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A TLS connection to a Herald server, line in, line out: the programmatic twin of `openssl s_client`.
public struct HeraldConnection {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// The server's `hello`.
    public private(set) var hello: ServerLine

    /// Connects, verifies the server, reads `hello` and, with a token, authenticates; then runs `body` and closes.
    public static func with<Result: Sendable>(
        _ options: HeraldClientOptions, _ body: (inout HeraldConnection) async throws -> Result
    ) async throws -> Result {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let caFile = options.caFile { tls.trustRoots = .file(caFile) }
        if let certificateFile = options.certificateFile, let keyFile = options.keyFile {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        }
        let context = try NIOSSLContext(configuration: tls)
        let serverName = options.host.first?.isLetter == true ? options.host : nil
        let maximumLine = options.maximumLineBytes
        let silenceTimeout = options.silenceTimeout
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: options.host == "localhost" ? "127.0.0.1" : options.host, port: options.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                    if let silenceTimeout {
                        try pipeline.addHandler(IdleStateHandler(readTimeout: silenceTimeout))
                        try pipeline.addHandler(SilentServerHandler(timeout: silenceTimeout))
                    }
                    try pipeline.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximumLine), maximumBufferSize: maximumLine + 2))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = HeraldConnection(
                inbound: inbound.makeAsyncIterator(), outbound: outbound, hello: ServerLine(type: "", text: ""))
            guard let hello = try await connection.nextLine(), hello.type == "hello" else {
                throw HeraldClientError("the server did not say hello: is this a Herald server?")
            }
            connection.hello = hello
            if let token = options.token {
                try await connection.send("AUTH \(token)")
                let reply = try await connection.reply()
                guard reply.type == "ok" else { throw HeraldClientError("authentication failed: \(reply.text)") }
            }
            return try await body(&connection)
        }
    }

    private init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        hello: ServerLine
    ) {
        self.inbound = inbound
        self.outbound = outbound
        self.hello = hello
    }

    /// Sends one command line.
    public func send(_ line: String) async throws {
        var buffer = ByteBuffer()
        buffer.writeString(line)
        buffer.writeString("\n")
        try await outbound.write(buffer)
    }

    /// The next line from the server, or `nil` when it closed the connection.
    public mutating func nextLine() async throws -> ServerLine? {
        guard let buffer = try await inbound.next() else { return nil }
        let text = String(buffer: buffer)
        return ServerLine(type: Self.type(of: text), text: text)
    }

    /// The next `ok` or `error`, skipping alerts and notices that arrive meanwhile.
    public mutating func reply() async throws -> ServerLine {
        while let line = try await nextLine() {
            if line.type == "ok" || line.type == "error" || line.type == "bye" { return line }
        }
        throw HeraldClientError("the server closed the connection")
    }

    /// The `type` field, read without parsing the whole object: every server line starts with it or with `v`.
    static func type(of text: String) -> String {
        guard let range = text.range(of: "\"type\":\"") else { return "" }
        let rest = text[range.upperBound...]
        return String(rest.prefix { $0 != "\"" })
    }
}

/// Fails the connection when the server has sent nothing for the silence timeout: a server that is gone, or a
/// path that dropped the connection without a reset (a NAT that forgot the mapping), otherwise looks just like a
/// quiet one forever.
final class SilentServerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let timeout: TimeAmount

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? IdleStateHandler.IdleStateEvent, event == .read {
            let milliseconds = timeout.nanoseconds / 1_000_000
            let shown = milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
            context.fireErrorCaught(
                HeraldClientError("the server sent nothing for \(shown) (no heartbeat): treating the connection as dead"))
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
