import Foundation
import HeraldCore
import Logging
import NIOCore
import ServiceLifecycle
import Testing

@testable import HeraldIngest

@Suite("RSS and Atom feeds", .timeLimit(.minutes(1)))
struct FeedTests {
    static let rss = """
        <?xml version="1.0"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire</title>
        <link>https://example.com/</link>
        <item><title>Zebra &amp; friends</title><link>https://example.com/1</link><guid>z-1</guid>
        <pubDate>Thu, 06 Nov 2025 09:34:00 +0000</pubDate>
        <description><![CDATA[<p>A <b>zebra</b> was seen.</p><p>It ran&nbsp;away &#8212; fast.</p><script>var x = 1;</script>]]></description></item>
        <item><title>Weather</title><link>https://example.com/2</link><description>Rain.</description></item>
        </channel></rss>
        """

    static let atom = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title>
        <entry><id>tag:example.com,2025:a1</id><title>Another zebra</title>
        <link rel="self" href="https://example.com/feed/a1"/><link rel="alternate" href="https://example.com/a1"/>
        <updated>2025-11-06T10:00:00Z</updated><author><name>Desk</name></author>
        <content type="html">&lt;p&gt;One more zebra.&lt;/p&gt;</content></entry>
        </feed>
        """

    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test("RSS: entities, CDATA and HTML become text; scripts are dropped; RFC 822 dates become ISO-8601")
    func parseRSS() throws {
        let items = try FeedParser.parse(Array(Self.rss.utf8))
        #expect(items.count == 2)
        #expect(
            items[0]
                == FeedItem(
                    key: "z-1", title: "Zebra & friends", link: "https://example.com/1",
                    text: "A zebra was seen.\n\nIt ran away \u{2014} fast.", published: "2025-11-06T09:34:00Z"))
        // No guid: the link is the item's identity; no date: none is made up.
        #expect(items[1].key == "https://example.com/2")
        #expect(items[1].published == nil)
    }

    @Test("Atom: id, the alternate link (not self), escaped HTML content, nested author ignored")
    func parseAtom() throws {
        let items = try FeedParser.parse(Array(Self.atom.utf8))
        #expect(
            items == [
                FeedItem(
                    key: "tag:example.com,2025:a1", title: "Another zebra", link: "https://example.com/a1",
                    text: "One more zebra.", published: "2025-11-06T10:00:00Z")
            ])
    }

    @Test("HTML entities XML does not know, and bare ampersands, do not make the feed unreadable")
    func htmlEntities() throws {
        let feed = """
            <rss version="2.0"><channel><item><title>Caf&eacute; &mdash; AT&T &amp; more&hellip;</title>
            <description>Price&nbsp;rise &pound;5 &bogus; here</description></item></channel></rss>
            """
        let items = try FeedParser.parse(Array(feed.utf8))
        #expect(items.first?.title == "Caf\u{E9} \u{2014} AT&T & more\u{2026}")
        #expect(items.first?.text == "Price rise \u{A3}5 &bogus; here")
    }

    @Test("dates feeds really write are read; a wrong date is dropped, the item kept")
    func dates() throws {
        #expect(FeedDate.iso8601("Thu, 6 Nov 2025 09:34:00 GMT") == "2025-11-06T09:34:00Z")
        #expect(FeedDate.iso8601("Thu, 06 Nov 2025 04:34:00 -0500") == "2025-11-06T09:34:00Z")
        #expect(FeedDate.iso8601("2025-11-06T10:00:00.250+01:00") == "2025-11-06T09:00:00Z")
        #expect(FeedDate.iso8601("yesterday-ish") == nil)
        let feed = "<rss><channel><item><title>Zebra</title><pubDate>32 Smarch 2025</pubDate></item></channel></rss>"
        let items = try FeedParser.parse(Array(feed.utf8))
        #expect(items.count == 1 && items[0].published == nil && items[0].title == "Zebra")
    }

    @Test("malformed XML, a web page and binary are errors that say so, not crashes")
    func malformed() {
        #expect(throws: FeedParser.Failure.self) { try FeedParser.parse(Array("<rss><channel><item><title>x".utf8)) }
        do {
            _ = try FeedParser.parse(Array("<html><body>hi</body></html>".utf8))
            Issue.record("a web page parsed as a feed")
        } catch {
            #expect(error.description.contains("not an RSS or Atom feed"))
        }
        #expect(throws: FeedParser.Failure.self) { try FeedParser.parse([0xFF, 0x00, 0x3C]) }
        #expect(throws: FeedParser.Failure.self) { try FeedParser.parse([]) }
    }

    @Test("polling over HTTP: new items once, then a conditional GET answered 304; new items later; failures isolated")
    func polling() async throws {
        let server = try await FixtureHTTPServer.start([
            "/rss.xml": .init(body: Self.rss, etag: "\"v1\""),
            "/hang.xml": .init(hang: true),
            "/atom.xml": .init(body: Self.atom, contentType: "application/atom+xml"),
            "/broken.xml": .init(body: "<rss><channel><item>"),
            "/moved": .init(status: 301, location: "/atom.xml"),
        ])
        let names = ["/rss.xml", "/hang.xml", "/atom.xml", "/broken.xml", "/missing.xml", "/moved"]
        let feeds = names.compactMap { URL(string: server.url($0)) }.map { FeedPoller.Feed(url: $0) }
        try await FolderIngestTests.withEngine { engine in
            // 10 s: the hanging feed must time out, and the others must not, even with the whole suite running on
            // two cores (a loopback fetch once took over 5 s there).
            let poller = FeedPoller(
                feeds: feeds, engine: engine, fetcher: HTTPFetcher(timeout: .seconds(10)), logger: Self.logger)

            let first = await poller.pollAll()
            #expect(first[0].published == 2 && first[0].alerts == 1 && first[0].error == nil, "\(first[0])")
            #expect(first[1].error?.contains("timed out") == true)
            #expect(first[2].published == 1 && first[2].alerts == 1, "\(first[2])")
            #expect(first[3].error?.contains("malformed feed XML") == true)
            #expect(first[4].error == "HTTP 404")
            // The redirect leads to the Atom feed already published: its item is the same content, so no new alert.
            #expect(first[5].error == nil && first[5].published == 0 && first[5].skipped == 1, "\(first[5])")

            let second = await poller.pollAll()
            #expect(second[0].notModified)
            let conditional = server.requests.filter { $0.path == "/rss.xml" }.last
            #expect(conditional?.headers["if-none-match"] == "\"v1\"")
            // No validators on the Atom feed: fetched again, its item skipped as seen.
            #expect(!second[2].notModified && second[2].published == 0 && second[2].skipped == 1)

            let updated = Self.rss.replacingOccurrences(
                of: "<item><title>Weather",
                with: "<item><title>Zebra news</title><guid>z-2</guid><description>A third zebra.</description></item><item><title>Weather")
            server.set("/rss.xml", .init(body: updated, etag: "\"v2\""))
            let third = await poller.poll(feeds[0].url)
            #expect(third.published == 1 && third.skipped == 2 && third.alerts == 1, "\(third)")
        }
        await server.stop()
    }

    @Test("the fetcher refuses bodies over its limit and endless redirects, and non-HTTP URLs")
    func fetcherLimits() async throws {
        let server = try await FixtureHTTPServer.start([
            "/big": .init(body: String(repeating: "x", count: 5_000)),
            "/loop": .init(status: 302, location: "/loop"),
        ])
        // A deadline far beyond what the answers take, even on a loaded machine: the limits must end these, not it.
        let fetcher = HTTPFetcher(timeout: .seconds(60), maximumBodyBytes: 1_000)
        await #expect(throws: HTTPFetcher.Failure(description: "response larger than 1000 bytes")) {
            _ = try await fetcher.get(try #require(URL(string: server.url("/big"))))
        }
        await #expect(throws: HTTPFetcher.Failure(description: "more than 5 redirects")) {
            _ = try await fetcher.get(try #require(URL(string: server.url("/loop"))))
        }
        await #expect(throws: HTTPFetcher.Failure.self) {
            _ = try await fetcher.get(try #require(URL(string: "ftp://127.0.0.1/feed")))
        }
        await server.stop()
    }

    @Test("shutdown: the feed poller is a service; a fetch hanging on a silent server is abandoned, not waited out")
    func shutdownDuringFetch() async throws {
        let server = try await FixtureHTTPServer.start(["/hang.xml": .init(hang: true)])
        let url = try #require(URL(string: server.url("/hang.xml")))
        try await FolderIngestTests.withEngine { engine in
            // A timeout far beyond the test's time limit: only shutdown can end this fetch.
            let poller = FeedPoller(
                feeds: [FeedPoller.Feed(url: url)], engine: engine, fetcher: HTTPFetcher(timeout: .seconds(600)),
                logger: Self.logger)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [poller], logger: Self.logger))
            async let running: Void = group.run()
            // The event: the request reached the server, so the poll is waiting on it. Polled with a sleep, not
            // Task.yield: a yield loop kept a cooperative thread spinning for an hour when the request never came,
            // and a bound makes that a failure instead of a hang.
            var waited = 0
            while server.requests.isEmpty, waited < 3_000 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            try #require(!server.requests.isEmpty, "the poller never asked the server for the feed")
            await group.triggerGracefulShutdown()
            try await running
            #expect(server.requests.count == 1)
        }
        await server.stop()
    }

    // The feed HTTP client (#17 item 12): deadlineCoversRedirects, percentEncodedPath, httpsToIPAddress, gzipFeed
    // and fetchThroughProxy failed against the hand-written NIO client it replaced; the others guard what the
    // replacement could break.

    @Test("one deadline for the whole exchange: slow redirect hops add up to a timeout, though each is within it")
    func deadlineCoversRedirects() async throws {
        let hop = TimeAmount.milliseconds(700)
        let server = try await FixtureHTTPServer.start([
            "/hop1": .init(status: 302, location: "/hop2", delay: hop),
            "/hop2": .init(status: 302, location: "/hop3", delay: hop),
            "/hop3": .init(status: 302, location: "/hop4", delay: hop),
            "/hop4": .init(status: 302, location: "/rss.xml", delay: hop),
            "/rss.xml": .init(body: Self.rss),
        ])
        // Each hop's 0.7 s is well within the 2 s timeout; the four add up to 2.8 s. (No fetch here is expected to
        // succeed within 2 s: on a loaded machine even one slow hop might not.)
        let fetcher = HTTPFetcher(timeout: .seconds(2))
        let chain = try #require(URL(string: server.url("/hop1")))
        do {
            let response = try await fetcher.get(chain)
            Issue.record("four 0.7 s redirects fetched within a 2 s timeout: HTTP \(response.status) from \(response.url.path)")
        } catch {
            #expect(error.description.hasPrefix("timed out after"), "\(error)")
        }
        // The deadline ended the chain part-way: the feed itself was never asked for.
        let paths = server.requests.map { $0.path }
        #expect(!paths.contains("/rss.xml"), "\(paths)")
        await server.stop()
    }

    @Test("a percent-encoded path and query reach the server as written, not decoded")
    func percentEncodedPath() async throws {
        let target = "/a%2Fb%20c?q=x%26y"
        let server = try await FixtureHTTPServer.start([target: .init(body: Self.rss)])
        let response = try await HTTPFetcher(timeout: .seconds(30)).get(try #require(URL(string: server.url(target))))
        #expect(server.requests.map(\.path) == [target])
        #expect(response.status == 200)
        await server.stop()
    }

    @Test("https to an IP address: a certificate for that address is accepted; an untrusted one or another address's is not")
    func httpsToIPAddress() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (tls, caFile) = try FixtureHTTPServer.tlsContext(in: directory.appendingPathComponent("right"))
        let server = try await FixtureHTTPServer.start(["/rss.xml": .init(body: Self.rss)], tls: tls)
        let url = try #require(URL(string: server.url("/rss.xml")))
        #expect(url.scheme == "https" && url.host == "127.0.0.1")

        let response = try await HTTPFetcher(timeout: .seconds(30), trustRoots: [caFile]).get(url)
        #expect(response.status == 200 && response.body == Array(Self.rss.utf8))
        #expect(server.requests.count == 1)

        // Verification is on: without the development CA the same server is refused...
        // (A timeout far beyond the test's time limit: the refusal must come from the handshake, not the clock.)
        let untrusted = await #expect(throws: HTTPFetcher.Failure.self) { _ = try await HTTPFetcher(timeout: .seconds(600)).get(url) }
        #expect(untrusted?.description.hasPrefix("TLS with 127.0.0.1:\(server.port) failed") == true, "\(String(describing: untrusted))")
        // ...and so is a certificate from a trusted CA that names another address.
        let (otherTLS, otherCA) = try FixtureHTTPServer.tlsContext(
            in: directory.appendingPathComponent("wrong"), ipAddresses: ["192.0.2.7"])
        let other = try await FixtureHTTPServer.start(["/rss.xml": .init(body: Self.rss)], tls: otherTLS)
        let otherURL = try #require(URL(string: other.url("/rss.xml")))
        let mismatch = await #expect(throws: HTTPFetcher.Failure.self) {
            _ = try await HTTPFetcher(timeout: .seconds(600), trustRoots: [otherCA]).get(otherURL)
        }
        #expect(mismatch?.description.hasPrefix("TLS with 127.0.0.1:\(other.port) failed") == true, "\(String(describing: mismatch))")
        #expect(server.requests.count == 1 && other.requests.isEmpty)
        await other.stop()
        await server.stop()
    }

    @Test("a server that refuses the connection fails the fetch at once, with the reason, not at the timeout")
    func refusedConnection() async throws {
        // A port bound and not listening: connecting is refused, and no other test's server can take the port
        // meanwhile (a stopped server's port could be reused at once by one running in parallel).
        let socket = try ClosedPort()
        defer { socket.close() }
        let url = try #require(URL(string: "http://127.0.0.1:\(socket.port)/rss.xml"))
        // A timeout far beyond the test's time limit: retrying the connection until the deadline would not end.
        let failure = await #expect(throws: HTTPFetcher.Failure.self) { _ = try await HTTPFetcher(timeout: .seconds(600)).get(url) }
        let description = failure?.description ?? ""
        #expect(description.hasPrefix("127.0.0.1:\(socket.port): ") && description.contains("refused"), "\(description)")
    }

    @Test("gzip: asked for and decompressed; a small gzip body that inflates past the size cap is refused")
    func gzipFeed() async throws {
        let server = try await FixtureHTTPServer.start([
            "/rss.xml": .init(body: Self.rss, gzipped: try gzip(Array(Self.rss.utf8))),
            "/bomb": .init(gzipped: try gzip([UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20))),
        ])
        let fetcher = HTTPFetcher(timeout: .seconds(30), maximumBodyBytes: 100_000)
        let response = try await fetcher.get(try #require(URL(string: server.url("/rss.xml"))))
        #expect(server.requests.first?.headers["accept-encoding"]?.contains("gzip") == true, "\(server.requests)")
        #expect(response.status == 200 && response.body == Array(Self.rss.utf8))
        #expect(try FeedParser.parse(response.body).count == 2)
        // 1 MiB of "x" is about 1 KB on the wire: the cap is on what it inflates to.
        await #expect(throws: HTTPFetcher.Failure(description: "response larger than 100000 bytes")) {
            _ = try await fetcher.get(try #require(URL(string: server.url("/bomb"))))
        }
        await server.stop()
    }

    @Test("proxies from the environment, read as curl reads them")
    func proxySettings() throws {
        let settings = ProxySettings(environment: [
            "http_proxy": "http://user:p%40ss@proxy.example:3128/",
            "HTTPS_PROXY": "secure-proxy.example:8080",
            "no_proxy": "localhost, .internal.example,10.1.2.3",
        ])
        func url(_ string: String) throws -> URL { try #require(URL(string: string)) }
        #expect(
            try settings.proxy(for: url("http://feeds.example.com/rss"))
                == ProxySettings.Proxy(host: "proxy.example", port: 3128, username: "user", password: "p@ss"))
        #expect(try settings.proxy(for: url("https://feeds.example.com/rss")) == ProxySettings.Proxy(host: "secure-proxy.example", port: 8080))
        for direct in ["http://localhost:8080/", "https://a.internal.example/", "http://internal.example/", "http://10.1.2.3/"] {
            #expect(try settings.proxy(for: url(direct)) == nil, "\(direct)")
        }
        #expect(try settings.proxy(for: url("http://notinternal.example/")) != nil)
        #expect(try settings.proxy(for: url("http://10.1.2.30/")) != nil)
        #expect(try ProxySettings(environment: ["https_proxy": "p", "no_proxy": "*"]).proxy(for: url("https://a.example/")) == nil)
        #expect(try ProxySettings(environment: ["https_proxy": "p"]).proxy(for: url("https://a.example/"))?.port == 1080)
        // HTTP_PROXY in capitals is ignored, as curl ignores it: under CGI a client's "Proxy:" header sets it.
        #expect(try ProxySettings(environment: ["HTTP_PROXY": "http://p:1"]).proxy(for: url("http://a.example/")) == nil)
        #expect(throws: HTTPFetcher.Failure.self) {
            try ProxySettings(environment: ["https_proxy": "socks5://p:1080"]).proxy(for: url("https://a.example/"))
        }
    }

    @Test("http_proxy: a fetch goes through the proxy the environment names; no_proxy sends it direct")
    func fetchThroughProxy() async throws {
        let proxy = try await FixtureProxy.start(body: Self.rss)
        let environment = ["http_proxy": "http://127.0.0.1:\(proxy.port)"]
        // feeds.invalid cannot resolve (RFC 2606): only the proxy can answer for it.
        let viaProxy = HTTPFetcher(timeout: .seconds(30), proxies: ProxySettings(environment: environment))
        let response = try await viaProxy.get(try #require(URL(string: "http://feeds.invalid/rss.xml")))
        #expect(response.status == 200 && response.body == Array(Self.rss.utf8))
        let heads = proxy.heads
        #expect(heads.count == 2, "\(heads)")
        #expect(heads.first?.hasPrefix("CONNECT feeds.invalid:80 HTTP/1.1\r\n") == true, "\(heads)")
        #expect(heads.last?.hasPrefix("GET /rss.xml HTTP/1.1\r\n") == true, "\(heads)")

        let server = try await FixtureHTTPServer.start(["/rss.xml": .init(body: Self.rss)])
        let direct = HTTPFetcher(
            timeout: .seconds(30), proxies: ProxySettings(environment: environment.merging(["no_proxy": "127.0.0.1"]) { $1 }))
        #expect(try await direct.get(try #require(URL(string: server.url("/rss.xml")))).status == 200)
        #expect(server.requests.count == 1 && proxy.heads.count == 2)
        await server.stop()
        await proxy.stop()
    }

    @Test("a proxy that refuses the tunnel fails the fetch saying so, at once")
    func proxyRefusesTunnel() async throws {
        let proxy = try await FixtureProxy.start(body: Self.rss, refuseConnect: true)
        let fetcher = HTTPFetcher(
            timeout: .seconds(600), proxies: ProxySettings(environment: ["http_proxy": "127.0.0.1:\(proxy.port)"]))
        let failure = await #expect(throws: HTTPFetcher.Failure.self) {
            _ = try await fetcher.get(try #require(URL(string: "http://feeds.invalid/rss.xml")))
        }
        #expect(
            failure?.description == "proxy 127.0.0.1:\(proxy.port) refused the tunnel (CONNECT) to feeds.invalid:80",
            "\(String(describing: failure))")
        #expect(proxy.heads.count == 1)
        await proxy.stop()
    }
}

/// A TCP port on 127.0.0.1 that is bound but never listened on: connections to it are refused for as long as it
/// is held.
struct ClosedPort {
    let descriptor: Int32
    let port: Int

    struct Failure: Error {}

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure() }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        let named = bound == 0
            ? withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            } : -1
        guard named == 0 else {
            Glibc.close(fd)
            throw Failure()
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        Glibc.close(descriptor)
    }
}
