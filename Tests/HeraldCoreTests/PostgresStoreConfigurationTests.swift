import Foundation
import HeraldStore
import HeraldStorePostgres
import Testing

/// `postgres://` URLs read as libpq reads them, with `PG*` variables and a password file for what they leave out.
@Suite("PostgreSQL store URLs")
struct PostgresStoreConfigurationTests {
    @Test("every part of the URL lands where it should")
    func full() throws {
        let configuration = try PostgresStoreConfiguration(
            url: "postgresql://alice:p%40ss@db.internal:6543/herald_prod?sslmode=verify-full&sslrootcert=/etc/ca.pem",
            environment: [:])
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "alice")
        #expect(configuration.password == "p@ss")
        #expect(configuration.database == "herald_prod")
        #expect(configuration.tlsMode == .verifyFull)
        #expect(configuration.rootCertificatePath == "/etc/ca.pem")
        #expect(configuration.description == "alice@db.internal:6543/herald_prod (sslmode=verify-full)")
        #expect(!configuration.description.contains("p@ss"))
    }

    @Test("what the URL leaves out comes from PG* variables, then defaults; the URL's own parts win")
    func environment() throws {
        let environment = [
            "PGHOST": "pg.example", "PGPORT": "5433", "PGUSER": "bob", "PGPASSWORD": "env-secret", "PGDATABASE": "logs",
            "PGSSLMODE": "require",
        ]
        let bare = try PostgresStoreConfiguration(url: "postgres://", environment: environment)
        #expect(bare.host == "pg.example")
        #expect(bare.port == 5433)
        #expect(bare.username == "bob")
        #expect(bare.password == "env-secret")
        #expect(bare.database == "logs")
        #expect(bare.tlsMode == .require)
        let given = try PostgresStoreConfiguration(url: "postgres://carol@h/d?sslmode=disable", environment: environment)
        #expect(given.host == "h")
        #expect(given.port == 5433)
        #expect(given.username == "carol")
        #expect(given.database == "d")
        #expect(given.tlsMode == .disable)
        let defaults = try PostgresStoreConfiguration(url: "postgres://dave@/", environment: [:])
        #expect(defaults.host == "localhost")
        #expect(defaults.port == 5432)
        #expect(defaults.database == "dave")
        #expect(defaults.tlsMode == .prefer)
        #expect(defaults.password == nil)
    }

    @Test("a password file's first line is the password when the URL has none; the URL's password wins")
    func passwordFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pgpass-\(UUID().uuidString)")
        try Data("from-file\nignored\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try PostgresStoreConfiguration(
            url: "postgres://u@h/d", environment: ["PGPASSWORD": "env"], passwordFile: file.path)
        #expect(fromFile.password == "from-file")
        let fromURL = try PostgresStoreConfiguration(url: "postgres://u:url@h/d", environment: [:], passwordFile: file.path)
        #expect(fromURL.password == "url")
        #expect(throws: StorageError.self) {
            try PostgresStoreConfiguration(url: "postgres://u@h/d", environment: [:], passwordFile: "/nonexistent/pgpass")
        }
    }

    @Test("a Unix socket folder as host, libpq style")
    func unixSocket() throws {
        let configuration = try PostgresStoreConfiguration(url: "postgres://u@/herald?host=/run/postgresql&port=5433", environment: [:])
        #expect(configuration.unixSocketPath == "/run/postgresql/.s.PGSQL.5433")
    }

    @Test("bad URLs are errors that say what is wrong and never print the password", arguments: [
        ("mysql://u@h/d", "must start with postgres://"),
        ("postgres://u:hunter2@h:0/d", "port 0 is not a port number"),
        ("postgres://u:hunter2@h/d?sslmode=maybe", "sslmode maybe is not one of"),
        ("postgres://u:hunter2@h/d?application=x", "parameter application, which Herald does not know"),
        ("postgres://u:hunter2@h/d?connect_timeout=soon", "connect_timeout soon is not a number of seconds"),
    ])
    func bad(url: String, message: String) {
        do {
            _ = try PostgresStoreConfiguration(url: url, environment: [:])
            Issue.record("\(url) was accepted")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
            #expect(!"\(error)".contains("hunter2"), "\(error)")
        }
    }
}
