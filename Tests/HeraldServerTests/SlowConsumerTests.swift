import Foundation
import HeraldServer
import Testing

@Suite("Slow consumers", .timeLimit(.minutes(1)))
struct SlowConsumerTests {
    @Test("a subscriber that stops reading is cut off with slow_consumer; the others keep receiving")
    func slowConsumerIsCutOff() async throws {
        try await TestServer.run(configure: {
            $0.maximumQueuedBytes = 32 * 1024
            $0.slowConsumerGracePeriod = .seconds(10)
            // The fast subscriber expects nothing but alerts: on a loaded machine this test can outlast the 30 s
            // heartbeat, whose line would then come between two alerts.
            $0.heartbeatInterval = nil
        }) { server in
            let slow = try await TestClient.connected(to: server, receiveBuffer: 4096)
            try await slow.request("SUB *")
            try await slow.channel.setOption(.autoRead, value: false).get()
            let fast = try await TestClient.connected(to: server)
            try await fast.request("SUB *")
            let publisher = try await TestClient.connected(to: server)

            // Long titles make big alerts (every alert carries its article's title), so buffers fill quickly.
            let filler = String(repeating: "and the crowd watched it for a long while ", count: 200)
            var published = 0
            var received = 0
            while server.server.statistics.snapshot.errors[.slowConsumer] == nil {
                published += 1
                guard published <= 3000 else { throw TestFailure("never cut off", #_sourceLocation) }
                let ok = try await publisher.request(
                    #"PUB {"title":"Sighting \#(published) \#(filler)","body":"A zebra \#(published) crossed."}"#)
                #expect(ok["alerts"] as? Int == 1)
                // The fast subscriber keeps up: every alert arrives, in order.
                let alert = try await fast.expect("alert")
                let title = (alert["article"] as? [String: Any])?["title"] as? String
                #expect(title?.hasPrefix("Sighting \(published) ") == true)
                received += 1
            }
            #expect(received == published)

            // Publishing goes on, unaffected, and the fast subscriber still receives.
            try await publisher.request(#"PUB {"title":"After","body":"One more zebra."}"#)
            try await fast.expect("alert")

            // The slow one, reading again, finds the error after whatever was already in flight, then the close.
            try await slow.channel.setOption(.autoRead, value: true).get()
            slow.channel.read()
            let rest = try await slow.expectClosed(timeout: .seconds(15))
            let last = rest.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(last?["type"] as? String == "error")
            #expect(last?["code"] as? String == "slow_consumer")
            #expect(rest.count < published)
            try await server.waitForStatistics { $0.closeReasons[.slowConsumer] == 1 }
            await fast.close()
            await publisher.close()
        }
    }
}
