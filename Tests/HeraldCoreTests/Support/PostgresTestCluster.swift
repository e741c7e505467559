import Foundation
import HeraldStore
import HeraldStorePostgres
import Synchronization

/// A private PostgreSQL server for the tests, started once per test process: `initdb` into a temporary folder,
/// `pg_ctl start` on a free 127.0.0.1 port with its Unix socket in that folder, trust authentication for the test
/// user `herald`. It is stopped and its folder deleted when the process exits. Each test asks for a database of its
/// own (``makeDatabase()``).
///
/// As root (CI, these machines) the server runs as the `postgres` user (`runuser -u postgres --`), since PostgreSQL
/// refuses to run as root; the folder is handed to that user. The binaries are looked for in `$HERALD_PG_BIN`, then
/// in the newest `/usr/lib/postgresql/*/bin`. Without them every test that needs PostgreSQL fails with
/// ``Unavailable``, saying how to install them: such a test never passes silently.
final class PostgresTestCluster: Sendable {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    let folder: URL
    /// Chosen again if another process takes it between finding it free and the server binding it.
    private let chosenPort: Atomic<Int>
    var port: Int { chosenPort.load(ordering: .relaxed) }
    let binaries: URL
    let socketFolder: URL
    private let databases = Atomic<Int>(0)
    /// Whether the server runs as the `postgres` user (we are root).
    let asPostgresUser: Bool

    private static let shared = Mutex<Result<PostgresTestCluster, Unavailable>?>(nil)
    private static let starting = Mutex(false)
    /// Every server started, stopped at exit.
    private static let started = Mutex<[PostgresTestCluster]>([])

    /// A server of the calling test's own, for tests that stop and start it (``stop()``, ``restart()``); stopped
    /// and deleted at exit like the shared one.
    static func startPrivate() async throws -> PostgresTestCluster {
        try await PostgresTestCluster()
    }

    /// The cluster of this test process, started on first use.
    static func start() async throws -> PostgresTestCluster {
        while true {
            if let existing = shared.withLock({ $0 }) { return try existing.get() }
            let mine = starting.withLock { starting -> Bool in
                if starting { return false }
                starting = true
                return true
            }
            if !mine {
                try await Task.sleep(for: .milliseconds(50))
                continue
            }
            let result: Result<PostgresTestCluster, Unavailable>
            do {
                result = .success(try await PostgresTestCluster())
            } catch let error as Unavailable {
                result = .failure(error)
            } catch {
                result = .failure(Unavailable(description: "the test PostgreSQL server did not start: \(error)"))
            }
            shared.withLock { $0 = result }
            return try result.get()
        }
    }

    /// Where the PostgreSQL server binaries are, or `nil`.
    static func findBinaries() -> URL? {
        let fileManager = FileManager.default
        if let configured = ProcessInfo.processInfo.environment["HERALD_PG_BIN"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? fileManager.contentsOfDirectory(atPath: root)) ?? [])
            .filter { fileManager.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        return versions.first.map { URL(fileURLWithPath: "\(root)/\($0)/bin") }
    }

    private init() async throws {
        guard let binaries = Self.findBinaries() else {
            throw Unavailable(
                description:
                    "PostgreSQL server binaries not found (looked in $HERALD_PG_BIN and /usr/lib/postgresql/*/bin/initdb): "
                    + "install Debian's postgresql package (apt-get install postgresql; .ci/run does this) to run the PostgreSQL tests")
        }
        self.binaries = binaries
        asPostgresUser = getuid() == 0
        folder = URL(fileURLWithPath: "/tmp/herald-pg-\(UUID().uuidString.prefix(8))")
        socketFolder = folder.appendingPathComponent("socket")
        try FileManager.default.createDirectory(at: socketFolder, withIntermediateDirectories: true)
        if asPostgresUser {
            try await Self.run("/bin/chown", ["-R", "postgres:postgres", folder.path])
        }
        chosenPort = Atomic(try Self.freePort())
        let data = folder.appendingPathComponent("data").path
        try await run(
            "initdb", ["-D", data, "-U", "herald", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
        // A port found free by binding port 0 can be taken by another test's server before PostgreSQL binds it
        // (initdb takes seconds): then the start fails with "Address already in use", and a new port is tried.
        var attempt = 1
        while true {
            do {
                try await restart()
                break
            } catch {
                let log = (try? String(contentsOf: folder.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
                guard attempt < 5, log.contains("Address already in use") else { throw error }
                attempt += 1
                chosenPort.store(try Self.freePort(), ordering: .relaxed)
            }
        }
        let first = Self.started.withLock { started in
            started.append(self)
            return started.count == 1
        }
        if first { atexit { PostgresTestCluster.stopAtExit() } }
        try? startWatchdog()
    }

    /// Starts the server (again, on the same port, with the same data).
    func restart() async throws {
        try await run(
            "pg_ctl",
            [
                "-D", folder.appendingPathComponent("data").path, "-l", folder.appendingPathComponent("server.log").path,
                "-w", "-t", "60", "-o",
                "-p \(port) -k \(socketFolder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
                "start",
            ])
    }

    /// Stops the server at once (`-m fast`: connections are closed, as when a database server goes down).
    func stop() async throws {
        try await run("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "fast", "-w", "stop"])
    }

    /// A new, empty database, and the store configuration that reaches it (TCP on loopback, no TLS).
    func makeDatabase() async throws -> PostgresStoreConfiguration {
        let name = "herald_test_\(databases.wrappingAdd(1, ordering: .relaxed).newValue)"
        try await run("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "herald", name])
        return PostgresStoreConfiguration(host: "127.0.0.1", port: port, username: "herald", database: name, tlsMode: .disable)
    }

    /// The URL of a database, as `herald serve --store` takes it.
    func url(of configuration: PostgresStoreConfiguration) -> String {
        "postgres://herald@127.0.0.1:\(port)/\(configuration.database)?sslmode=disable"
    }

    /// Runs SQL through psql against `database`; returns what it printed.
    @discardableResult
    func psql(_ database: String, _ sql: String) async throws -> String {
        try await run("psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "herald", "-d", database, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    /// Runs one of the server's binaries, as the `postgres` user when we are root, and waits for it without
    /// blocking a thread (the wait polls).
    @discardableResult
    func run(_ tool: String, _ arguments: [String]) async throws -> String {
        let path = binaries.appendingPathComponent(tool).path
        if asPostgresUser {
            return try await Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments)
        }
        return try await Self.run(path, arguments)
    }

    /// Runs `executable` through a shell that first closes every descriptor above 2. Foundation's `Process` learns
    /// that its child ended through a descriptor the child inherits; `pg_ctl start` leaves the server holding every
    /// descriptor it had, so without this the child seems to run for as long as the server does.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> String {
        let closeDescriptors = #"for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-" 2>/dev/null; done; exec "$@""#
        return try await runDirectly("/bin/bash", ["-c", closeDescriptors, "herald-test", executable] + arguments, timeout: timeout)
    }

    private static func runDirectly(_ executable: String, _ arguments: [String], timeout: Duration) async throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pg-out-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw Unavailable(description: "\(executable) \(arguments.joined(separator: " ")) did not finish in time")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Unavailable(
                description: "\(arguments.dropFirst(3).joined(separator: " ")) failed "
                    + "(status \(process.terminationStatus)): \(text)")
        }
        return text
    }

    /// A loopback port where connections are refused for as long as `body` runs: bound by a socket of this
    /// process that does not listen, so no other test's server can take it meanwhile (a port merely found free can
    /// be, and then a test expecting "refused" talks to that server instead).
    static func withRefusingPort<T>(_ body: (Int) async throws -> T) async throws -> T {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw Unavailable(description: "no socket for a refusing port") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Unavailable(description: "cannot bind a loopback port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A free TCP port on 127.0.0.1, found by binding port 0.
    static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw Unavailable(description: "no socket for finding a free port") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Unavailable(description: "cannot bind a loopback port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A shell that stops the server and deletes its folder once this process is gone, should it crash or be killed
    /// before ``stopAtExit()`` runs: a test run never leaves a server behind.
    private func startWatchdog() throws {
        let pgctl = binaries.appendingPathComponent("pg_ctl").path
        let data = folder.appendingPathComponent("data").path
        let stop = (asPostgresUser ? "/usr/sbin/runuser -u postgres -- " : "") + "\(pgctl) -D \(data) -m immediate -w stop"
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = [
            "-c",
            "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stop) >/dev/null 2>&1; rm -rf \(folder.path)",
        ]
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()
    }

    /// Stops the server and deletes its folder; run at exit. Blocking is fine here: the process is ending.
    private static func stopAtExit() {
        for cluster in started.withLock({ $0 }) { cluster.stopNow() }
    }

    private func stopNow() {
        let cluster = self
        let pgctl = cluster.binaries.appendingPathComponent("pg_ctl").path
        let data = cluster.folder.appendingPathComponent("data").path
        let process = Process()
        if cluster.asPostgresUser {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--", pgctl, "-D", data, "-m", "immediate", "-w", "stop"]
        } else {
            process.executableURL = URL(fileURLWithPath: pgctl)
            process.arguments = ["-D", data, "-m", "immediate", "-w", "stop"]
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        if (try? process.run()) != nil { process.waitUntilExit() }
        try? FileManager.default.removeItem(at: cluster.folder)
    }
}
