import Foundation
import Testing

/// A publisher may send many articles without waiting: each is answered once durable, in the order sent, and no
/// other reply overtakes them.
@Suite("Pipelined publishing", .timeLimit(.minutes(1)))
struct PipeliningTests {
    @Test("200 PUBs in one write, then PING: 200 oks in order, each after its alert reached a subscriber, then pong")
    func inOrder() async throws {
        try await TestServer.run { server in
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB zebra-*")
            let publisher = try await TestClient.connected(to: server)
            try await publisher.request("SUB zebra-*")
            let count = 200
            var burst = ""
            for index in 0..<count {
                burst += #"{"cmd":"pub","id":"r\#(index)","article":{"title":"Zebra \#(index)","body":"A zebra, number \#(index)."}}"# + "\n"
            }
            burst += "PING last\n"
            try await publisher.sendRaw(Array(burst.utf8))
            var oks: [String] = []
            var alertsBeforeOK = 0
            var lastAlertID: UInt64 = 0
            var pong = false
            while !pong {
                let message = try await publisher.nextMessage()
                switch message["type"] as? String {
                case "alert":
                    alertsBeforeOK += 1
                    lastAlertID = (message["id"] as? NSNumber)?.uint64Value ?? 0
                case "ok":
                    oks.append(message["ref"] as? String ?? "?")
                    // The publisher is subscribed too: its alert is always there before its ok.
                    let ids = (message["alert_ids"] as? [NSNumber])?.map(\.uint64Value) ?? []
                    #expect(ids.count == 1 && ids[0] <= lastAlertID)
                case "pong":
                    pong = true
                    #expect(message["token"] as? String == "last")
                default:
                    Issue.record("unexpected \(message)")
                    pong = true
                }
            }
            #expect(oks == (0..<count).map { "r\($0)" })
            #expect(alertsBeforeOK == count)
            for index in 0..<count {
                let alert = try await subscriber.expect("alert")
                #expect((alert["article"] as? [String: Any])?["title"] as? String == "Zebra \(index)")
            }
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("a duplicate and a malformed command in the middle of a burst are answered in their place")
    func mixedReplies() async throws {
        try await TestServer.run { server in
            let publisher = try await TestClient.connected(to: server)
            let lines = [
                #"PUB {"title":"Zebra one","body":"A zebra."}"#,
                #"PUB {"title":"Zebra two","body":"Another zebra."}"#,
                #"PUB {"title":"Zebra one","body":"A zebra."}"#,
                "FROB",
                #"PUB {"title":"Zebra three","body":"A third zebra."}"#,
            ]
            try await publisher.sendRaw(Array((lines.joined(separator: "\n") + "\n").utf8))
            let first = try await publisher.expect("ok")
            #expect(first["duplicate"] as? Bool == false)
            let second = try await publisher.expect("ok")
            #expect(second["alerts"] as? Int == 1)
            let duplicate = try await publisher.expect("ok")
            #expect(duplicate["duplicate"] as? Bool == true)
            #expect(duplicate["article"] as? String == first["article"] as? String)
            _ = try await publisher.expectError("unknown_command")
            let third = try await publisher.expect("ok")
            #expect(((third["alert_ids"] as? [NSNumber])?.first?.uint64Value ?? 0) > ((second["alert_ids"] as? [NSNumber])?.first?.uint64Value ?? 0))
            await publisher.close()
        }
    }
}
