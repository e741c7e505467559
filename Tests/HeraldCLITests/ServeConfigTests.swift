import Foundation
import Testing

/// `herald serve --config` and `herald check --config` as child processes, with feeds from a local HTTP server.
@Suite("herald serve --config and feeds", .timeLimit(.minutes(2)))
struct ServeConfigTests {
    static let root = ClientCommandTests.root

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-conf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static let feed = """
        <?xml version="1.0"?>
        <rss version="2.0"><channel><title>Wire</title>
        <item><guid>w-1</guid><title>ByteDance builds out in Seattle</title><link>https://wire.example/1</link>
        <pubDate>Mon, 23 Nov 2026 08:00:00 GMT</pubDate>
        <description>&lt;p&gt;ByteDance has set up a generative AI team in Seattle, the company said.&lt;/p&gt;</description></item>
        <item><guid>w-2</guid><title>Markets</title><description>Shares rose&amp;nbsp;slightly.</description></item>
        </channel></rss>
        """

    @Test("a feed in the config file is polled, and a subscriber sees its alert with the item's link")
    func feedFromConfig() async throws {
        let http = try await FixtureHTTPServer.start(["/wire.xml": .init(body: Self.feed, etag: "\"1\"")])
        let folder = try Self.temporaryFolder()
        let config = folder.appendingPathComponent("herald.toml")
        // port = 1 is overridden by ServeProcess's --port 0: flags win over the file.
        try Data(
            """
            [server]
            port = 1
            [[feed]]
            url = "\(http.url("/wire.xml"))"
            interval = "1s"
            """.utf8
        ).write(to: config)
        let rules = Self.root.appendingPathComponent("Rules").path
        try await ServeProcess.with(rules: rules, extraArguments: ["--config", config.path]) { server in
            let sub = try await HeraldProcess.run(
                ["sub", "--port", String(server.port), "--ca", server.ca, "--from", "0", "--max-alerts", "1", "--json"],
                timeout: .seconds(30))
            #expect(sub.stdout.contains("\"firm\":\"ByteDance\""), "\(sub.stdout) \(sub.stderr)")
            #expect(sub.stdout.contains("https://wire.example/1"), "\(sub.stdout)")
            // Polled again at its interval with the ETag it was given: a conditional GET.
            let deadline = ContinuousClock.now + .seconds(10)
            while !http.requests.contains(where: { $0.headers["if-none-match"] == "\"1\"" }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(http.requests.contains { $0.headers["if-none-match"] == "\"1\"" })
        }
        await http.stop()
    }

    @Test("a config file with an error stops serve before it listens, naming file:line:col")
    func badConfigRefused() async throws {
        let folder = try Self.temporaryFolder()
        let config = folder.appendingPathComponent("herald.toml")
        try Data("[server]\nprot = 7443\n".utf8).write(to: config)
        let result = try await HeraldProcess.run(["serve", "--config", config.path, "--port", "0"], timeout: .seconds(30))
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(config.path):2:1: error: unknown key 'prot' in [server]"), "\(result.stderr)")
        #expect(result.stderr.contains("did you mean 'port'?"))
        #expect(!result.stdout.contains("listening"))
    }

    @Test("herald check --config validates the file and the rule folder it names")
    func checkConfig() async throws {
        let good = try await HeraldProcess.run(["check", "--config", Self.root.appendingPathComponent("herald.example.toml").path])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("herald.example.toml: ok"))
        #expect(good.stdout.contains("examples passed"))
        let folder = try Self.temporaryFolder()
        let config = folder.appendingPathComponent("bad.toml")
        try Data("[limits]\nidle_timeout = \"soon\"\n[server]\nrules = \"missing\"\n".utf8).write(to: config)
        let bad = try await HeraldProcess.run(["check", "--config", config.path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.toml:2:16: error: [limits] idle_timeout: 'soon' is not a duration"), "\(bad.stderr)")
    }
}
