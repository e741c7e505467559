import Foundation
import HeraldStorePostgres
import Testing

/// `herald serve --store postgres://…` (cluster mode's store) as child processes, on a PostgreSQL server private to
/// the test process (``PostgresTestCluster``; without PostgreSQL's binaries these tests fail, saying so).
///
/// Serialized: each test starts up to two servers and several clients, and the timing tests of other suites running
/// beside them on two cores must keep their margins.
@Suite("herald serve on PostgreSQL", .serialized, .timeLimit(.minutes(3)))
struct ServePostgresTests {
    static let root = ClientCommandTests.root

    /// One rule, fired by the word "zebra": each server these tests start compiles it in no time, where the shipped
    /// rules cost seconds of CPU per server in a debug build, which the timing tests beside them felt.
    static let rules: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pgrules-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let rule = """
            rule zebra-sighting
                title    "Zebra sighted"
                severity high
                let z = "zebra"
                require z
            """
        try? Data(rule.utf8).write(to: folder.appendingPathComponent("animals.rules"))
        return folder.path
    }()

    /// Writes `count` articles that each raise one alert (distinct content), named `<prefix>-<n>.txt`, into
    /// `folder`; returns their paths.
    static func zebraArticles(_ count: Int, _ prefix: String, in folder: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try (1...count).map { index in
            let file = folder.appendingPathComponent("\(prefix)-\(index).txt")
            try Data("Zebra news \(prefix) \(index)\nA zebra was seen near the river, sighting \(prefix)-\(index).\n".utf8)
                .write(to: file)
            return file.path
        }
    }

    static func temporaryFolder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(name)-\(UUID().uuidString)")
    }

    func connection(_ server: ServeProcess) -> [String] {
        ["--port", String(server.port), "--ca", server.ca]
    }

    static func alertIDs(_ output: String) -> [Int] {
        output.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? Int
        }
    }

    @Test("publish and replay on PostgreSQL; after kill -9 of that server, a second one on the same database (from [store] url) sees the same log and its duplicates")
    func publishThenReplay() async throws {
        let cluster = try await PostgresTestCluster.start()
        let database = try await cluster.makeDatabase()
        let url = cluster.url(of: database)
        let articles = Self.temporaryFolder("pgarticles")
        defer { try? FileManager.default.removeItem(at: articles) }
        _ = try Self.zebraArticles(10, "z", in: articles)
        try await ServeProcess.with(rules: Self.rules, extraArguments: ["--store", url]) { server in
            let published = try await HeraldProcess.run(["publish"] + connection(server) + [articles.path])
            #expect(published.status == 0, "\(published.stderr)")
            #expect(published.stderr.contains("10 sent, 0 duplicates, 10 alerts, 0 errors"), "\(published.stderr)")
            let sub = try await HeraldProcess.run(["sub"] + connection(server) + ["--from", "0", "--max-alerts", "10"])
            #expect(sub.status == 0, "\(sub.stderr)")
            #expect(Self.alertIDs(sub.stdout) == Array(1...10))
            // kill -9: what was acknowledged is in the database, whatever becomes of the node.
            kill(server.process.processIdentifier, SIGKILL)
        }
        // Another server, configured by file, on the same database: the log, the ids and the articles are the
        // database's, not the process's.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pgconf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("herald.toml")
        try Data("[store]\nurl = \"\(url)\"\n".utf8).write(to: config)
        try await ServeProcess.with(rules: Self.rules, extraArguments: ["--config", config.path]) { server in
            let sub = try await HeraldProcess.run(["sub"] + connection(server) + ["--from", "0", "--max-alerts", "10"])
            #expect(Self.alertIDs(sub.stdout) == Array(1...10), "\(sub.stderr)")
            let again = try await HeraldProcess.run(["publish"] + connection(server) + [articles.path])
            #expect(again.stderr.contains("10 sent, 10 duplicates, 0 alerts"), "\(again.stderr)")
        }
    }

    @Test("two servers on one database are one Herald: subscribers on either see the alerts published on both, once, in id order")
    func twoNodes() async throws {
        let cluster = try await PostgresTestCluster.start()
        let url = cluster.url(of: try await cluster.makeDatabase())
        let articles = Self.temporaryFolder("pgarticles")
        defer { try? FileManager.default.removeItem(at: articles) }
        let viaA = try Self.zebraArticles(6, "a", in: articles)
        let viaB = try Self.zebraArticles(4, "b", in: articles)
        try await ServeProcess.with(rules: Self.rules, extraArguments: ["--store", url]) { first in
            try await ServeProcess.with(rules: Self.rules, extraArguments: ["--store", url]) { second in
                // Subscribed before anything is published (replay from 0, then live), one on each node.
                async let onFirst = HeraldProcess.run(
                    ["sub"] + connection(first) + ["--from", "0", "--max-alerts", "10", "--json"], timeout: .seconds(60))
                async let onSecond = HeraldProcess.run(
                    ["sub"] + connection(second) + ["--from", "0", "--max-alerts", "10", "--json"], timeout: .seconds(60))
                try await Task.sleep(for: .milliseconds(500))
                async let viaFirst = HeraldProcess.run(["publish"] + connection(first) + viaA)
                async let viaSecond = HeraldProcess.run(["publish"] + connection(second) + viaB)
                let (a, b) = try await (viaFirst, viaSecond)
                #expect(a.status == 0, "\(a.stderr)")
                #expect(b.status == 0, "\(b.stderr)")
                for sub in try await [onFirst, onSecond] {
                    #expect(sub.status == 0, "\(sub.stderr)")
                    #expect(Self.alertIDs(sub.stdout) == Array(1...10), "\(sub.stdout)\n\(sub.stderr)")
                }
            }
        }
    }

    @Test("PostgreSQL goes down under a running server: publishes get storage_failed, subscribers stay connected and are told, and the server recovers by itself")
    func databaseGoesAway() async throws {
        let cluster = try await PostgresTestCluster.startPrivate()
        let url = cluster.url(of: try await cluster.makeDatabase())
        let articles = Self.temporaryFolder("pgarticles")
        defer { try? FileManager.default.removeItem(at: articles) }
        let article = try Self.zebraArticles(1, "down", in: articles)[0]
        try await ServeProcess.with(rules: Self.rules, extraArguments: ["--store", url]) { server in
            // --once: were the connection dropped, sub would exit instead of reconnecting.
            async let sub = HeraldProcess.run(
                ["sub"] + connection(server) + ["--once", "--max-alerts", "1", "--pretty"], timeout: .seconds(90))
            try await Task.sleep(for: .seconds(1))
            try await cluster.stop()
            let refused = try await HeraldProcess.run(["publish"] + connection(server) + [article])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("could not store this article"), "\(refused.stderr)")
            #expect(refused.stderr.contains("cannot be reached"), "\(refused.stderr)")
            try await cluster.restart()
            // The server reconnects on its own; the first publish after the restart may still find it reconnecting.
            var accepted = try await HeraldProcess.run(["publish"] + connection(server) + [article])
            let deadline = ContinuousClock.now + .seconds(20)
            while accepted.status != 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
                accepted = try await HeraldProcess.run(["publish"] + connection(server) + [article])
            }
            #expect(accepted.status == 0, "\(accepted.stderr)")
            #expect(accepted.stderr.contains("1 alerts"), "\(accepted.stderr)")
            let subscriber = try await sub
            #expect(subscriber.status == 0, "\(subscriber.stderr)")
            #expect(subscriber.stdout.lowercased().contains("zebra"), "\(subscriber.stdout)")
            #expect(subscriber.stderr.contains("\"event\":\"store_unavailable\""), "\(subscriber.stderr)")
            #expect(subscriber.stderr.contains("\"event\":\"store_available\""), "\(subscriber.stderr)")
        }
        try? await cluster.stop()
    }

    @Test("a watched folder shared by two servers is read by one of them; when it is killed the other takes over within seconds")
    func ingestFailover() async throws {
        let cluster = try await PostgresTestCluster.start()
        let url = cluster.url(of: try await cluster.makeDatabase())
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent("herald-inbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: inbox) }
        let arguments = ["--store", url, "--watch", inbox.path, "--watch-interval", "0.1", "--log-level", "notice"]
        let articles = Self.temporaryFolder("pgarticles")
        defer { try? FileManager.default.removeItem(at: articles) }
        _ = try Self.zebraArticles(2, "z", in: articles)
        func drop(_ name: String) throws {
            try FileManager.default.copyItem(at: articles.appendingPathComponent(name), to: inbox.appendingPathComponent(".\(name)"))
            try FileManager.default.moveItem(at: inbox.appendingPathComponent(".\(name)"), to: inbox.appendingPathComponent(name))
        }
        func done(_ name: String, within timeout: Duration) async throws -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if FileManager.default.fileExists(atPath: inbox.appendingPathComponent("done/\(name)").path) { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return false
        }
        try await ServeProcess.with(rules: Self.rules, extraArguments: arguments) { leader in
            let deadline = ContinuousClock.now + .seconds(20)
            while !leader.log.contains("this node runs ingest"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(leader.log.contains("this node runs ingest"), "\(leader.log)")
            try await ServeProcess.with(rules: Self.rules, extraArguments: arguments) { standby in
                try drop("z-1.txt")
                #expect(try await done("z-1.txt", within: .seconds(10)))
                #expect(!standby.log.contains("this node runs ingest"), "\(standby.log)")
                kill(leader.process.processIdentifier, SIGKILL)
                let killed = ContinuousClock.now
                try drop("z-2.txt")
                #expect(try await done("z-2.txt", within: .seconds(15)), "\(standby.log)")
                #expect(ContinuousClock.now - killed < .seconds(15))
                #expect(standby.log.contains("this node runs ingest"), "\(standby.log)")
                let sub = try await HeraldProcess.run(["sub"] + connection(standby) + ["--from", "0", "--max-alerts", "2", "--json"])
                #expect(Self.alertIDs(sub.stdout) == [1, 2], "\(sub.stdout)\n\(sub.stderr)")
                #expect(sub.stdout.contains("z-1") && sub.stdout.contains("z-2"), "\(sub.stdout)")
                let failed = (try? FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent("failed").path)) ?? []
                #expect(failed.isEmpty, "\(failed)")
            }
        }
    }

    @Test("a store URL Herald cannot use stops serve before it listens, saying what is wrong")
    func badURL() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pgbad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = ["serve", "--port", "0", "--rules", Self.rules, "--data", folder.path]
        let mode = try await HeraldProcess.run(base + ["--store", "postgres://herald@127.0.0.1/herald?sslmode=sometimes"])
        #expect(mode.status == 1)
        #expect(mode.stderr.contains("sslmode sometimes is not one of disable, allow, prefer, require, verify-ca, verify-full"), "\(mode.stderr)")
        #expect(!mode.stdout.contains("listening"))
        let port = try await HeraldProcess.run(base + ["--store", "postgres://herald@127.0.0.1:99999/herald"])
        #expect(port.status != 0)
        #expect(port.stderr.contains("port"), "\(port.stderr)")
        let scheme = try await HeraldProcess.run(base + ["--store", "/var/lib/herald/alerts.sqlite"])
        #expect(scheme.status != 0)
        #expect(scheme.stderr.contains("--store takes a postgres:// URL"), "\(scheme.stderr)")

        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("herald.toml")
        try Data("[store]\nurl = \"mysql://db/herald\"\n".utf8).write(to: config)
        let file = try await HeraldProcess.run(base + ["--config", config.path])
        #expect(file.status == 1)
        #expect(file.stderr.contains("\(config.path):2:7: error: [store] url: the store URL must start with postgres://"), "\(file.stderr)")
    }

    @Test("PostgreSQL unreachable at start-up: serve says where it tried and exits 1, within the connect timeout")
    func unreachable() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pgdown-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await PostgresTestCluster.withRefusingPort { port in
            let started = ContinuousClock.now
            let result = try await HeraldProcess.run(
                [
                    "serve", "--port", "0", "--rules", Self.rules, "--data", folder.path, "--store",
                    "postgres://herald:secret@127.0.0.1:\(port)/herald?sslmode=disable&connect_timeout=2",
                ], timeout: .seconds(60))
            #expect(result.status == 1)
            #expect(result.stderr.contains("cannot open the alert log in PostgreSQL"), "\(result.stderr)")
            #expect(result.stderr.contains("herald@127.0.0.1:\(port)/herald"), "\(result.stderr)")
            #expect(result.stderr.contains("cannot be reached"), "\(result.stderr)")
            #expect(!result.stderr.contains("secret"), "the password must not be printed")
            #expect(!result.stdout.contains("listening"))
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }
}
