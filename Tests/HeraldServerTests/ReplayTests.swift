import Foundation
import HeraldCore
import Testing

@testable import HeraldServer

/// `SUB … FROM id | FROM LAST n | SINCE time`: everything missed, once, in order, then live.
@Suite("Replay after reconnect", .timeLimit(.minutes(2)))
struct ReplayTests {
    /// A distinct zebra article each time, so none is a duplicate.
    static func zebra(_ index: Int) -> String {
        #"PUB {"title":"Zebra \#(index)","body":"A zebra was seen, report \#(index)."}"#
    }

    /// Reads alert lines until `count` arrived; returns their ids. Other line types are skipped.
    static func alertIDs(_ client: TestClient, count: Int) async throws -> [Int] {
        var ids: [Int] = []
        while ids.count < count {
            let message = try await client.nextMessage()
            if message["type"] as? String == "alert", let id = message["id"] as? Int { ids.append(id) }
        }
        return ids
    }

    @Test("FROM id replays what the subscriber missed, marks the end, then goes live")
    func fromID() async throws {
        try await TestServer.run { server in
            let publisher = try await TestClient.connected(to: server)
            var published: [Int] = []
            for index in 0..<5 {
                let ok = try await publisher.request(Self.zebra(index))
                published += ok["alert_ids"] as? [Int] ?? []
            }
            #expect(published.count == 5)
            let subscriber = try await TestClient.connected(to: server)
            let ok = try await subscriber.request("SUB zebra-* FROM \(published[1])")
            #expect(ok["replay_after"] as? Int == published[1])
            #expect(try await Self.alertIDs(subscriber, count: 3) == Array(published[2...]))
            let marker = try await subscriber.expect("replayed")
            #expect(marker["count"] as? Int == 3)
            #expect(marker["through"] as? Int == published[4])
            let live = try await publisher.request(Self.zebra(99))
            let liveID = try #require((live["alert_ids"] as? [Int])?.first)
            #expect(try await Self.alertIDs(subscriber, count: 1) == [liveID])
            await subscriber.expectNothing()
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("replay applies the subscription's filters; FROM 0 is everything kept; LAST n the newest n")
    func filtersAndForms() async throws {
        try await TestServer.run { server in
            let publisher = try await TestClient.connected(to: server)
            _ = try await publisher.request(SubscriptionTests.lion)
            for index in 0..<4 { _ = try await publisher.request(Self.zebra(index)) }
            _ = try await publisher.request(SubscriptionTests.typhoon)

            let all = try await TestClient.connected(to: server)
            try await all.request("SUB zebra-* FROM 0")
            let zebras = try await Self.alertIDs(all, count: 4)
            #expect(try await all.expect("replayed")["count"] as? Int == 4)

            let last = try await TestClient.connected(to: server)
            try await last.request("SUB zebra-* FROM LAST 2")
            #expect(try await Self.alertIDs(last, count: 2) == Array(zebras.suffix(2)))
            #expect(try await last.expect("replayed")["count"] as? Int == 2)

            let since = try await TestClient.connected(to: server)
            try await since.request(#"{"cmd":"sub","rules":["*"],"since":"2000-01-01T00:00:00Z"}"#)
            #expect(try await Self.alertIDs(since, count: 6).count == 6)

            let future = try await TestClient.connected(to: server)
            try await future.request("SUB * SINCE 2999-01-01T00:00:00Z")
            #expect(try await future.expect("replayed")["count"] as? Int == 0)
            for client in [publisher, all, last, since, future] { await client.close() }
        }
    }

    @Test("switch-over while publishers are sending: every id exactly once, in order")
    func switchOverUnderLoad() async throws {
        try await TestServer.run { server in
            let warmup = try await TestClient.connected(to: server)
            for index in 0..<20 { _ = try await warmup.request(Self.zebra(index)) }
            let publishers = 3
            let perPublisher = 40
            let expectedTotal = 20 + publishers * perPublisher
            let subscriber = try await TestClient.connected(to: server)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for publisherIndex in 0..<publishers {
                    group.addTask {
                        let publisher = try await TestClient.connected(to: server)
                        for index in 0..<perPublisher {
                            _ = try await publisher.request(Self.zebra(1000 * (publisherIndex + 1) + index))
                        }
                        await publisher.close()
                    }
                }
                // Subscribe mid-stream, replaying from the beginning.
                try await Task.sleep(for: .milliseconds(20))
                try await subscriber.send("SUB zebra-* FROM 0")
                try await group.waitForAll()
            }
            var ids: [Int] = []
            while ids.count < expectedTotal {
                let message = try await subscriber.nextMessage()
                if message["type"] as? String == "alert", let id = message["id"] as? Int { ids.append(id) }
            }
            #expect(ids == ids.sorted(), "ids out of order")
            #expect(Set(ids).count == ids.count, "duplicate ids")
            #expect(ids.count == expectedTotal)
            await subscriber.expectNothing()
            await subscriber.close()
            await warmup.close()
        }
    }

    @Test("a replay from before what retention kept is refused with the oldest id held, and leaves no subscription")
    func retentionEdge() async throws {
        try await TestServer.run { server in
            let publisher = try await TestClient.connected(to: server)
            var ids: [Int] = []
            for index in 0..<5 { ids += try await publisher.request(Self.zebra(index))["alert_ids"] as? [Int] ?? [] }
            let removed = try await server.engine.store.prune(maximumAge: nil, maximumCount: 2, now: Date())
            #expect(removed.lines == 3)
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.send("SUB * FROM \(ids[0])")
            let error = try await subscriber.expectError("replay_unavailable")
            #expect((error["message"] as? String)?.contains("the oldest held is #\(ids[3])") == true)
            let subs = try await subscriber.request("SUBS")
            #expect((subs["subscriptions"] as? [Any])?.isEmpty == true)
            // From the last id retention removed, nothing is missing.
            try await subscriber.request("SUB * FROM \(ids[2])")
            #expect(try await Self.alertIDs(subscriber, count: 2) == Array(ids[3...]))
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("malformed replay arguments are refused with a clear message")
    func badArguments() async throws {
        try await TestServer.run { server in
            let client = try await TestClient.connected(to: server)
            for line in ["SUB * FROM", "SUB * FROM -3", "SUB * FROM LAST 0", "SUB * SINCE yesterday", "SUB * FROM 1 FROM 2"] {
                try await client.send(line)
                let error = try await client.expectError("bad_arguments")
                #expect(error["message"] is String, "\(line)")
            }
            try await client.send(#"{"cmd":"sub","rules":["*"],"from":1,"last":2}"#)
            _ = try await client.expectError("bad_arguments")
            await client.close()
        }
    }

    @Test("dedup across sources: one alert, then update lines counting the repeats, pushed live")
    func dedupOverTheWire() async throws {
        let rules = [
            "r/x.rules": """
                rule zebra-story
                    title "Zebra story"
                    let z = "zebra"
                    emit animal=z
                    dedup animal window 1h
                """
        ]
        try await TestServer.run(rules: rules) { server in
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB *")
            let publisher = try await TestClient.connected(to: server)
            for (index, source) in ["Wire A", "Wire B", "Wire C"].enumerated() {
                let ok = try await publisher.request(
                    #"PUB {"title":"Zebra \#(index)","body":"A zebra again.","source":"\#(source)"}"#)
                #expect(ok["alerts"] as? Int == (index == 0 ? 1 : 0))
            }
            let alert = try await subscriber.expect("alert")
            let firstUpdate = try await subscriber.expect("update")
            let update = try await subscriber.expect("update")
            #expect(firstUpdate["of"] as? Int == alert["id"] as? Int)
            #expect(update["repeats"] as? Int == 2)
            #expect(update["sources"] as? [String] == ["Wire A", "Wire B", "Wire C"])
            let duplicate = try await publisher.request(#"PUB {"title":"Zebra 0","body":"A zebra again.","source":"Other"}"#)
            #expect(duplicate["duplicate"] as? Bool == true)
            await subscriber.expectNothing()
            await subscriber.close()
            await publisher.close()
        }
    }
}
