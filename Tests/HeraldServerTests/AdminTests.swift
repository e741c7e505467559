import Foundation
import HeraldCore
import HeraldProtocol
import HeraldRules
import HeraldServer
import HeraldStore
import NIOConcurrencyHelpers
import Testing

/// The admin commands over real TLS: RELOAD, STATS, CLIENTS, KICK, SILENCE, RULE.
@Suite("Admin commands", .timeLimit(.minutes(1)))
struct AdminTests {
    static let zebra = #"PUB {"title":"Zebra","body":"A zebra was seen."}"#

    /// A server whose RELOAD recompiles `files`, which the test may change.
    static func withReloadableServer(
        _ body: @Sendable (TestServer, NIOLockedValueBox<[String: String]>) async throws -> Void
    ) async throws {
        let files = NIOLockedValueBox(TestServer.standardRules)
        let ruleSet = try #require(RuleSetLoader(source: InMemoryRuleSource(TestServer.standardRules)).load("r").ruleSet)
        let engine = try await TestEngine.make(ruleSet)
        try await TestServer.run(
            engine: engine, certificates: try TestCertificates.shared.get(),
            configure: { configuration in
                configuration.reloadRules = {
                    let outcome = RuleSetLoader(source: InMemoryRuleSource(files.withLockedValue { $0 })).load("r")
                    guard let ruleSet = outcome.ruleSet else {
                        // As herald serve does (ServeCommand.reloadDiagnostics): each diagnostic keeps its severity.
                        return .failed(
                            diagnostics: outcome.diagnostics.map {
                                ReloadDiagnostic($0.severity == .error ? .error : .warning, $0.description)
                            })
                    }
                    return .reloaded(await engine.install(ruleSet))
                }
            }
        ) { server in try await body(server, files) }
    }

    @Test("RELOAD with a broken file: every diagnostic returned, the old rules still fire")
    func brokenReload() async throws {
        try await Self.withReloadableServer { server, files in
            let admin = try await TestClient.connected(to: server)
            try await admin.request("SUB zebra-*")
            let before = try await admin.request("STATS")["rule_set_hash"] as? String
            files.withLockedValue { $0["r/broken.rules"] = "rule broken\n    require nothing_defined\nrule\n" }
            try await admin.send("RELOAD")
            let error = try await admin.expectError("reload_failed")
            let diagnostics = try #require(error["diagnostics"] as? [String])
            #expect(!diagnostics.isEmpty)
            #expect(diagnostics.allSatisfy { $0.hasPrefix("r/broken.rules:") })
            try await admin.send(Self.zebra)
            #expect(try await admin.expect("alert")["rule"] as? String == "zebra-sighting")
            try await admin.expect("ok")
            let stats = try await admin.request("STATS")
            #expect(stats["rule_set_hash"] as? String == before)
            #expect(stats["failed_reloads"] as? Int == 1)
            await admin.close()
        }
    }

    @Test("RELOAD counts errors and warnings apart, as herald check does: 2 errors and 2 warnings, not 4 errors")
    func reloadCountsWarningsApart() async throws {
        try await Self.withReloadableServer { server, files in
            let admin = try await TestClient.connected(to: server)
            files.withLockedValue { files in
                // Two unused lists (warnings) and two undefined bindings (errors).
                files["r/x.list"] = "list UNUSED_A\nalpha\nlist UNUSED_B\nbeta\n"
                files["r/broken.rules"] = """
                    include "x.list"
                    rule broken
                        title "Broken"
                        let z = "zebra"
                        require nothing_defined
                    rule broken-two
                        title "Broken two"
                        let z = "zebra"
                        require also_undefined
                    """
            }
            try await admin.send("RELOAD")
            let error = try await admin.expectError("reload_failed")
            let message = try #require(error["message"] as? String)
            #expect(message == "the rules have 2 errors and 2 warnings; the old rules stay loaded", "\(error)")
            #expect(error["errors"] as? Int == 2)
            #expect(error["warnings"] as? Int == 2)
            let diagnostics = try #require(error["diagnostics"] as? [String])
            #expect(diagnostics.filter { $0.contains(": error: ") }.count == 2, "\(diagnostics)")
            #expect(diagnostics.filter { $0.contains(": warning: ") }.count == 2, "\(diagnostics)")
            // One error alone reads in the singular, with no warning clause.
            files.withLockedValue { files in
                files["r/x.list"] = nil
                files["r/broken.rules"] = "rule broken\n    title \"Broken\"\n    let z = \"zebra\"\n    require nothing_defined\n"
            }
            try await admin.send("RELOAD")
            let single = try await admin.expectError("reload_failed")
            #expect(single["message"] as? String == "the rules have 1 error; the old rules stay loaded", "\(single)")
            #expect(single["errors"] as? Int == 1)
            #expect(single["warnings"] as? Int == 0)
            await admin.close()
        }
    }

    @Test("a good RELOAD swaps the rules: the new rule fires for a subscriber that never reconnected")
    func goodReload() async throws {
        try await Self.withReloadableServer { server, files in
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB *")
            let admin = try await TestClient.connected(to: server)
            files.withLockedValue { files in
                files["r/birds.rules"] = """
                    rule eagle-sighting
                        title    "Eagle sighted"
                        severity medium
                        let e = "eagle"
                        require e
                    """
                files["r/animals.rules"] = files["r/animals.rules"]?.replacingOccurrences(of: "severity low", with: "severity info")
                files["r/weather.rules"] = nil
            }
            let ok = try await admin.request("RELOAD")
            #expect(ok["added"] as? [String] == ["eagle-sighting"])
            #expect(ok["removed"] as? [String] == ["cn-typhoon"])
            #expect(ok["changed"] as? [String] == ["lion-sighting"])
            let hash = try #require(ok["hash"] as? String)
            try await admin.request(#"PUB {"title":"Eagle","body":"An eagle over the typhoon."}"#)
            let alert = try await subscriber.expect("alert")
            #expect(alert["rule"] as? String == "eagle-sighting")
            await subscriber.expectNothing()
            let stats = try await admin.request("STATS")
            #expect(stats["rule_set_hash"] as? String == hash)
            #expect(stats["reloads"] as? Int == 1)
            let rule = try await admin.request("RULE eagle-sighting")
            #expect((rule["source"] as? String)?.contains("require e") == true)
            #expect((rule["counters"] as? [String: Any])?["alerts"] as? Int == 1)
            try await admin.send("RULE cn-typhoon")
            try await admin.expectError("not_found")
            await admin.close()
            await subscriber.close()
        }
    }

    @Test("STATS counters move as articles flow")
    func statsMove() async throws {
        try await TestServer.run { server in
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB *")
            let admin = try await TestClient.connected(to: server)
            let before = try await admin.request("STATS")
            #expect(before["articles_in"] as? Int == 0)
            #expect((before["connections_by_role"] as? [String: Int])?["admin"] == 2)
            try await admin.request(Self.zebra)
            try await admin.request(#"PUB {"title":"Lion","body":"A lion and a zebra."}"#)
            let after = try await admin.request("STATS")
            #expect(after["articles_in"] as? Int == 2)
            #expect(after["alerts_out"] as? Int == 3)
            #expect((after["alerts_by_rule"] as? [String: Int]) == ["zebra-sighting": 2, "lion-sighting": 1])
            #expect((after["uptime_seconds"] as? Double ?? -1) >= 0)
            await subscriber.close()
            try await server.waitForStatistics { $0.closeReasons[.clientClosed, default: 0] + $0.closeReasons[.uncleanShutdown, default: 0] >= 1 }
            let closed = try await admin.request("STATS")
            #expect((closed["disconnects_by_reason"] as? [String: Int])?.values.reduce(0, +) == 1)
            await admin.close()
        }
    }

    @Test("CLIENTS lists every connection, then ok; KICK closes one with bye kicked")
    func clientsAndKick() async throws {
        try await TestServer.run { server in
            let victim = try await TestClient.connect(port: server.port, caPath: server.caPath)
            let victimID = try #require(try await victim.expect("hello")["connection"] as? Int)
            try await victim.request("SUB zebra-* lion-*")
            let admin = try await TestClient.connected(to: server)
            try await admin.send("CLIENTS")
            let first = try await admin.expect("client")
            #expect(first["connection"] as? Int == victimID)
            #expect(first["subscriptions"] as? [String] == ["zebra-*", "lion-*"])
            #expect(first["roles"] as? [String] == ["subscribe", "publish", "admin"])
            #expect((first["peer"] as? String)?.hasPrefix("127.0.0.1:") == true)
            #expect(first["queued_bytes"] as? Int == 0)
            #expect(first["connected_since"] is String)
            try await admin.expect("client")
            #expect(try await admin.expect("ok")["count"] as? Int == 2)

            try await admin.request("KICK \(victimID)")
            let bye = try await victim.expect("bye")
            #expect(bye["reason"] as? String == "kicked")
            try await victim.expectClosed()
            try await server.waitForStatistics { $0.closeReasons[.kicked] == 1 }
            try await admin.send("KICK 999")
            try await admin.expectError("not_found")
            await admin.close()
        }
    }

    @Test("SILENCE: matching alerts are stored, not pushed; subscribers get notices; UNSILENCE and expiry end it")
    func silences() async throws {
        try await TestServer.run { server in
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB zebra-*")
            let other = try await TestClient.connected(to: server)
            try await other.request("SUB cn-*")
            let admin = try await TestClient.connected(to: server)

            let ok = try await admin.request("SILENCE zebra-* 1h drill in progress")
            let id = try #require(ok["silence"] as? String)
            #expect(ok["reason"] as? String == "drill in progress")
            let notice = try await subscriber.expect("notice")
            #expect(notice["event"] as? String == "silenced")
            #expect(notice["rules"] as? String == "zebra-*")
            await other.expectNothing()
            // A subscription made during the silence is told in its ok.
            let late = try await other.request("SUB zebra-sighting")
            #expect(late["silenced_by"] as? [String] == [id])

            let published = try await admin.request(Self.zebra)
            #expect(published["alerts"] as? Int == 1)
            await subscriber.expectNothing()
            let listed = try await admin.request("SILENCES")
            #expect((listed["silences"] as? [[String: Any]])?.first?["silence"] as? String == id)
            #expect(try await admin.request("STATS")["alerts_silenced"] as? Int == 1)

            try await admin.request("UNSILENCE \(id)")
            #expect(try await subscriber.expect("notice")["event"] as? String == "unsilenced")
            // Stored while silenced, so a replay still finds it.
            try await subscriber.request("SUB zebra-* FROM 0")
            try await subscriber.expect("alert")
            try await subscriber.expect("replayed")

            try await admin.request(#"{"cmd":"silence","rules":"zebra-*","duration":"1s"}"#)
            try await subscriber.expect("notice")
            let expired = try await subscriber.expect("notice", timeout: .seconds(5))
            #expect(expired["ended_by"] as? String == "expired")
            try await admin.request(Self.zebra.replacingOccurrences(of: "was seen", with: "was seen again"))
            try await subscriber.expect("alert")
            try await admin.send("UNSILENCE s99")
            try await admin.expectError("not_found")
            await admin.close()
            await other.close()
            await subscriber.close()
        }
    }
}

@Suite("Admin command parsing")
struct AdminParsingTests {
    @Test("text and JSON forms parse to the same commands; bad arguments are refused")
    func parse() throws {
        let parser = CommandParser()
        let pairs: [(String, String, Command)] = [
            ("AUTH abc", #"{"cmd":"auth","token":"abc"}"#, .auth(token: "abc")),
            ("reload", #"{"cmd":"reload"}"#, .reload),
            ("STATS", #"{"cmd":"stats"}"#, .stats),
            ("CLIENTS", #"{"cmd":"clients"}"#, .clients),
            ("KICK 4", #"{"cmd":"kick","connection":4}"#, .kick(4)),
            ("SILENCE cn-* 2h storm drill", #"{"cmd":"silence","rules":"cn-*","duration":"2h","reason":"storm drill"}"#,
             .silence(RuleGlob("cn-*"), seconds: 7200, reason: "storm drill")),
            ("UNSILENCE s1", #"{"cmd":"unsilence","silence":"s1"}"#, .unsilence("s1")),
            ("SILENCES", #"{"cmd":"silences"}"#, .listSilences),
            ("RULE cn-typhoon", #"{"cmd":"rule","rule":"cn-typhoon"}"#, .rule("cn-typhoon")),
        ]
        for (text, json, command) in pairs {
            #expect(try parser.parse(text)?.command == command, "\(text)")
            #expect(try parser.parse(json)?.command == command, "\(json)")
        }
        for bad in ["AUTH", "KICK me", "SILENCE cn-*", "SILENCE cn-* forever", "UNSILENCE", "RULE", "STATS now"] {
            #expect(throws: ProtocolError.self, "\(bad)") { try parser.parse(bad) }
        }
        #expect(Command.stats.requiredRole == .admin)
        #expect(Command.listRules.requiredRole == nil)
    }
}

/// A node of a cluster names itself: in `hello` and in every admin reply, so a client knows which node answered.
@Suite("Node names", .timeLimit(.minutes(1)))
struct NodeNameTests {
    @Test("with a node name, hello and admin replies carry it; without one, neither has the field")
    func nodeName() async throws {
        try await TestServer.run(configure: { $0.nodeName = "node-a" }) { server in
            let client = try await TestClient.connect(port: server.port, caPath: server.caPath)
            #expect(try await client.expect("hello")["node"] as? String == "node-a")
            for command in ["STATS", "SILENCES", "RULE zebra-sighting", "SILENCE zebra-* 5m drill"] {
                let reply = try await client.request(command)
                #expect(reply["node"] as? String == "node-a", "\(command)")
            }
            try await client.send("CLIENTS")
            _ = try await client.expect("client")
            #expect(try await client.expect("ok")["node"] as? String == "node-a")
            await client.close()
        }
        try await TestServer.run { server in
            let client = try await TestClient.connect(port: server.port, caPath: server.caPath)
            #expect(try await client.expect("hello")["node"] == nil)
            #expect(try await client.request("STATS")["node"] == nil)
            await client.close()
        }
    }
}

/// Nodes sharing a cluster (a stand-in for the PostgreSQL store's membership): STATS lists them with their rule-set
/// hashes, and RELOAD on one reloads them all.
@Suite("Cluster admin", .timeLimit(.minutes(1)))
struct ClusterAdminTests {
    final class FakeCluster: ClusterMembership {
        private let state = NIOLockedValueBox<(nodes: [String: ClusterNode], handlers: [@Sendable (String) -> Void])>(([:], []))

        func announce(node: String, state announced: [UInt8]) async throws {
            state.withLockedValue { $0.nodes[node] = ClusterNode(name: node, seenAt: Date(), state: announced) }
        }

        func members(seenWithin age: TimeInterval) async throws -> [ClusterNode] {
            state.withLockedValue { $0.nodes.values.sorted { $0.name < $1.name } }
        }

        func broadcast(_ command: String) async throws {
            for handler in state.withLockedValue({ $0.handlers }) { handler(command) }
        }

        func observeCommands(_ handler: @escaping @Sendable (String) -> Void) {
            state.withLockedValue { $0.handlers.append(handler) }
        }
    }

    @Test("STATS on one node lists every node with its rule-set hash; RELOAD there reloads the others too")
    func statsAndReload() async throws {
        let cluster = FakeCluster()
        let reloadsOnB = NIOLockedValueBox(0)
        let ruleSet = try #require(RuleSetLoader(source: InMemoryRuleSource(TestServer.standardRules)).load("r").ruleSet)
        try await TestServer.run(configure: { configuration in
            configuration.nodeName = "b"
            configuration.cluster = cluster
            configuration.reloadRules = {
                reloadsOnB.withLockedValue { $0 += 1 }
                return .reloaded(RuleSetChange(added: [], removed: [], changed: [], hash: "hash-b2", ruleCount: 1))
            }
        }) { _ in
            try await TestServer.run(configure: { configuration in
                configuration.nodeName = "a"
                configuration.cluster = cluster
                configuration.reloadRules = { .reloaded(RuleSetChange(added: [], removed: [], changed: [], hash: ruleSet.hash, ruleCount: 1)) }
            }) { a in
                let client = try await TestClient.connected(to: a)
                // Both nodes announce themselves as they start.
                var nodes: [[String: Any]] = []
                let deadline = ContinuousClock.now + .seconds(10)
                while nodes.count < 2, ContinuousClock.now < deadline {
                    nodes = try await client.request("STATS")["cluster"] as? [[String: Any]] ?? []
                    if nodes.count < 2 { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(nodes.compactMap { $0["node"] as? String } == ["a", "b"])
                #expect(nodes.allSatisfy { ($0["state"] as? [String: Any])?["rule_set_hash"] is String })

                let reload = try await client.request("RELOAD")
                #expect(reload["node"] as? String == "a")
                #expect(reload["other_nodes_asked"] as? Int == 1)
                var hashOfB: String?
                let reloaded = ContinuousClock.now + .seconds(10)
                while hashOfB != "hash-b2", ContinuousClock.now < reloaded {
                    let listed = try await client.request("STATS")["cluster"] as? [[String: Any]] ?? []
                    hashOfB = (listed.first { $0["node"] as? String == "b" }?["state"] as? [String: Any])?["rule_set_hash"] as? String
                    if hashOfB != "hash-b2" { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(hashOfB == "hash-b2")
                #expect(reloadsOnB.withLockedValue { $0 } == 1)
                await client.close()
            }
        }
    }
}
