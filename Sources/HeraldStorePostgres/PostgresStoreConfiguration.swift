import Foundation
import HeraldStore
import NIOSSL
import PostgresNIO

/// Where the PostgreSQL alert log is and how to reach it, read from a `postgres://` URL as libpq reads one, with
/// the usual `PG*` environment variables and a password file filling what the URL leaves out.
///
/// `postgres://user:password@host:port/database?sslmode=require`; `postgresql://` too. A `host` parameter that is
/// a path (`postgres:///herald?host=/run/postgresql`) means a Unix socket in that folder. `sslmode` is libpq's:
/// `disable`, `allow` and `prefer` (the default) try TLS only as the server offers it, `require` insists on TLS
/// without checking the certificate, `verify-ca` checks it against `sslrootcert` (or the system's roots), and
/// `verify-full` also checks the host name.
public struct PostgresStoreConfiguration: Sendable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    /// The socket file when connecting through a Unix socket (`host` is then its folder).
    public var unixSocketPath: String?
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode
    /// CA certificates (PEM) for `verify-ca` and `verify-full`.
    public var rootCertificatePath: String?
    /// How long connecting may take before the store reports PostgreSQL unreachable.
    public var connectTimeout: TimeAmount = .seconds(5)
    /// How long one commit, prune or read may take before its connection is closed and it fails.
    public var operationTimeout: Duration = .seconds(15)

    public init(
        host: String = "localhost", port: Int = 5432, unixSocketPath: String? = nil, username: String,
        password: String? = nil, database: String, tlsMode: TLSMode = .prefer, rootCertificatePath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.unixSocketPath = unixSocketPath
        self.username = username
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
        self.rootCertificatePath = rootCertificatePath
    }

    /// Whether `text` is meant as a PostgreSQL URL (rather than a SQLite file path).
    public static func isPostgresURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Reads `url`; `environment` supplies `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`
    /// and `PGSSLROOTCERT` where the URL says nothing, and `passwordFile` (its first line) a password the URL does not
    /// give; the URL's own password comes first, then the file, then `PGPASSWORD`.
    ///
    /// - Throws: ``StorageError`` naming what is wrong, never echoing the password.
    public init(
        url: String, environment: [String: String] = ProcessInfo.processInfo.environment, passwordFile: String? = nil
    ) throws {
        guard Self.isPostgresURL(url) else {
            throw StorageError("the store URL must start with postgres:// or postgresql://, not \(Self.redacted(url))")
        }
        guard let components = URLComponents(string: url) else {
            throw StorageError("the store URL \(Self.redacted(url)) is not a valid URL")
        }
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value else { continue }
            parameters[item.name] = value
        }
        let known: Set = ["sslmode", "host", "port", "user", "password", "dbname", "sslrootcert", "connect_timeout"]
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw StorageError(
                "the store URL has the parameter \(unknown), which Herald does not know (known: \(known.sorted().joined(separator: ", ")))")
        }
        var host = components.percentEncodedHost.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
            ?? parameters["host"] ?? environment["PGHOST"] ?? "localhost"
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let portText = components.port.map(String.init) ?? parameters["port"] ?? environment["PGPORT"]
        var port = 5432
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw StorageError("the store URL's port \(portText) is not a port number (1 to 65535)")
            }
            port = value
        }
        let user = components.user?.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? parameters["user"]
            ?? environment["PGUSER"] ?? ProcessInfo.processInfo.userName
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        let database = path.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? parameters["dbname"]
            ?? environment["PGDATABASE"] ?? user
        guard !database.contains("/") else {
            throw StorageError("the store URL's database name \(database) contains a slash")
        }
        var password = components.password?.removingPercentEncoding ?? parameters["password"]
        if password == nil, let passwordFile {
            do {
                let text = try String(contentsOfFile: passwordFile, encoding: .utf8)
                password = text.split(separator: "\n", omittingEmptySubsequences: false).first.map {
                    String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
                }
            } catch {
                throw StorageError("the PostgreSQL password file \(passwordFile) cannot be read: \(error.localizedDescription)")
            }
        }
        if password == nil { password = environment["PGPASSWORD"] }
        let modeText = parameters["sslmode"] ?? environment["PGSSLMODE"] ?? TLSMode.prefer.rawValue
        guard let mode = TLSMode(rawValue: modeText) else {
            throw StorageError(
                "the store URL's sslmode \(modeText) is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.init(
            host: host, port: port, username: user, password: password, database: database, tlsMode: mode,
            rootCertificatePath: parameters["sslrootcert"] ?? environment["PGSSLROOTCERT"])
        if host.hasPrefix("/") {
            unixSocketPath = (host as NSString).appendingPathComponent(".s.PGSQL.\(port)")
        }
        if let timeout = parameters["connect_timeout"] {
            guard let seconds = Int(timeout), seconds > 0 else {
                throw StorageError("the store URL's connect_timeout \(timeout) is not a number of seconds")
            }
            connectTimeout = .seconds(Int64(seconds))
        }
    }

    /// The URL without its password, for logs and messages.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }

    /// Where the store connects, without the password: `user@host:port/database (sslmode)`.
    public var description: String {
        let place = unixSocketPath ?? "\(host):\(port)"
        return "\(username)@\(place)/\(database) (sslmode=\(tlsMode.rawValue))"
    }

    /// The configuration postgres-nio connects with.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let unixSocketPath {
            configuration = PostgresConnection.Configuration(
                unixSocketPath: unixSocketPath, username: username, password: password, database: database)
        } else {
            configuration = PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password, database: database, tls: try tls())
        }
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    private func tls() throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable:
            return .disable
        case .allow, .prefer, .require:
            // libpq's meaning: encrypted, certificate not checked.
            tls.certificateVerification = .none
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
        case .verifyFull:
            tls.certificateVerification = .fullVerification
        }
        if let rootCertificatePath {
            tls.trustRoots = .file(rootCertificatePath)
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw StorageError("TLS to PostgreSQL cannot be set up (sslrootcert \(rootCertificatePath ?? "none")): \(error)")
        }
        return tlsMode == .allow || tlsMode == .prefer ? .prefer(context) : .require(context)
    }
}
