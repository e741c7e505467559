import Foundation
import HeraldProtocol
import HeraldServer
import NIOCore
import NIOPosix
import NIOSSL
import Testing

/// A TLS line client for tests, in the spirit of nats-server's `send`/`expect`: protocol tests read like transcripts.
final class TestClient: Sendable {
    let channel: any Channel
    let inbox: LineInbox

    private init(channel: any Channel, inbox: LineInbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Connects with TLS to 127.0.0.1:`port`, verifying the server against `caPath` as `localhost`; from
    /// `localAddress` when given (another loopback address such as 127.0.0.2 is another client address).
    static func connect(
        port: Int, caPath: String, certificate: (chain: String, key: String)? = nil, receiveBuffer: Int? = nil,
        localAddress: String? = nil
    ) async throws -> TestClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caPath)
        if let certificate {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificate.chain.utf8)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(certificate.key.utf8), format: .pem))
        }
        let context = try NIOSSLContext(configuration: tls)
        let inbox = LineInbox()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
        if let receiveBuffer {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer))
        }
        if let localAddress {
            bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: localAddress, port: 0))
        }
        let channel = try await bootstrap.channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 1 << 24)))
                try pipeline.addHandler(LineCollector(inbox: inbox))
            }
        }.connect(host: "127.0.0.1", port: port).get()
        return TestClient(channel: channel, inbox: inbox)
    }

    /// Connects and consumes the `hello` line.
    static func connected(to server: TestServer, receiveBuffer: Int? = nil, localAddress: String? = nil) async throws
        -> TestClient
    {
        let client = try await connect(
            port: server.port, caPath: server.caPath, receiveBuffer: receiveBuffer, localAddress: localAddress)
        let hello = try await client.expect("hello")
        #expect(hello["server"] as? String == "herald")
        return client
    }

    /// Sends one line (a `\n` is appended).
    func send(_ line: String) async throws {
        try await sendRaw(Array((line + "\n").utf8))
    }

    /// Sends bytes as they are.
    func sendRaw(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// The next line as text; fails the test on timeout or end of stream.
    func nextLine(timeout: Duration = .seconds(10), sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> String {
        switch await inbox.next(timeout: timeout) {
        case .line(let line): return line
        case .closed: throw TestFailure("connection closed while waiting for a line", sourceLocation)
        case .timedOut: throw TestFailure("no line within \(timeout)", sourceLocation)
        }
    }

    /// The next line parsed as a JSON object.
    func nextMessage(timeout: Duration = .seconds(10), sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws
        -> [String: Any]
    {
        let line = try await nextLine(timeout: timeout, sourceLocation: sourceLocation)
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(line)", sourceLocation)
        }
        return object
    }

    /// The next line, which must have the given `type`.
    @discardableResult
    func expect(_ type: String, timeout: Duration = .seconds(10), sourceLocation: Testing.SourceLocation = #_sourceLocation)
        async throws -> [String: Any]
    {
        let message = try await nextMessage(timeout: timeout, sourceLocation: sourceLocation)
        guard message["type"] as? String == type else {
            throw TestFailure("expected a \(type) line, got \(message)", sourceLocation)
        }
        return message
    }

    /// The next line must be an `error` with this code.
    @discardableResult
    func expectError(_ code: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let message = try await expect("error", sourceLocation: sourceLocation)
        #expect(message["code"] as? String == code, "\(message)", sourceLocation: sourceLocation)
        return message
    }

    /// Nothing arrives within `duration`.
    func expectNothing(for duration: Duration = .milliseconds(300), sourceLocation: Testing.SourceLocation = #_sourceLocation)
        async
    {
        let event = await inbox.next(timeout: duration)
        #expect(event == .timedOut, "expected silence, got \(event)", sourceLocation: sourceLocation)
    }

    /// The server closes the connection (after any lines still pending, which are returned).
    @discardableResult
    func expectClosed(timeout: Duration = .seconds(10), sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws
        -> [String]
    {
        var lines: [String] = []
        while true {
            switch await inbox.next(timeout: timeout) {
            case .line(let line): lines.append(line)
            case .closed: return lines
            case .timedOut: throw TestFailure("connection still open after \(timeout)", sourceLocation)
            }
        }
    }

    /// Sends a command and returns the reply, which must have the given `type`.
    @discardableResult
    func request(_ line: String, expecting type: String = "ok", sourceLocation: Testing.SourceLocation = #_sourceLocation)
        async throws -> [String: Any]
    {
        try await send(line)
        return try await expect(type, sourceLocation: sourceLocation)
    }

    func close() async {
        try? await channel.close()
    }
}

/// Pushes decoded lines into the inbox and marks it closed when the connection ends.
private final class LineCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let inbox: LineInbox

    init(inbox: LineInbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbox.push(String(buffer: unwrapInboundIn(data)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.close()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // The server closing without close_notify, or after an error line, is part of what tests check.
        context.close(promise: nil)
    }
}

/// A test failure carrying the caller's source location.
struct TestFailure: Error, CustomStringConvertible {
    var description: String

    init(_ message: String, _ location: Testing.SourceLocation) {
        self.description = "\(message) (\(location))"
    }
}
