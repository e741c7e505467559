import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL

/// A bounded HTTP GET client for feed polling, on async-http-client, on the same NIO event loops as the server.
///
/// Feeds need very little — one GET, redirects, conditional headers, a deadline and a size cap — and every piece
/// of it must be bounded: a feed that never answers, answers forever or answers gigabytes must cost a poll, not
/// the server. The bounds are kept here: one deadline for the whole exchange, redirects and body included (AHC's
/// own deadline stops at the response head of each request); a cap on the body as decompressed; at most
/// ``maximumRedirects`` redirects, followed here so each hop picks its own proxy.
///
/// Why async-http-client (AHC) rather than the hand-written NIO client this used to be: that client got the edges
/// of HTTP wrong one at a time (#17 item 12) — it decoded percent-escapes in the path before sending it, gave each
/// redirect the whole timeout, put an IP address in SNI (so https to an IP always failed), and had no gzip and no
/// proxy. AHC, maintained by the Swift server workgroup on the same SwiftNIO, already does these right (the path
/// as written, no SNI for an IP with the certificate checked against the address, gzip and deflate with a
/// decompression limit, http proxies through `CONNECT`), and the offline package set has it. The cost is build
/// time: it brings swift-nio-http2, swift-nio-extras and, through them, swift-crypto and swift-certificates,
/// about 2 minutes more of CPU for a cold debug build here (docs/RELIABILITY.md, "Feed HTTP client").
/// FoundationNetworking's URLSession was not an option: it is a separate curl-driven stack with its own threads
/// and timeouts, outside these bounds.
///
/// Each request (each redirect hop) uses an `HTTPClient` of its own, shut down before ``get(_:headers:)``
/// returns — succeeded, failed, timed out or cancelled — so the fetcher stays a plain value with nothing to shut
/// down, and a ``FeedPoller`` that stops leaves no client or connection behind. AHC takes its proxy per client,
/// and the proxy depends on each hop's scheme and host. Polls are minutes apart, longer than AHC or servers keep
/// an idle connection, so a longer-lived client would have little to reuse. The price, measured: nothing for
/// http, about 30 ms more per https request, for a new TLS context with the system's trust roots.
public struct HTTPFetcher: Sendable {
    /// Why a fetch failed, in words a log line or an operator can use.
    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        public var description: String
    }

    /// A complete response.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        /// The body, decompressed if the server sent it gzip- or deflate-encoded.
        public var body: [UInt8]
        /// Where the body came from after redirects.
        public var url: URL

        public func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// The whole exchange, first connect to last byte, redirects included.
    public var timeout: Duration
    /// A larger body, counted after decompression, is refused.
    public var maximumBodyBytes: Int
    public var maximumRedirects = 5
    public var userAgent = "herald-feed-poller/1"
    /// PEM files of certificate authorities trusted besides the system's.
    public var trustRoots: [String]
    /// The proxies to fetch through; the process environment's by default.
    public var proxies: ProxySettings
    private let group: any EventLoopGroup

    public init(
        timeout: Duration = .seconds(20), maximumBodyBytes: Int = 16 << 20,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, trustRoots: [String] = [],
        proxies: ProxySettings = ProxySettings(environment: ProcessInfo.processInfo.environment)
    ) {
        self.timeout = timeout
        self.maximumBodyBytes = maximumBodyBytes
        self.group = group
        self.trustRoots = trustRoots
        self.proxies = proxies
    }

    /// GETs `url`, following redirects, with extra request headers (conditional GET validators).
    public func get(_ url: URL, headers extra: [(String, String)] = []) async throws(Failure) -> Response {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let timeout = self.timeout
        // The exchange races the deadline; whichever ends first cancels the other, and the group waits for both,
        // so no request outlives this call.
        let outcome = await withTaskGroup(of: Result<Response, Failure>?.self) { group in
            group.addTask { await self.follow(url, headers: extra, deadline: deadline) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch outcome {
        case .success(let response)?: return response
        case .failure(let failure)?:
            if Task.isCancelled { throw Failure(description: "cancelled") }
            throw failure
        case nil: throw Failure(description: Task.isCancelled ? "cancelled" : "timed out after \(timeout)")
        }
    }

    private enum Hop {
        case response(Response)
        case redirect(URL)
    }

    private func follow(_ url: URL, headers extra: [(String, String)], deadline: NIODeadline) async -> Result<Response, Failure> {
        var current = url
        do throws(Failure) {
            for _ in 0...maximumRedirects {
                switch try await fetchOnce(current, headers: extra, deadline: deadline) {
                case .response(let response): return .success(response)
                case .redirect(let next): current = next
                }
            }
            return .failure(Failure(description: "more than \(maximumRedirects) redirects"))
        } catch {
            return .failure(error)
        }
    }

    /// One request, on a client of its own, configured for this URL's proxy.
    private func fetchOnce(_ url: URL, headers extra: [(String, String)], deadline: NIODeadline) async throws(Failure) -> Hop {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw Failure(description: "only http and https feed URLs are supported: \(url.absoluteString)")
        }
        guard let host = url.host, !host.isEmpty else { throw Failure(description: "no host in \(url.absoluteString)") }
        let proxy = try proxies.proxy(for: url)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.additionalTrustRoots = trustRoots.map { .file($0) }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            // Connecting (TCP, proxy tunnel, TLS) may take the whole timeout; the deadline ends it sooner.
            timeout: .init(connect: TimeAmount(timeout)),
            proxy: proxy.map { proxy in
                .server(
                    host: proxy.host, port: proxy.port,
                    authorization: proxy.username.map { .basic(username: $0, password: proxy.password ?? "") })
            },
            decompression: .enabled(limit: .size(maximumBodyBytes)))
        // One connection attempt, as before: AHC would otherwise try again with backoff until the deadline, so a
        // refused connection or a bad certificate would be logged as a timeout, the whole timeout later. The
        // poller tries again at the feed's next poll.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: group, configuration: configuration)
        let result: Result<Hop, Failure>
        do {
            result = .success(try await exchange(url, on: client, headers: extra, deadline: deadline))
        } catch {
            result = .failure(describe(error, url: url, host: host, proxy: proxy))
        }
        // Cancels whatever is still in flight (the unread body of a redirect) and closes the connection.
        try? await client.shutdown()
        return try result.get()
    }

    private func exchange(_ url: URL, on client: HTTPClient, headers extra: [(String, String)], deadline: NIODeadline)
        async throws -> Hop
    {
        // AHC sends the path and query as written (percent-escapes kept), and asks for gzip and deflate itself.
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: "Accept", value: "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5")
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, deadline: deadline)
        let status = Int(response.status.code)
        if [301, 302, 303, 307, 308].contains(status) {
            guard let location = response.headers.first(name: "Location"),
                let next = URL(string: location, relativeTo: url)?.absoluteURL
            else { throw Failure(description: "HTTP \(status) redirect without a usable Location") }
            return .redirect(next)
        }
        let body = try await response.body.collect(upTo: maximumBodyBytes)
        return .response(
            Response(
                status: status, headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: Array(body.readableBytesView), url: url))
    }

    /// An error from AHC, NIO or TLS in words: what went wrong, and with which host.
    private func describe(_ error: any Error, url: URL, host: String, proxy: ProxySettings.Proxy?) -> Failure {
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        let proxyName = proxy.map { "\($0.host):\($0.port)" } ?? "(none)"
        switch error {
        case let failure as Failure:
            return failure
        case is NIOTooManyBytesError, NIOHTTPDecompression.DecompressionError.limit:
            return Failure(description: "response larger than \(maximumBodyBytes) bytes")
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout, .tlsHandshakeTimeout,
                .httpProxyHandshakeTimeout, .getConnectionFromPoolTimeout:
                return Failure(description: "timed out after \(timeout)")
            case .invalidProxyResponse:
                return Failure(description: "proxy \(proxyName) refused the tunnel (CONNECT) to \(host):\(port)")
            case .proxyAuthenticationRequired:
                return Failure(description: "proxy \(proxyName) asks for credentials (407)")
            case .cancelled:
                return Failure(description: "cancelled")
            default:
                return Failure(description: "\(host):\(port): \(error)")
            }
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return Failure(description: "TLS with \(host):\(port) failed: \(error)")
        default:
            return Failure(description: "\(host):\(port): \(error)")
        }
    }
}
