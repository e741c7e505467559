import Foundation
import HeraldServer
import Testing

@Suite("Basic commands", .timeLimit(.minutes(1)))
struct BasicCommandTests {
    @Test("hello on connect names the server, protocol, connection and roles")
    func helloOnConnect() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connect(port: server.port, caPath: server.caPath)
            let hello = try await client.expect("hello")
            #expect(hello["server"] as? String == "herald")
            #expect(hello["protocol"] as? Int == 1)
            #expect((hello["connection"] as? Int ?? 0) > 0)
            #expect(hello["roles"] as? [String] == ["subscribe", "publish", "admin"])
            #expect(hello["max_line_bytes"] as? Int == 1 << 20)
            await client.close()
        }
    }

    @Test("PING gets pong, with the token echoed")
    func ping() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            let pong = try await client.request("PING", expecting: "pong")
            #expect(pong["token"] == nil)
            let tokened = try await client.request("ping abc 123", expecting: "pong")
            #expect(tokened["token"] as? String == "abc 123")
            await client.close()
        }
    }

    @Test("HELP lists every command; HELP SUB only SUB")
    func help() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            let help = try await client.request("HELP")
            let commands = help["commands"] as? [[String: Any]] ?? []
            let usages = commands.compactMap { $0["usage"] as? String }
            for verb in ["SUB", "UNSUB", "SUBS", "RULES", "PUB", "ARTICLE", "PING", "HELP", "QUIT"] {
                #expect(usages.contains { $0.hasPrefix(verb + " ") || $0 == verb }, "\(verb) missing from \(usages)")
            }
            let one = try await client.request("help sub")
            #expect((one["commands"] as? [[String: Any]])?.count == 1)
            await client.close()
        }
    }

    @Test("RULES lists id, title, severity and tags")
    func rules() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            let reply = try await client.request("RULES")
            #expect(reply["command"] as? String == "rules")
            #expect(reply["count"] as? Int == 3)
            let rules = reply["rules"] as? [[String: Any]] ?? []
            let zebra = rules.first { $0["id"] as? String == "zebra-sighting" }
            #expect(zebra?["title"] as? String == "Zebra sighted")
            #expect(zebra?["severity"] as? String == "high")
            #expect(zebra?["tags"] as? [String] == ["animals", "africa"])
            await client.close()
        }
    }

    @Test("QUIT gets bye, then the server closes")
    func quit() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            let bye = try await client.request("quit", expecting: "bye")
            #expect(bye["reason"] as? String == "quit")
            let rest = try await client.expectClosed()
            #expect(rest.isEmpty)
            try await server.waitForStatistics { $0.closeReasons[.quit] == 1 }
        }
    }

    @Test("commands are case-insensitive and blank lines are ignored")
    func caseInsensitive() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            try await client.send("")
            try await client.send("   ")
            try await client.request("PiNg", expecting: "pong")
            let reply = try await client.request("sUbS")
            #expect((reply["subscriptions"] as? [Any])?.isEmpty == true)
            await client.close()
        }
    }

    @Test("a connection without the publish role may subscribe but not publish")
    func roles() async throws {
        try await TestServer.run(configure: { $0.roles = [.subscribe] }) { server in
            let client = try await TestClient.connect(port: server.port, caPath: server.caPath)
            let hello = try await client.expect("hello")
            #expect(hello["roles"] as? [String] == ["subscribe"])
            try await client.request("SUB *")
            try await client.send(#"PUB {"title":"zebra","body":"zebra"}"#)
            try await client.expectError("forbidden")
            try await client.send("ARTICLE")
            try await client.expectError("forbidden")
            // Refused ARTICLE opens no block: the next line is a command again.
            try await client.request("PING", expecting: "pong")
            await client.close()
        }
    }
}
