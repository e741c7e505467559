import Foundation
import HeraldRules
import Testing

@testable import HeraldCLI

@Suite("Server config file")
struct ConfigFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func apply(_ text: String, base: String = "/etc/herald") -> (ServerSettings?, [Diagnostic]) {
        let (document, diagnostics) = ConfigParser.parse(text, file: "herald.toml")
        guard let document else { return (nil, diagnostics) }
        return ServerSettings().applying(document, base: base)
    }

    @Test("every table and key lands in the settings; relative paths are taken from the file's folder")
    func fullFile() throws {
        let (settings, diagnostics) = apply(
            """
            # comment
            [server]
            host = "0.0.0.0"   # trailing comment
            port = 8443
            rules = "rules"
            data = '/var/lib/herald'
            log_level = "DEBUG"
            metrics_port = 9464
            [tls]
            cert = "tls/server.pem"
            key = "tls/server-key.pem"
            client_ca = "tls/clients.pem"
            [auth]
            file = "tokens"
            [limits]
            max_line_bytes = 65_536
            max_connections = 0
            max_connections_per_address = 50
            idle_timeout = "5m"
            publish_rate = 12.5
            publish_burst = 30
            [alerts]
            retain = "2w"
            retain_count = 1000
            quiet_updates = true
            [archive]
            retain = "3d"
            [watch]
            folder = "inbox"
            interval = 0.5
            [[feed]]
            url = "https://example.com/rss"
            [[feed]]
            url = "http://127.0.0.1:8080/atom.xml"
            interval = 90
            """)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.rendered))")
        var expected = ServerSettings()
        expected.host = "0.0.0.0"
        expected.port = 8443
        expected.rules = "/etc/herald/rules"
        expected.data = "/var/lib/herald"
        expected.logLevel = "debug"
        expected.metricsPort = 9464
        expected.cert = "/etc/herald/tls/server.pem"
        expected.key = "/etc/herald/tls/server-key.pem"
        expected.clientCA = "/etc/herald/tls/clients.pem"
        expected.authFile = "/etc/herald/tokens"
        expected.maxLineBytes = 65_536
        expected.maxConnections = 0
        expected.maxConnectionsPerAddress = 50
        expected.idleTimeoutSeconds = 300
        expected.publishRate = 12.5
        expected.publishBurst = 30
        expected.retainSeconds = 14 * 86_400
        expected.retainCount = 1000
        expected.quietUpdates = true
        expected.archiveRetainSeconds = 3 * 86_400
        expected.watch = "/etc/herald/inbox"
        expected.watchIntervalSeconds = 0.5
        expected.feeds = [.init(url: "https://example.com/rss", intervalSeconds: 300), .init(url: "http://127.0.0.1:8080/atom.xml", intervalSeconds: 90)]
        #expect(settings == expected)
    }

    @Test("an empty file, and comments only, give the defaults")
    func empty() {
        #expect(apply("").0 == ServerSettings())
        #expect(apply("# nothing\n\n   # here\n").0 == ServerSettings())
    }

    @Test("syntax errors name file:line:col with a caret and a hint")
    func syntaxErrors() {
        func first(_ text: String) -> Diagnostic? { apply(text).1.first }
        #expect(first("[server]\nport = \"7443")?.rendered == """
            herald.toml:2:8: error: this string is not closed
             2 | port = "7443
               |        ^
              hint: add the closing " on the same line
            """)
        #expect(first("[server\n")?.message == "expected ']' to close the table header")
        #expect(first("[server]\nhost = localhost\n")?.hint == "strings are quoted: \"localhost\"")
        #expect(first("[server]\nserver.host = \"x\"\n")?.message == "dotted keys are not supported")
        #expect(first("[tls]\ncert = { path = \"x\" }\n")?.message == "inline tables are not supported")
        #expect(first("[server]\nport = 1 2\n")?.message == "unexpected '2' after the value")
        #expect(first("[server]\nport = 1\nport = 2\n")?.message == "'port' is set twice in the same table")
        #expect(first("[server]\n[server]\n")?.message == "table [server] appears twice")
        #expect(first("[server]\nhost = \"a\\qb\"\n")?.message == "unknown escape '\\q'")
        let location = first("[watch]\ninterval = [1,\n 2\n")?.location
        #expect(location?.line == 4 || location?.line == 3)
    }

    @Test("unknown tables and keys get a did-you-mean; wrong types and ranges say what was expected")
    func meaningErrors() {
        let (settings, diagnostics) = apply(
            "[sever]\nport = 1\n[server]\nprot = 1\nport = \"1\"\n[limits]\nmax_connections = -1\n[alerts]\nretain = \"1 day\"\n")
        #expect(settings == nil)
        let messages = diagnostics.map { "\($0.location.line): \($0.message) | \($0.hint ?? "")" }
        #expect(
            messages == [
                "1: unknown table [sever] | did you mean [server]?",
                "4: unknown key 'prot' in [server] | did you mean 'port'?",
                "5: [server] port: expected an integer, found a string | ",
                "7: [limits] max_connections: -1 is out of range | between 0 and 2147483647",
                "9: [alerts] retain: '1 day' is not a duration | a number and s, m, h, d or w, such as \"30d\"; 0 for none",
            ])
    }

    @Test("feeds: [[feed]] only, a url is required and must be http(s)")
    func feeds() {
        #expect(apply("[feed]\nurl = \"https://x.org/rss\"\n").1.first?.hint == "write [[feed]] once per feed")
        #expect(apply("[[feed]]\ninterval = \"1m\"\n").1.first?.message == "[[feed]] needs a url")
        #expect(apply("[[feed]]\nurl = \"file:///etc/passwd\"\n").1.map(\.message) == [
            "[[feed]] url: 'file:///etc/passwd' is not an http or https URL"
        ])
    }

    @Test("flags override the file; without --config the defaults hold")
    func flagsOverride() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("herald.toml")
        try Data("[server]\nport = 9000\nrules = \"my-rules\"\n[[feed]]\nurl = \"https://a.example/rss\"\n".utf8).write(to: file)
        let fromFile = try ServeCommand.parse(["--config", file.path]).settings()
        #expect(fromFile.port == 9000 && fromFile.rules == folder.appendingPathComponent("my-rules").path)
        #expect(fromFile.feeds.map(\.url) == ["https://a.example/rss"])
        let overridden = try ServeCommand.parse([
            "--config", file.path, "--port", "0", "--rules", "Rules", "--feed", "https://b.example/atom", "--feed-interval", "1m",
        ]).settings()
        #expect(overridden.port == 0 && overridden.rules == "Rules")
        #expect(overridden.feeds == [.init(url: "https://b.example/atom", intervalSeconds: 60)])
        #expect(try ServeCommand.parse([]).settings() == ServerSettings())
    }

    @Test("the shipped example config is valid and says the defaults")
    func shippedExample() throws {
        let path = Self.root.appendingPathComponent("herald.example.toml").path
        let (settings, diagnostics) = ServerSettings.load(configFile: path)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.rendered))")
        var expected = ServerSettings()
        // Relative paths become relative to the repository root, where the file lives.
        expected.rules = Self.root.appendingPathComponent("Rules").path
        expected.data = Self.root.appendingPathComponent(".herald").path
        expected.certs = Self.root.appendingPathComponent("certs").path
        #expect(settings == expected)
    }
}
