import Foundation
import HeraldServer
import Testing

@Suite("Publishing and JSON commands", .timeLimit(.minutes(1)))
struct PublishingTests {
    @Test("ARTICLE … . publishes plain text; a leading .. stands for .")
    func articleBlock() async throws {
        try await TestServer.run { server in
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB zebra-*")
            let publisher = try await TestClient.connected(to: server)
            for line in [
                "ARTICLE",
                "..Zebra crossing opens downtown",
                "06 Nov 2025, 09:34",
                "A zebra was spotted on the new crossing.",
                "..",
                "...and then it left.",
                ".",
            ] {
                try await publisher.send(line)
            }
            let ok = try await publisher.expect("ok")
            #expect(ok["command"] as? String == "article")
            #expect(ok["alerts"] as? Int == 1)
            let alert = try await subscriber.expect("alert")
            let article = alert["article"] as? [String: Any]
            #expect(article?["title"] as? String == ".Zebra crossing opens downtown")
            #expect((article?["published"] as? String)?.hasPrefix("2025-11-06") == true)
            // Lines inside the block are never taken for commands: the next command works normally.
            try await publisher.request("PING", expecting: "pong")
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("an ARTICLE block with invalid UTF-8 is read to its end, then refused")
    func articleInvalidUTF8() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            try await client.send("ARTICLE")
            try await client.send("Title")
            try await client.sendRaw([0x62, 0x61, 0xFF, 0x64, 0x0A])
            try await client.send("PING")  // part of the article, not a command
            try await client.send(".")
            let error = try await client.expectError("invalid_utf8")
            #expect(error["command"] as? String == "article")
            try await client.request("PING", expecting: "pong")
            await client.close()
        }
    }

    @Test("an ARTICLE block over the size limit is discarded with article_too_large")
    func articleTooLarge() async throws {
        try await TestServer.run(configure: { $0.maximumArticleBytes = 200 }) { server in
            let client = try await TestClient.connected(to: server)
            try await client.send("ARTICLE")
            for _ in 0..<5 { try await client.send(String(repeating: "zebra ", count: 10)) }
            try await client.send(".")
            try await client.expectError("article_too_large")
            try await client.request("PING", expecting: "pong")
            await client.close()
        }
    }

    @Test("an empty ARTICLE block is a bad article")
    func emptyArticle() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            try await client.send("ARTICLE")
            try await client.send(".")
            let error = try await client.expectError("bad_article")
            #expect(error["reason"] as? String == "empty")
            await client.close()
        }
    }

    @Test("JSON commands: sub, ping with id echoed as ref, pub, article, subs, unsub, rules, help, quit")
    func jsonCommands() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            let sub = try await client.request(#"{"cmd":"SUB","rules":["zebra-*","cn-*"],"severity":"high","id":7}"#)
            #expect(sub["ref"] as? String == "7")
            #expect(sub["severity"] as? String == "high")
            let pong = try await client.request(#"{"cmd":"ping","token":"t1","id":"abc"}"#, expecting: "pong")
            #expect(pong["token"] as? String == "t1")
            #expect(pong["ref"] as? String == "abc")

            try await client.send(#"{"cmd":"pub","article":{"title":"Zebra news","body":"One zebra.","id":"z1"},"id":1}"#)
            let alert = try await client.expect("alert")
            #expect((alert["article"] as? [String: Any])?["id"] as? String == "z1")
            let ok = try await client.expect("ok")
            #expect(ok["article"] as? String == "z1")
            #expect(ok["ref"] as? String == "1")

            try await client.send(#"{"cmd":"article","text":"Typhoon nears\n\nA typhoon is near the coast."}"#)
            try await client.expect("alert")
            let articleOK = try await client.expect("ok")
            #expect(articleOK["command"] as? String == "article")

            let subs = try await client.request(#"{"cmd":"subs"}"#)
            #expect((subs["subscriptions"] as? [Any])?.count == 2)
            let unsub = try await client.request(#"{"cmd":"unsub","rules":"*"}"#)
            #expect(unsub["subscriptions"] as? Int == 0)
            try await client.request(#"{"cmd":"rules"}"#)
            try await client.request(#"{"cmd":"help","topic":"pub"}"#)
            try await client.request(#"{"cmd":"quit"}"#, expecting: "bye")
            try await client.expectClosed()
        }
    }

    @Test(
        "JSON command errors",
        arguments: [
            (#"{"cmd":"sub""#, "bad_json"),
            (#"["sub"]"#, "bad_json"),
            (#"{"rules":["*"]}"#, "bad_arguments"),
            (#"{"cmd":5}"#, "bad_arguments"),
            (#"{"cmd":"sub","rule":["*"]}"#, "bad_arguments"),
            (#"{"cmd":"sub","rules":[1]}"#, "bad_arguments"),
            (#"{"cmd":"sub","rules":"*","severity":"urgent"}"#, "bad_arguments"),
            (#"{"cmd":"pub"}"#, "bad_arguments"),
            (#"{"cmd":"pub","article":{"title":""}}"#, "bad_article"),
            (#"{"cmd":"pbu"}"#, "unknown_command"),
            (#"{"title":"A zebra","body":"zebra"}"#, "bad_arguments"),
        ])
    func jsonErrors(line: String, code: String) async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            try await client.send(line)
            try await client.expectError(code)
            try await client.request("PING", expecting: "pong")
            await client.close()
        }
    }

    @Test("an article sent without PUB gets a hint")
    func articleWithoutPub() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            try await client.send(#"{"title":"A zebra","body":"zebra"}"#)
            let error = try await client.expectError("bad_arguments")
            #expect((error["message"] as? String)?.contains("PUB") == true)
            await client.close()
        }
    }
}
