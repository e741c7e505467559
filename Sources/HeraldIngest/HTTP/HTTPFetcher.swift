import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A minimal HTTP/1.1 GET client for feed polling, on the same NIO event loops as the server.
///
/// Feeds need very little — one GET, redirects, conditional headers, a deadline and a size cap — and every piece
/// of it must be bounded: a feed that never answers, answers forever or answers gigabytes must cost a poll, not
/// the server. Doing it on NIO keeps those bounds in our hands (FoundationNetworking's URLSession is a separate
/// curl-driven stack with its own threads and timeouts).
public struct HTTPFetcher: Sendable {
    /// Why a fetch failed, in words a log line or an operator can use.
    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        public var description: String
    }

    /// A complete response.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        /// Where the body came from after redirects.
        public var url: URL

        public func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// The whole exchange, connect to last byte, per request.
    public var timeout: Duration
    /// A larger body is refused.
    public var maximumBodyBytes: Int
    public var maximumRedirects = 5
    public var userAgent = "herald-feed-poller/1"
    private let group: any EventLoopGroup
    private let tls: NIOSSLContext?

    public init(timeout: Duration = .seconds(20), maximumBodyBytes: Int = 16 << 20, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton)
    {
        self.timeout = timeout
        self.maximumBodyBytes = maximumBodyBytes
        self.group = group
        // System trust roots; a feed over https with a bad certificate fails like any other fetch.
        self.tls = try? NIOSSLContext(configuration: .makeClientConfiguration())
    }

    /// GETs `url`, following redirects, with extra request headers (conditional GET validators).
    public func get(_ url: URL, headers extra: [(String, String)] = []) async throws(Failure) -> Response {
        var current = url
        for _ in 0...maximumRedirects {
            let response = try await fetchOnce(current, headers: extra)
            guard [301, 302, 303, 307, 308].contains(response.status) else { return response }
            guard let location = response.header("Location"), let next = URL(string: location, relativeTo: current)?.absoluteURL
            else { throw Failure(description: "HTTP \(response.status) redirect without a usable Location") }
            current = next
        }
        throw Failure(description: "more than \(maximumRedirects) redirects")
    }

    private func fetchOnce(_ url: URL, headers extra: [(String, String)]) async throws(Failure) -> Response {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw Failure(description: "only http and https feed URLs are supported: \(url.absoluteString)")
        }
        guard let host = url.host, !host.isEmpty else { throw Failure(description: "no host in \(url.absoluteString)") }
        let secure = scheme == "https"
        let port = url.port ?? (secure ? 443 : 80)
        if secure, tls == nil { throw Failure(description: "TLS is unavailable for \(url.absoluteString)") }
        let tlsContext = secure ? tls : nil
        var target = url.path.isEmpty ? "/" : url.path
        if let query = url.query { target += "?" + query }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target)
        let defaultPort = (secure && port == 443) || (!secure && port == 80)
        head.headers.add(name: "Host", value: defaultPort ? host : "\(host):\(port)")
        head.headers.add(name: "User-Agent", value: userAgent)
        head.headers.add(name: "Accept", value: "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5")
        head.headers.add(name: "Connection", value: "close")
        for (name, value) in extra { head.headers.add(name: name, value: value) }

        let budget = TimeAmount.nanoseconds(
            Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        let deadline = NIODeadline.now() + budget
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(budget)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tlsContext {
                            let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: host)
                            try channel.pipeline.syncOperations.addHandler(handler)
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw Failure(description: "cannot connect to \(host):\(port): \(error)")
        }
        // The deadline closes the channel, which ends the exchange below wherever it is waiting.
        let timer = channel.channel.eventLoop.scheduleTask(deadline: deadline) {
            channel.channel.close(promise: nil)
        }
        defer { timer.cancel() }
        let limit = maximumBodyBytes
        let result: Result<Response, Failure>
        do {
            result = try await channel.executeThenClose { inbound, outbound in
                // One write for both parts: a server that answers and closes at once must not find half a
                // request still to be written (that would fail as I/O on a closed channel).
                try await outbound.write(contentsOf: [.head(head), .end(nil)])
                var status = 0
                var headers: [(name: String, value: String)] = []
                var body: [UInt8] = []
                for try await part in inbound {
                    switch part {
                    case .head(let responseHead):
                        status = Int(responseHead.status.code)
                        headers = responseHead.headers.map { (name: $0.name, value: $0.value) }
                    case .body(let buffer):
                        guard body.count + buffer.readableBytes <= limit else {
                            return .failure(Failure(description: "response larger than \(limit) bytes"))
                        }
                        body.append(contentsOf: buffer.readableBytesView)
                    case .end:
                        return .success(Response(status: status, headers: headers, body: body, url: url))
                    }
                }
                return .failure(Failure(description: "connection closed before the response was complete"))
            }
        } catch {
            result = .failure(Failure(description: "\(error)"))
        }
        switch result {
        case .success(let response): return response
        case .failure(let failure):
            if NIODeadline.now() >= deadline { throw Failure(description: "timed out after \(timeout)") }
            throw failure
        }
    }
}
