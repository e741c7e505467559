import Foundation
import HeraldServer
import Testing

@Suite("Concurrent clients", .timeLimit(.minutes(1)))
struct ConcurrencyTests {
    @Test("publishers in parallel: every subscriber receives every alert exactly once")
    func parallelPublishers() async throws {
        try await TestServer.run { server in
            let subscriberCount = 10
            let publisherCount = 4
            let articlesEach = 25
            var subscribers: [TestClient] = []
            for _ in 0..<subscriberCount {
                let client = try await TestClient.connected(to: server)
                try await client.request("SUB zebra-*")
                subscribers.append(client)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for publisherIndex in 0..<publisherCount {
                    group.addTask {
                        let publisher = try await TestClient.connected(to: server)
                        for article in 0..<articlesEach {
                            let ok = try await publisher.request(
                                #"PUB {"title":"Zebra \#(publisherIndex)-\#(article)","body":"A zebra again."}"#)
                            #expect(ok["alerts"] as? Int == 1)
                        }
                        await publisher.close()
                    }
                }
                try await group.waitForAll()
            }
            let total = publisherCount * articlesEach
            for subscriber in subscribers {
                var ids = Set<Int>()
                for _ in 0..<total {
                    let alert = try await subscriber.expect("alert")
                    ids.insert(alert["id"] as? Int ?? 0)
                }
                #expect(ids.count == total)
                await subscriber.expectNothing(for: .milliseconds(50))
                await subscriber.close()
            }
            #expect(server.server.statistics.snapshot.alertLinesQueued == total * subscriberCount)
        }
    }
}
