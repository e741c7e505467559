import ArgumentParser
import Foundation
import HeraldCore
import HeraldIngest
import HeraldRules
import HeraldServer
import Logging

/// `herald serve`: run the TLS alert server.
public struct ServeCommand: AsyncParsableCommand {
    /// The command's name and its man-page-like help.
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Herald server: TLS line protocol, live alerts as JSON lines.",
        discussion: """
            Loads the rules in --rules, listens with TLS on --host:--port, and serves the line protocol described \
            in PROTOCOL.md: clients SUB to rule globs and receive each alert as one JSON line the moment an \
            article published with PUB or ARTICLE matches.

            TLS: with no --cert/--key, the server certificate and key are read from --certs (server.pem, \
            server-key.pem). When they are missing, a local development CA (ca.pem, ca-key.pem) and a server \
            certificate for localhost, 127.0.0.1 and ::1 are generated there (ECDSA P-256, keys mode 0600), and \
            the commands to connect are printed. TLS 1.2 is the minimum, TLS 1.3 is preferred, and only \
            forward-secret AEAD cipher suites are offered. --client-ca turns on mutual TLS: clients must present \
            a certificate signed by that CA.

            Rules: when the rule folder has errors, each is printed to standard error as file:line:col and the \
            server does not start.

            Stopping: SIGINT (Ctrl-C) or SIGTERM stops accepting connections, sends every client a `bye` line, \
            waits for their queues to drain, and exits with status 0. SIGHUP reloads the rules (as RELOAD): \
            a rule set with errors is refused and the old one keeps serving.

            Roles: with no auth file (--auth-file, or <data>/tokens) the server is in protected mode: it listens \
            on loopback only and every client has every role; it refuses a non-loopback --host. Create tokens \
            with `herald token add NAME --roles subscribe,publish,admin`.

            Logs go to standard error with connection id, peer, command and close reason as metadata.

            Exit status: 0 after a graceful shutdown; 1 when rules, certificates or the listening address are \
            unusable.
            """
    )

    /// `--host`.
    @Option(help: "The address to listen on. Loopback by default; use 0.0.0.0 or :: to accept remote clients.")
    public var host = "127.0.0.1"

    /// `--port`.
    @Option(help: "The TCP port to listen on (0 picks a free port, printed at start-up).")
    public var port = 7443

    /// `--rules`.
    @Option(help: ArgumentHelp("The rule folder (every *.rules file in it), or one .rules file.", valueName: "dir"))
    public var rules = "Rules"

    /// `--certs`.
    @Option(
        help: ArgumentHelp(
            "Where the development CA and server certificate live, generated on first start.", valueName: "dir"))
    public var certs = "certs"

    /// `--data`.
    @Option(help: ArgumentHelp("The folder for server state (created if missing).", valueName: "dir"))
    public var data = ".herald"

    /// `--cert`.
    @Option(help: ArgumentHelp("Your own server certificate chain (PEM); needs --key.", valueName: "file"))
    public var cert: String?

    /// `--key`.
    @Option(help: ArgumentHelp("The private key (PEM) for --cert.", valueName: "file"))
    public var key: String?

    /// `--client-ca`.
    @Option(
        name: .customLong("client-ca"),
        help: ArgumentHelp("Require client certificates signed by the CA in this PEM file (mutual TLS).", valueName: "file"))
    public var clientCA: String?

    /// `--max-line-bytes`.
    @Option(help: "The longest accepted protocol line in bytes; a longer line gets line_too_long and is disconnected.")
    public var maxLineBytes = 1 << 20

    /// `--max-connections`.
    @Option(
        help: """
            The most connections open at once, handshaking ones included; one more gets too_many_connections \
            and is closed (0: no limit).
            """)
    public var maxConnections = 10_000

    /// `--max-connections-per-address`.
    @Option(help: "The most connections open at once from one IP address, loopback included (0: no limit).")
    public var maxConnectionsPerAddress = 1_000

    /// `--idle-timeout`.
    @Option(
        help: ArgumentHelp(
            """
            How long a connection with no subscription that has never published may go without sending a \
            command before it gets idle_timeout and is closed: a number and s, m or h (0: never).
            """, valueName: "duration"))
    public var idleTimeout = "60s"

    /// `--publish-rate`.
    @Option(
        help: """
            Articles (PUB, ARTICLE) one connection may publish per second; beyond it the article is refused with \
            rate_limited and retry_after_ms (0: no limit).
            """)
    public var publishRate = 200.0

    /// `--publish-burst`.
    @Option(
        help: ArgumentHelp(
            "Articles a connection may publish at once before --publish-rate applies (default: twice the rate).",
            valueName: "n"))
    public var publishBurst: Int?

    /// `--retain`.
    @Option(
        help: ArgumentHelp(
            "How long alerts are kept for replay: a number and s, m, h, d or w (e.g. 30d); 0 keeps them forever.",
            valueName: "duration"))
    public var retain = "30d"

    @Option(help: ArgumentHelp("Keep at most this many of the newest alert-log lines (default: no limit).", valueName: "n"))
    public var retainCount: Int?

    @Flag(
        help: """
            Store repeats of an alert inside its rule's dedup window without pushing them as `update` lines \
            (they are pushed by default).
            """)
    public var quietUpdates = false

    /// `--auth-file`.
    @Option(
        name: .customLong("auth-file"),
        help: ArgumentHelp(
            "Tokens and client-certificate roles (see README). Default: <data>/tokens when it exists; without one, "
                + "the server runs in protected mode (loopback only, every role).", valueName: "file"))
    public var authFile: String?

    /// `--metrics-port`.
    @Option(help: "Serve Prometheus metrics over plain HTTP on 127.0.0.1:<port>/metrics (off by default).")
    public var metricsPort: Int?

    @Option(
        help: ArgumentHelp(
            "A folder to watch: article files renamed into it are published, then moved to done/ or failed/.",
            valueName: "dir"))
    public var watch: String?

    @Option(help: ArgumentHelp("How often to look in --watch, in seconds.", valueName: "seconds"))
    public var watchInterval: Double = 2

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    public var logLevel = "info"

    /// Creates the command with its defaults (ArgumentParser fills in the options).
    public init() {}

    /// Rejects option combinations that cannot work, before anything starts.
    public func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (cert == nil) == (key == nil) else { throw ValidationError("--cert and --key go together") }
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be between 0 and 65535")
        }
        guard maxLineBytes >= 64 else { throw ValidationError("--max-line-bytes must be at least 64") }
        guard maxConnections >= 0, maxConnectionsPerAddress >= 0 else {
            throw ValidationError("--max-connections and --max-connections-per-address cannot be negative")
        }
        guard Self.seconds(idleTimeout) != nil else {
            throw ValidationError("--idle-timeout takes a number and a unit (s, m, h), such as 60s; 0 turns it off")
        }
        guard publishRate >= 0, publishRate.isFinite else { throw ValidationError("--publish-rate cannot be negative") }
        if let publishBurst, publishBurst < 1 { throw ValidationError("--publish-burst must be at least 1") }
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// Loads rules and certificates, then serves until SIGINT or SIGTERM.
    public func run() async throws {
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "herald.server")

        // Before anything is generated or opened: protected mode refuses a public address outright.
        let auth = try loadAuth()
        let outcome = RuleSetLoader().load(rules)
        for diagnostic in outcome.diagnostics {
            StandardStreams.error(diagnostic.rendered)
        }
        guard let ruleSet = outcome.ruleSet else {
            StandardStreams.error("herald serve: the rules in '\(rules)' have errors; not starting")
            throw ExitCode.failure
        }
        logger.info("rules loaded", metadata: ["rules": "\(ruleSet.rules.count)", "hash": "\(ruleSet.hash)"])

        do {
            try FileManager.default.createDirectory(
                atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            StandardStreams.error("herald serve: cannot create the data folder '\(data)': \(error.localizedDescription)")
            throw ExitCode.failure
        }

        let tls: TLSSettings
        let caFile: String?
        if let cert, let key {
            tls = TLSSettings(certificateChainPath: cert, privateKeyPath: key, clientCAPath: clientCA)
            caFile = nil
        } else {
            let (files, created) = try ensureDevelopmentCertificates()
            if created {
                StandardStreams.error(
                    "herald serve: generated a development CA and server certificate in \(certs)/ (trust \(certs)/ca.pem)")
            }
            tls = TLSSettings(
                certificateChainPath: files.serverCertificate.path, privateKeyPath: files.serverKey.path,
                clientCAPath: clientCA)
            caFile = (certs as NSString).appendingPathComponent("ca.pem")
        }

        var configuration = HeraldServerConfiguration(host: host, port: port, tls: tls)
        configuration.auth = auth
        configuration.metricsPort = metricsPort
        configuration.maximumLineBytes = maxLineBytes
        configuration.maximumArticleBytes = max(maxLineBytes, 1 << 20)
        configuration.version = HeraldVersion.current
        configuration.maximumConnections = maxConnections
        configuration.maximumConnectionsPerAddress = maxConnectionsPerAddress
        let idleSeconds = Self.seconds(idleTimeout) ?? 60
        configuration.idleTimeout = idleSeconds > 0 ? .seconds(Int64(idleSeconds)) : nil
        configuration.publishRate = publishRate
        configuration.publishBurst = publishBurst
        let connectHost = Self.connectHost(for: host)
        let configuredPort = port
        configuration.onServerRunning = { address in
            Self.printConnectCommands(host: connectHost, port: address.port ?? configuredPort, caFile: caFile)
        }
        guard let retentionSeconds = Self.seconds(retain) else {
            throw ValidationError("--retain takes a number and a unit (s, m, h, d, w), such as 30d; 0 keeps forever")
        }
        configuration.retentionAge = retentionSeconds > 0 ? Double(retentionSeconds) : nil
        configuration.retentionCount = retainCount
        let storePath = (data as NSString).appendingPathComponent("alerts.sqlite")
        let store: SQLiteAlertStore
        let engine: AlertEngine
        do {
            store = try SQLiteAlertStore(path: storePath)
            engine = try await AlertEngine(ruleSet: ruleSet, store: store, pushUpdates: !quietUpdates)
        } catch {
            StandardStreams.error("herald serve: cannot open the alert log \(storePath): \(error)")
            throw ExitCode.failure
        }
        logger.info("alert log open", metadata: ["path": "\(storePath)"])
        let rulesPath = rules
        // The server knows no rule syntax: it calls this for RELOAD and SIGHUP.
        configuration.reloadRules = {
            let outcome = RuleSetLoader().load(rulesPath)
            guard let ruleSet = outcome.ruleSet else {
                return .failed(diagnostics: outcome.diagnostics.map(\.description))
            }
            return .reloaded(await engine.install(ruleSet))
        }
        let server = HeraldServer(configuration: configuration, engine: engine, logger: logger)
        var watcher: Task<Void, Never>?
        if let watch {
            let folder = URL(fileURLWithPath: watch, isDirectory: true)
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let ingest = FolderIngest(folder: folder, engine: engine, logger: logger)
            let interval = Duration.milliseconds(Int(max(0.05, watchInterval) * 1000))
            watcher = Task { await ingest.run(interval: interval) }
        }
        defer { watcher?.cancel() }
        do {
            try await server.runUntilTerminated(logger: logger)
        } catch {
            await store.close()
            StandardStreams.error("herald serve: \(error)")
            throw ExitCode.failure
        }
        await store.close()
    }

    /// Reads the auth file, and refuses protected mode beyond loopback before anything starts.
    private func loadAuth() throws -> AuthFile? {
        let defaultPath = (data as NSString).appendingPathComponent("tokens")
        let path = authFile ?? (FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil)
        guard let path else {
            guard ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.") else {
                StandardStreams.error("herald serve: \(ProtectedModeError(host: host))")
                throw ExitCode.failure
            }
            return nil
        }
        do {
            return try AuthFile.load(path: path)
        } catch let error as AuthFile.ParseError {
            StandardStreams.error("herald serve: \(path): \(error)")
            throw ExitCode.failure
        } catch {
            StandardStreams.error("herald serve: cannot read the auth file \(path): \(error.localizedDescription)")
            throw ExitCode.failure
        }
    }

    /// `90s`, `30m`, `24h`, `30d`, `2w`, or `0`.
    static func seconds(_ text: String) -> Int? {
        if text == "0" { return 0 }
        guard let unit = text.last, let amount = Int(text.dropLast()), amount > 0 else { return nil }
        let scale = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800][String(unit)]
        return scale.map { amount * $0 }
    }

    private func ensureDevelopmentCertificates() throws -> (DevelopmentCertificates, created: Bool) {
        var hostnames = ["localhost"]
        var addresses = ["127.0.0.1", "::1"]
        // Listening on a specific non-loopback address: put it in the certificate too, so clients can verify it.
        if !["127.0.0.1", "::1", "localhost", "0.0.0.0", "::"].contains(host) {
            if host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) {
                addresses.append(host)
            } else {
                hostnames.append(host)
            }
        }
        do {
            return try DevelopmentCertificates.ensure(
                in: URL(fileURLWithPath: certs, isDirectory: true), hostnames: hostnames, ipAddresses: addresses)
        } catch {
            StandardStreams.error("herald serve: \(error)")
            throw ExitCode.failure
        }
    }

    /// Certificates name `localhost`, and clients verify names, so loopback and wildcard addresses connect as it.
    static func connectHost(for host: String) -> String {
        ["127.0.0.1", "::1", "0.0.0.0", "::", "localhost"].contains(host) ? "localhost" : host
    }

    static func printConnectCommands(host: String, port: Int, caFile: String?) {
        var lines = ["herald serve: listening on \(host):\(port) (TLS). Connect with:"]
        if let caFile {
            lines += [
                "  openssl s_client -quiet -CAfile \(caFile) -connect \(host):\(port)",
                "  ncat --ssl --ssl-verify --ssl-trustfile \(caFile) \(host) \(port)",
                "  socat - OPENSSL:\(host):\(port),cafile=\(caFile)",
            ]
        } else {
            lines += [
                "  openssl s_client -quiet -connect \(host):\(port)",
                "  (add -CAfile <your CA> if the certificate is not signed by a system-trusted CA)",
            ]
        }
        lines.append("then type HELP, SUB *, or PUB {\"title\":\"…\",\"body\":\"…\"}")
        // Unbuffered: stdout is usually a pipe or a file for a server, and these lines are wanted now, not at exit.
        StandardStreams.output(Array((lines.joined(separator: "\n") + "\n").utf8))
    }
}
