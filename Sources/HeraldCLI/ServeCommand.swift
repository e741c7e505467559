import ArgumentParser
import CoreMetrics
import Foundation
import HeraldCertificates
import HeraldCore
import HeraldIngest
import HeraldRules
import HeraldServer
import HeraldStore
import HeraldStorePostgres
import Logging
import ServiceLifecycle

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
            a certificate signed by that CA. The server refuses to start when a private key (--key, or the keys in \
            --certs) is accessible by group or others, or when --certs or a folder holding a key is writable by \
            everyone; each problem is printed with the chmod that fixes it.

            Rules: when the rule folder has errors, each is printed to standard error as file:line:col and the \
            server does not start.

            Stopping: SIGINT (Ctrl-C) or SIGTERM stops accepting connections, sends every client a `bye` line, \
            waits for their queues to drain, and exits with status 0. SIGHUP reloads the rules (as RELOAD): \
            a rule set with errors is refused and the old one keeps serving.

            Roles: with no auth file (--auth-file, or <data>/tokens) the server is in protected mode: it listens \
            on loopback only and every client has every role; it refuses a non-loopback --host (loopback: an \
            address in 127.0.0.0/8, ::1, or localhost; not a name such as 127.0.0.1.nip.io). Create tokens \
            with `herald token add NAME --roles subscribe,publish,admin`.

            Configuration: --config FILE reads a TOML file with [server], [tls], [auth], [limits], [alerts], \
            [watch] and [[feed]] tables (every key is listed in README.md); relative paths in it are taken from \
            its folder, and any flag given on the command line overrides the file. `herald check --config FILE` \
            validates a file without starting a server.

            Ingest: --watch DIR publishes article files renamed into DIR; --feed URL (repeatable) polls RSS and \
            Atom feeds every --feed-interval with conditional GET and publishes new items.

            Logs go to standard error with connection id, peer, command and close reason as metadata.

            Exit status: 0 after a graceful shutdown; 1 when rules, certificates or the listening address are \
            unusable.
            """
    )

    /// `--config`.
    @Option(
        help: ArgumentHelp(
            "A config file (TOML; see README). Its relative paths are relative to its folder; flags override it.",
            valueName: "file"))
    public var config: String?

    /// `--host`.
    @Option(help: "The address to listen on (default 127.0.0.1). Use 0.0.0.0 or :: to accept remote clients.")
    public var host: String?

    /// `--port`.
    @Option(help: "The TCP port to listen on (default 7443; 0 picks a free port, printed at start-up).")
    public var port: Int?

    /// `--rules`.
    @Option(help: ArgumentHelp("The rule folder (every *.rules file in it), or one .rules file (default Rules).", valueName: "dir"))
    public var rules: String?

    /// `--certs`.
    @Option(
        help: ArgumentHelp(
            "Where the development CA and server certificate live, generated on first start (default certs).",
            valueName: "dir"))
    public var certs: String?

    /// `--data`.
    @Option(help: ArgumentHelp("The folder for server state, created if missing (default .herald).", valueName: "dir"))
    public var data: String?

    /// `--store`.
    @Option(
        help: ArgumentHelp(
            """
            Keep the alert log in PostgreSQL instead of SQLite in --data, so several nodes share it (cluster mode): \
            postgres://user@host:5432/db, with ?sslmode=require for TLS. A password comes from the URL, \
            --store-password-file or PGPASSWORD.
            """, valueName: "url"))
    public var store: String?

    /// `--node-name`.
    @Option(
        help: ArgumentHelp(
            "This server's name in a cluster, carried by hello and admin replies (default with --store: host:port).",
            valueName: "name"))
    public var nodeName: String?

    /// `--store-password-file`.
    @Option(help: ArgumentHelp("A file whose first line is the PostgreSQL password for --store.", valueName: "file"))
    public var storePasswordFile: String?

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
    @Option(
        help: """
            The longest accepted protocol line in bytes (default 1048576); a longer line gets line_too_long and is \
            disconnected.
            """)
    public var maxLineBytes: Int?

    /// `--max-connections`.
    @Option(
        help: """
            The most connections open at once, handshaking ones included (default 10000); one more gets \
            too_many_connections and is closed (0: no limit).
            """)
    public var maxConnections: Int?

    /// `--max-connections-per-address`.
    @Option(help: "The most connections open at once from one IP address, loopback included (default 1000; 0: no limit).")
    public var maxConnectionsPerAddress: Int?

    /// `--idle-timeout`.
    @Option(
        help: ArgumentHelp(
            """
            How long a connection with no subscription that has never published may go without sending a \
            command before it gets idle_timeout and is closed: a number and s, m or h (default 60s; 0: never).
            """, valueName: "duration"))
    public var idleTimeout: String?

    /// `--heartbeat`.
    @Option(
        help: ArgumentHelp(
            """
            How often a subscribed connection is sent a heartbeat line, so clients can tell a quiet server from a \
            dead one: a number and s, m or h (default 30s; 0: never).
            """, valueName: "duration"))
    public var heartbeat: String?

    /// `--dead-peer-timeout`.
    @Option(
        help: ArgumentHelp(
            """
            How long sent data may go unacknowledged (or an idle socket unanswered by TCP keepalive) before the \
            connection is dropped as dead: a number and s, m or h (default 90s; 0: the system's defaults).
            """, valueName: "duration"))
    public var deadPeerTimeout: String?

    /// `--publish-rate`.
    @Option(
        help: """
            Articles (PUB, ARTICLE) one connection may publish per second (default 200); beyond it the article is \
            refused with rate_limited and retry_after_ms (0: no limit).
            """)
    public var publishRate: Double?

    /// `--publish-burst`.
    @Option(
        help: ArgumentHelp(
            "Articles a connection may publish at once before --publish-rate applies (default: twice the rate).",
            valueName: "n"))
    public var publishBurst: Int?

    /// `--retain`.
    @Option(
        help: ArgumentHelp(
            "How long alerts are kept for replay: a number and s, m, h, d or w (default 30d); 0 keeps them forever.",
            valueName: "duration"))
    public var retain: String?

    @Option(help: ArgumentHelp("Keep at most this many of the newest alert-log lines (default: no limit).", valueName: "n"))
    public var retainCount: Int?

    /// `--archive-retain`.
    @Option(
        help: ArgumentHelp(
            "How long articles' texts are kept for `herald backtest`: a duration as for --retain (default: as long as the alert log); 0 keeps none.",
            valueName: "duration"))
    public var archiveRetain: String?

    @Flag(
        inversion: .prefixedNo,
        help: """
            Store repeats of an alert inside its rule's dedup window without pushing them as `update` lines \
            (they are pushed by default).
            """)
    public var quietUpdates: Bool?

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

    @Option(help: ArgumentHelp("How often to look in --watch, in seconds (default 2).", valueName: "seconds"))
    public var watchInterval: Double?

    @Option(
        name: .customLong("feed"),
        help: ArgumentHelp(
            "An RSS or Atom feed URL to poll; repeat for several. Replaces the config file's [[feed]] list.",
            valueName: "url"))
    public var feeds: [String] = []

    @Option(help: ArgumentHelp("How often to poll each --feed (default 5m).", valueName: "duration"))
    public var feedInterval: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).")
    public var logLevel: String?

    /// Creates the command with its defaults (ArgumentParser fills in the options).
    public init() {}

    /// Loads rules and certificates, then serves until SIGINT or SIGTERM.
    public func run() async throws {
        let settings = try settings()
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "herald.server")

        // Before anything is generated or opened: protected mode refuses a public address outright.
        let auth = try Self.loadAuth(settings)
        let outcome = RuleSetLoader().load(settings.rules)
        for diagnostic in outcome.diagnostics {
            StandardStreams.error(diagnostic.rendered)
        }
        guard let ruleSet = outcome.ruleSet else {
            StandardStreams.error("herald serve: the rules in '\(settings.rules)' have errors; not starting")
            throw ExitCode.failure
        }
        logger.info("rules loaded", metadata: ["rules": "\(ruleSet.rules.count)", "hash": "\(ruleSet.hash)"])

        do {
            try FileManager.default.createDirectory(
                atPath: settings.data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            StandardStreams.error(
                "herald serve: cannot create the data folder '\(settings.data)': \(error.localizedDescription)")
            throw ExitCode.failure
        }

        let tls: TLSSettings
        let caFile: String?
        if let cert = settings.cert, let key = settings.key {
            try Self.refuseUnsafeFiles(privateKeys: [key], folders: [])
            tls = TLSSettings(certificateChainPath: cert, privateKeyPath: key, clientCAPath: settings.clientCA)
            caFile = nil
        } else {
            // Checked before anything is generated (nothing goes into a folder anyone could have planted files in)
            // and again after, for what was generated.
            let layout = DevelopmentCertificates(directory: URL(fileURLWithPath: settings.certs, isDirectory: true))
            let keys = [layout.serverKey.path, layout.caKey.path]
            try Self.refuseUnsafeFiles(privateKeys: keys, folders: [settings.certs])
            let (files, created) = try Self.ensureDevelopmentCertificates(settings)
            try Self.refuseUnsafeFiles(privateKeys: keys, folders: [settings.certs])
            if created {
                StandardStreams.error(
                    "herald serve: generated a development CA and server certificate in \(settings.certs)/ "
                        + "(trust \(settings.certs)/ca.pem)")
            }
            tls = TLSSettings(
                certificateChainPath: files.serverCertificate.path, privateKeyPath: files.serverKey.path,
                clientCAPath: settings.clientCA)
            caFile = (settings.certs as NSString).appendingPathComponent("ca.pem")
        }

        var configuration = HeraldServerConfiguration(host: settings.host, port: settings.port, tls: tls)
        configuration.auth = auth
        configuration.nodeName = settings.nodeName
            ?? (settings.storeURL == nil ? nil : Self.defaultNodeName(port: settings.port))
        configuration.metricsPort = settings.metricsPort
        configuration.maximumLineBytes = settings.maxLineBytes
        configuration.maximumArticleBytes = max(settings.maxLineBytes, 1 << 20)
        configuration.version = HeraldVersion.current
        configuration.maximumConnections = settings.maxConnections
        configuration.maximumConnectionsPerAddress = settings.maxConnectionsPerAddress
        let idleSeconds = settings.idleTimeoutSeconds
        configuration.idleTimeout = idleSeconds > 0 ? .seconds(Int64(idleSeconds)) : nil
        let heartbeatSeconds = settings.heartbeatSeconds
        configuration.heartbeatInterval = heartbeatSeconds > 0 ? .seconds(Int64(heartbeatSeconds)) : nil
        let deadPeerSeconds = settings.deadPeerTimeoutSeconds
        configuration.deadPeerTimeout = deadPeerSeconds > 0 ? .seconds(Int64(deadPeerSeconds)) : nil
        configuration.publishRate = settings.publishRate
        configuration.publishBurst = settings.publishBurst
        let connectHost = Self.connectHost(for: settings.host)
        let configuredPort = settings.port
        configuration.onServerRunning = { address in
            Self.printConnectCommands(host: connectHost, port: address.port ?? configuredPort, caFile: caFile)
        }
        configuration.retentionAge = settings.retainSeconds > 0 ? Double(settings.retainSeconds) : nil
        configuration.retentionCount = settings.retainCount
        // The archive keeps texts at most as long as the log keeps the articles (they are pruned together).
        let archiveSeconds = settings.archiveRetainSeconds
        if let archiveSeconds, archiveSeconds > 0, settings.retainSeconds == 0 || archiveSeconds < settings.retainSeconds {
            configuration.archiveRetentionAge = Double(archiveSeconds)
        } else if let archiveSeconds, archiveSeconds > settings.retainSeconds, settings.retainSeconds > 0 {
            logger.notice(
                "the archive cannot outlive the alert log: article texts are kept as long as the log, not longer",
                metadata: ["archive_retain_s": "\(archiveSeconds)", "retain_s": "\(settings.retainSeconds)"])
        }
        let storePath = (settings.data as NSString).appendingPathComponent("alerts.sqlite")
        let store = try await Self.openStore(settings, storePath: storePath, logger: logger)
        let engine: AlertEngine
        do {
            engine = try await AlertEngine(
                ruleSet: ruleSet, store: store, pushUpdates: !settings.quietUpdates, archiving: archiveSeconds != 0)
        } catch {
            await store.close()
            StandardStreams.error("herald serve: cannot read the alert log: \(error)")
            throw ExitCode.failure
        }
        // Nodes on one PostgreSQL log announce themselves there, list each other in STATS and reload together.
        configuration.cluster = store as? PostgresAlertStore
        // The backtest a reload runs reads the archive, which only the SQLite log keeps so far.
        let backtestStorePath = settings.storeURL == nil ? storePath : nil
        let rulesPath = settings.rules
        // The server knows no rule syntax: it calls this for RELOAD and SIGHUP.
        configuration.reloadRules = {
            let outcome = RuleSetLoader().load(rulesPath)
            guard let ruleSet = outcome.ruleSet else {
                return .failed(diagnostics: Self.reloadDiagnostics(outcome.diagnostics))
            }
            var change = await engine.install(ruleSet)
            if let backtestStorePath {
                change.backtest = await Self.backtestDigest(ruleSet, storePath: backtestStorePath, logger: logger)
            }
            return .reloaded(change)
        }
        // Only main bootstraps: whatever counts through swift-metrics lands in the server's registry (/metrics).
        let metrics = ServerMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        let server = HeraldServer(configuration: configuration, engine: engine, logger: logger, metrics: metrics)
        var sources = Self.ingestSources(settings, engine: engine, logger: logger)
        if let shared = store as? PostgresAlertStore, !sources.isEmpty {
            // In a cluster the folder and the feeds are read by one node at a time.
            sources = [ExclusiveIngest(lease: shared.ingestLease(), sources: sources, logger: logger)]
        }
        do {
            // The store stops last and the ingest sources first: a file taken during SIGTERM is finished, not
            // sent to failed/ by a store closed under it.
            try await server.runUntilTerminated(
                logger: logger, underlying: [StoreService(store: store)], sources: sources)
        } catch {
            await store.close()
            StandardStreams.error("herald serve: \(error)")
            throw ExitCode.failure
        }
        await store.close()
    }

    /// A failed reload's diagnostics for the server, each keeping its severity so `RELOAD` counts errors and
    /// warnings apart, as `herald check` does.
    static func reloadDiagnostics(_ diagnostics: [Diagnostic]) -> [ReloadDiagnostic] {
        // The hint goes along, as `herald check` prints it: a RELOAD is where a typo is found in a running server.
        diagnostics.map { diagnostic in
            ReloadDiagnostic(
                diagnostic.severity == .error ? .error : .warning,
                diagnostic.description + (diagnostic.hint.map { " (hint: \($0))" } ?? ""))
        }
    }

    /// The watched folder and the feed poller: services publishing into the engine until shutdown.
    private static func ingestSources(_ settings: ServerSettings, engine: AlertEngine, logger: Logger) -> [any Service] {
        var services: [any Service] = []
        if let watch = settings.watch {
            let folder = URL(fileURLWithPath: watch, isDirectory: true)
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let interval = Duration.milliseconds(Int(max(0.05, settings.watchIntervalSeconds) * 1000))
            services.append(FolderIngest(folder: folder, engine: engine, interval: interval, logger: logger))
        }
        let feeds = settings.feeds.compactMap { feed in
            URL(string: feed.url).map { FeedPoller.Feed(url: $0, interval: .seconds(feed.intervalSeconds)) }
        }
        if !feeds.isEmpty {
            logger.info("polling feeds", metadata: ["feeds": "\(feeds.count)"])
            services.append(FeedPoller(feeds: feeds, engine: engine, logger: logger))
        }
        return services
    }

    /// Reads the auth file, and refuses protected mode beyond loopback before anything starts.
    private static func loadAuth(_ settings: ServerSettings) throws -> AuthFile? {
        let defaultPath = (settings.data as NSString).appendingPathComponent("tokens")
        let path = settings.authFile ?? (FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil)
        let host = settings.host
        guard let path else {
            guard HeraldServer.isLoopback(host) else {
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

    /// Refuses to start, naming each file and the command that fixes it, when a private key is readable by
    /// others or a folder holding keys is writable by everyone (``KeyFilePermissions``; README, "TLS files").
    private static func refuseUnsafeFiles(privateKeys: [String], folders: [String]) throws {
        let problems = KeyFilePermissions.problems(privateKeys: privateKeys, folders: folders)
        guard !problems.isEmpty else { return }
        for problem in problems { StandardStreams.error("herald serve: \(problem)") }
        StandardStreams.error("herald serve: not starting until the TLS files above are safe")
        throw ExitCode.failure
    }

    private static func ensureDevelopmentCertificates(_ settings: ServerSettings) throws -> (DevelopmentCertificates, created: Bool) {
        let host = settings.host
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
                in: URL(fileURLWithPath: settings.certs, isDirectory: true), hostnames: hostnames, ipAddresses: addresses)
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

extension ServeCommand {
    /// How long `RELOAD` spends, at most, matching the last day's archived articles with the new rules.
    static let reloadBacktestBudget = Duration.seconds(5)

    /// What the newly loaded rules would have raised over the last 24 hours of the archive, for `RELOAD`'s reply.
    /// Runs on a thread of its own: it reads SQLite and matches, neither of which may hold a thread of Swift's
    /// cooperative pool. `nil` (and a log line) when the archive cannot be read.
    static func backtestDigest(_ ruleSet: RuleSet, storePath: String, logger: Logger) async -> BacktestDigest? {
        let since = Date().addingTimeInterval(-86_400)
        let result: Result<BacktestDigest, any Error> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    returning: Result {
                        try BacktestDigest.run(
                            ruleSet: ruleSet, archive: try SQLiteArticleArchive(path: storePath), since: since,
                            budget: reloadBacktestBudget)
                    })
            }
            thread.name = "herald-reload-backtest"
            thread.start()
        }
        switch result {
        case .success(let digest):
            return digest
        case .failure(let error):
            logger.warning("reload: no backtest of the new rules", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
