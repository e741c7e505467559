import Foundation
import HeraldCore
import HeraldServer
import HeraldStore
import Testing

@Suite("Subscriptions and alerts", .timeLimit(.minutes(1)))
struct SubscriptionTests {
    static let zebra = #"PUB {"title":"Zebra seen in town","body":"A zebra walked down the high street."}"#
    static let lion = #"PUB {"title":"Lion escapes","body":"A lion was seen near the river."}"#
    static let typhoon = #"PUB {"title":"Storm warning","body":"A typhoon is approaching the coast."}"#

    @Test("SUB, then PUB from another connection: the alert arrives before the publisher's ok")
    func subscribeThenPublish() async throws {
        try await TestServer.run { server in
            let subscriber = try await TestClient.connected(to: server)
            let publisher = try await TestClient.connected(to: server)
            let sub = try await subscriber.request("SUB zebra-*")
            #expect(sub["command"] as? String == "sub")
            #expect(sub["rules"] as? [String] == ["zebra-*"])
            #expect(sub["matching_rules"] as? [String] == ["zebra-sighting"])
            #expect(sub["subscriptions"] as? Int == 1)

            let ok = try await publisher.request(Self.zebra)
            #expect(ok["command"] as? String == "pub")
            #expect(ok["duplicate"] as? Bool == false)
            #expect(ok["alerts"] as? Int == 1)
            let alertIDs = ok["alert_ids"] as? [Int] ?? []
            #expect(alertIDs.count == 1)

            let alert = try await subscriber.expect("alert")
            #expect(alert["rule"] as? String == "zebra-sighting")
            #expect(alert["title"] as? String == "Zebra sighted")
            #expect(alert["severity"] as? String == "high")
            #expect(alert["tags"] as? [String] == ["animals", "africa"])
            #expect(alert["id"] as? Int == alertIDs.first)
            let article = alert["article"] as? [String: Any]
            #expect(article?["title"] as? String == "Zebra seen in town")
            #expect(article?["id"] as? String == ok["article"] as? String)
            await publisher.expectNothing()
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("a publisher that subscribes gets its alerts before its ok")
    func publisherSeesOwnAlertsFirst() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            try await client.request("SUB *")
            try await client.send(Self.zebra)
            let first = try await client.expect("alert")
            #expect(first["rule"] as? String == "zebra-sighting")
            try await client.expect("ok")
            await client.close()
        }
    }

    @Test("the same article again is a duplicate and produces no alerts")
    func duplicate() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            let first = try await client.request(Self.zebra)
            let second = try await client.request(Self.zebra)
            #expect(second["duplicate"] as? Bool == true)
            #expect(second["alerts"] as? Int == 0)
            #expect(second["article"] as? String == first["article"] as? String)
            await client.close()
        }
    }

    @Test(
        "filters include and exclude",
        arguments: [
            // (subscription, which of zebra/lion/typhoon it receives)
            ("SUB *", ["zebra-sighting", "lion-sighting", "cn-typhoon"]),
            ("SUB *-sighting", ["zebra-sighting", "lion-sighting"]),
            ("SUB cn-* zebra-?ighting", ["zebra-sighting", "cn-typhoon"]),
            ("SUB * severity>=high", ["zebra-sighting", "cn-typhoon"]),
            ("SUB * SEVERITY>=Critical", ["cn-typhoon"]),
            ("SUB * severity>=info", ["zebra-sighting", "lion-sighting", "cn-typhoon"]),
            ("SUB * tag=animals", ["zebra-sighting", "lion-sighting"]),
            ("SUB * tag=China", ["cn-typhoon"]),
            ("SUB *-sighting severity>=high tag=animals", ["zebra-sighting"]),
            ("SUB * tag=nothing", []),
            ("SUB ZEBRA-SIGHTING", ["zebra-sighting"]),
            (#"{"cmd":"sub","rules":["*"],"severity":"high","tag":"animals"}"#, ["zebra-sighting"]),
            (#"{"cmd":"sub","rules":"lion-*"}"#, ["lion-sighting"]),
        ])
    func filters(subscription: String, expected: [String]) async throws {
        try await TestServer.run { server in
            let subscriber = try await TestClient.connected(to: server)
            let publisher = try await TestClient.connected(to: server)
            try await subscriber.request(subscription)
            for article in [Self.zebra, Self.lion, Self.typhoon] {
                try await publisher.request(article)
            }
            // A PING after the publishes: its pong can only come after every alert queued before it.
            try await subscriber.send("PING end")
            var received: [String] = []
            while true {
                let message = try await subscriber.nextMessage()
                if message["type"] as? String == "pong" { break }
                #expect(message["type"] as? String == "alert")
                received.append(message["rule"] as? String ?? "?")
            }
            #expect(received == expected)
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("SUBS lists subscriptions; SUB on the same glob replaces its filters")
    func listAndReplace() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            try await client.request("SUB cn-* severity>=high")
            try await client.request("SUB zebra-* tag=animals")
            let replaced = try await client.request("SUB CN-* tag=china")
            #expect(replaced["subscriptions"] as? Int == 2)
            let subs = try await client.request("SUBS")
            let list = subs["subscriptions"] as? [[String: Any]] ?? []
            #expect(list.count == 2)
            #expect(list.first?["rules"] as? String == "CN-*")
            #expect(list.first?["tag"] as? String == "china")
            #expect(list.first?["severity"] == nil)
            #expect(list.last?["rules"] as? String == "zebra-*")
            await client.close()
        }
    }

    @Test("UNSUB removes one glob, UNSUB * removes all, and alerts stop")
    func unsubscribe() async throws {
        try await TestServer.run { server in
            let subscriber = try await TestClient.connected(to: server)
            let publisher = try await TestClient.connected(to: server)
            try await subscriber.request("SUB zebra-* lion-*")
            let removed = try await subscriber.request("UNSUB zebra-*")
            #expect(removed["removed"] as? [String] == ["zebra-*"])
            #expect(removed["subscriptions"] as? Int == 1)
            try await publisher.request(Self.zebra)
            try await publisher.request(Self.lion)
            let alert = try await subscriber.expect("alert")
            #expect(alert["rule"] as? String == "lion-sighting")

            let none = try await subscriber.request("UNSUB nothing-*")
            #expect(none["removed"] as? [String] == [])
            let all = try await subscriber.request("unsub *")
            #expect(all["removed"] as? [String] == ["lion-*"])
            #expect(all["subscriptions"] as? Int == 0)
            try await publisher.request(#"PUB {"title":"Another lion","body":"A second lion appeared."}"#)
            await subscriber.expectNothing()
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("a SUB over the subscription limit is refused whole")
    func tooManySubscriptions() async throws {
        try await TestServer.run(configure: { $0.maximumSubscriptions = 3 }) { server in
            let client = try await TestClient.connected(to: server)
            try await client.request("SUB a-* b-*")
            let error = try await client.request("SUB c-* d-*", expecting: "error")
            #expect(error["code"] as? String == "too_many_subscriptions")
            #expect(error["command"] as? String == "sub")
            let subs = try await client.request("SUBS")
            #expect((subs["subscriptions"] as? [Any])?.count == 2)
            // Re-subscribing an existing glob does not count twice.
            try await client.request("SUB a-* c-*")
            await client.close()
        }
    }

    @Test("every subscriber with a matching filter gets the alert, others do not")
    func fanOut() async throws {
        try await TestServer.run { server in
            var subscribers: [TestClient] = []
            for index in 0..<5 {
                let client = try await TestClient.connected(to: server)
                try await client.request(index.isMultiple(of: 2) ? "SUB zebra-*" : "SUB lion-*")
                subscribers.append(client)
            }
            let publisher = try await TestClient.connected(to: server)
            let ok = try await publisher.request(Self.zebra)
            #expect(ok["alerts"] as? Int == 1)
            for (index, client) in subscribers.enumerated() {
                if index.isMultiple(of: 2) {
                    let alert = try await client.expect("alert")
                    #expect(alert["rule"] as? String == "zebra-sighting")
                } else {
                    await client.expectNothing(for: .milliseconds(50))
                }
                await client.close()
            }
            await publisher.close()
        }
    }
}

@Suite("Fan-out of alert-log lines", .timeLimit(.minutes(1)))
struct LogEntryFanOutTests {
    @Test("committed alert, update and throttled lines pass through the filters; suppressed ones are never sent")
    func committedEntries() async throws {
        try await TestServer.run { server in
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB zebra-* severity>=high")
            func entry(_ kind: LogEntry.Kind, rule: String, severity: String) -> NewLogEntry {
                let prefix = Array(#"{"type":"\#(kind.rawValue)","id":"#.utf8)
                return NewLogEntry(
                    kind: kind, rule: rule, severity: severity, tags: ["animals"], createdAt: Date(),
                    line: LineTemplate(
                        bytes: prefix + Array(#","rule":"\#(rule)"}"#.utf8), slots: [.init(offset: prefix.count, id: .own)]))
            }
            let entries = [
                entry(.alert, rule: "zebra-sighting", severity: "high"),
                entry(.suppressed, rule: "zebra-sighting", severity: "high"),
                entry(.update, rule: "zebra-sighting", severity: "high"),
                entry(.alert, rule: "zebra-sighting", severity: "low"),
                entry(.alert, rule: "lion-sighting", severity: "critical"),
                entry(.throttled, rule: "zebra-sighting", severity: "critical"),
            ]
            try await server.engine.store.submit(article: nil, entries: entries).durable()
            for (type, index) in [("alert", 0), ("update", 2), ("throttled", 5)] {
                let line = try await subscriber.expect(type)
                #expect(line["id"] as? Int == entries[index].id.value.map(Int.init))
            }
            await subscriber.expectNothing()
            await subscriber.close()
        }
    }
}
