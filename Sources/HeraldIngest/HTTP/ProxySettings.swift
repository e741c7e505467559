import Foundation

/// Which proxy, if any, a feed fetch goes through: the environment variables curl reads, read the way curl reads
/// them.
///
/// - `http_proxy` for http URLs. `HTTP_PROXY` in capitals is ignored, as curl ignores it: where a program runs
///   under CGI, that variable is set from the client's `Proxy:` request header ("httpoxy").
/// - `https_proxy` or `HTTPS_PROXY` for https URLs.
/// - `no_proxy` or `NO_PROXY`: a comma-separated list of hosts fetched directly. `*` is every host; a name also
///   covers its subdomains (`example.com` and `.example.com` both cover `feeds.example.com`); an IP address
///   covers only itself (no CIDR ranges). Ports in entries are ignored.
///
/// A proxy is `[http://][user:password@]host[:port]` (port 1080 when none is given, as in curl). Only http
/// proxies are supported. The client (async-http-client) reaches http and https feeds alike through a `CONNECT`
/// tunnel, never with an absolute-form `GET http://…`; a proxy that allows `CONNECT` only to port 443 (Squid's
/// default configuration does) refuses http feeds, and the fetch fails saying so. A proxy variable Herald cannot
/// use fails each fetch it applies to, saying why, rather than silently going direct.
public struct ProxySettings: Sendable, Equatable {
    /// An http proxy, with the credentials to send it (`Proxy-Authorization: Basic`), if any.
    public struct Proxy: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var username: String?
        public var password: String?

        public init(host: String, port: Int, username: String? = nil, password: String? = nil) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
        }
    }

    /// The proxy for http URLs, as written (`http_proxy`).
    public var http: String?
    /// The proxy for https URLs, as written (`https_proxy`).
    public var https: String?
    /// Hosts reached directly (`no_proxy`), lowercased, without leading dots or ports.
    public var noProxy: [String]

    /// No proxy at all.
    public init(http: String? = nil, https: String? = nil, noProxy: [String] = []) {
        self.http = http
        self.https = https
        self.noProxy = noProxy
    }

    /// The settings in `environment` (the process's own by default in ``HTTPFetcher``).
    public init(environment: [String: String]) {
        func value(_ names: String...) -> String? {
            names.lazy.compactMap { environment[$0] }.map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        }
        let noProxy = (value("no_proxy", "NO_PROXY") ?? "").split(separator: ",").compactMap { raw -> String? in
            var entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            while entry.hasPrefix(".") { entry.removeFirst() }
            if entry.hasPrefix("[") {
                entry = String(entry.dropFirst().prefix { $0 != "]" })
            } else if entry.filter({ $0 == ":" }).count == 1, let colon = entry.firstIndex(of: ":") {
                entry = String(entry[..<colon])
            }
            return entry.isEmpty ? nil : entry
        }
        self.init(http: value("http_proxy"), https: value("https_proxy", "HTTPS_PROXY"), noProxy: noProxy)
    }

    /// The proxy to reach `url` through, or nil to go direct.
    public func proxy(for url: URL) throws(HTTPFetcher.Failure) -> Proxy? {
        let secure = url.scheme?.lowercased() == "https"
        guard let written = secure ? https : http else { return nil }
        guard let host = url.host?.lowercased(), !bypasses(host) else { return nil }
        return try Self.parse(written, variable: secure ? "https_proxy" : "http_proxy")
    }

    /// Whether `host` (lowercased) is on the `no_proxy` list.
    func bypasses(_ host: String) -> Bool {
        let host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        return noProxy.contains { entry in
            entry == "*" || entry == host || (!isAddress && host.hasSuffix("." + entry))
        }
    }

    static func parse(_ written: String, variable: String) throws(HTTPFetcher.Failure) -> Proxy {
        let withScheme = written.contains("://") ? written : "http://" + written
        guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty else {
            throw HTTPFetcher.Failure(description: "\(variable) \"\(written)\" is not a proxy URL")
        }
        guard components.scheme?.lowercased() == "http" else {
            throw HTTPFetcher.Failure(
                description: "\(variable) \"\(written)\": only http:// proxies are supported, not \(components.scheme ?? "")://")
        }
        return Proxy(
            host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host,
            port: components.port ?? 1080,
            username: components.percentEncodedUser.map { $0.removingPercentEncoding ?? $0 },
            password: components.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 })
    }
}
