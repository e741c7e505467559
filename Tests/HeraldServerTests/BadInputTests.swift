import Foundation
import HeraldServer
import NIOCore
import Testing

@Suite("Bad input", .timeLimit(.minutes(1)))
struct BadInputTests {
    @Test("invalid UTF-8 gets invalid_utf8 and the connection goes on")
    func invalidUTF8() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            try await client.sendRaw([0x53, 0x55, 0x42, 0x20, 0xC3, 0x28, 0x0A])
            try await client.expectError("invalid_utf8")
            try await client.request("PING", expecting: "pong")
            try await server.waitForStatistics { $0.errors[.invalidUTF8] == 1 }
            await client.close()
        }
    }

    @Test(
        "unknown commands get a did-you-mean",
        arguments: [("SBU *", "SUB"), ("subz *", "SUB"), ("PNIG", "PING"), ("ruless", "RULES"), ("QUTI", "QUIT")])
    func unknownCommand(line: String, suggestion: String) async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            let error = try await client.request(line, expecting: "error")
            #expect(error["code"] as? String == "unknown_command")
            #expect(error["suggestion"] as? String == suggestion)
            #expect((error["message"] as? String)?.contains("did you mean \(suggestion)?") == true)
            await client.close()
        }
    }

    @Test("an unknown command far from any verb gets no suggestion")
    func unknownWithoutSuggestion() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            let error = try await client.request("GET / HTTP/1.1", expecting: "error")
            #expect(error["code"] as? String == "unknown_command")
            #expect(error["suggestion"] == nil)
            await client.close()
        }
    }

    @Test(
        "malformed arguments",
        arguments: [
            ("SUB", "bad_arguments"),
            ("SUB severity>=high", "bad_arguments"),
            ("SUB * severity>=urgent", "bad_arguments"),
            ("SUB * severity=high", "bad_arguments"),
            ("SUB * tag=", "bad_arguments"),
            ("SUB * tag=a tag=b", "bad_arguments"),
            ("UNSUB", "bad_arguments"),
            ("QUIT now", "bad_arguments"),
            ("PUB", "bad_arguments"),
            ("PUB {not json}", "bad_json"),
            ("PUB [1,2]", "bad_json"),
            (#"PUB {"title":"","body":" "}"#, "bad_article"),
            (#"PUB {"title":5,"body":"zebra"}"#, "bad_article"),
            ("HELP nothing", "unknown_command"),
        ])
    func malformed(line: String, code: String) async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            try await client.send(line)
            try await client.expectError(code)
            try await client.request("PING", expecting: "pong")
            await client.close()
        }
    }

    @Test("a line over the limit, arriving in pieces, gets line_too_long and the connection is closed")
    func lineTooLongInPieces() async throws {
        try await TestServer.run(configure: { $0.maximumLineBytes = 1024 }) { server in
            let bystander = try await TestClient.connected(to: server)
            let client = try await TestClient.connected(to: server)
            for _ in 0..<4 {
                try await client.sendRaw(Array(repeating: UInt8(ascii: "x"), count: 400))
            }
            let error = try await client.expectError("line_too_long")
            #expect((error["message"] as? String)?.contains("1024") == true)
            try await client.expectClosed()
            try await server.waitForStatistics { $0.closeReasons[.lineTooLong] == 1 }
            try await bystander.request("PING", expecting: "pong")
            await bystander.close()
        }
    }

    @Test("a complete line over the limit is refused too; a line exactly at the limit is fine")
    func lineTooLongWhole() async throws {
        try await TestServer.run(configure: { $0.maximumLineBytes = 100 }) { server in
            let fine = try await TestClient.connected(to: server)
            try await fine.send("PING " + String(repeating: "y", count: 95))
            try await fine.expect("pong")
            await fine.close()

            let client = try await TestClient.connected(to: server)
            try await client.send("PING " + String(repeating: "y", count: 96))
            try await client.expectError("line_too_long")
            try await client.expectClosed()
        }
    }

    @Test("commands pipelined in one write are all answered in order")
    func pipelined() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            try await client.sendRaw(Array("PING 1\r\nPING 2\nSUB *\nPING 3".utf8))
            for token in ["1", "2"] {
                let pong = try await client.expect("pong")
                #expect(pong["token"] as? String == token)
            }
            try await client.expect("ok")
            try await client.send("")  // completes "PING 3"
            #expect(try await client.expect("pong")["token"] as? String == "3")
            await client.close()
        }
    }

    @Test("a client that sends commands and half-closes still gets every reply")
    func halfClose() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            try await client.sendRaw(Array("PING a\nSUBS\nPING b".utf8))
            try await client.channel.close(mode: .output)
            #expect(try await client.expect("pong")["token"] as? String == "a")
            try await client.expect("ok")
            #expect(try await client.expect("pong")["token"] as? String == "b")
            try await client.expectClosed()
            try await server.waitForStatistics { $0.closeReasons[.clientClosed] == 1 }
        }
    }
}
