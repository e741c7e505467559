import Foundation
@testable import HeraldProtocol
import NIOConcurrencyHelpers
import HeraldCore
import NIOCore
import NIOEmbedded
import Testing

@testable import HeraldServer

/// The broker's registry as sessions come and go: each alert reaches exactly the sessions whose filters match.
@Suite("Broker fan-out")
struct BrokerFanOutTests {
    struct Session {
        let id: UInt64
        let outbox: Outbox
    }

    static func subscriptions(_ glob: String) throws -> SubscriptionSet {
        var set = SubscriptionSet(limit: 10)
        try set.add(SubscriptionRequest(globs: [RuleGlob(glob)], minimumSeverity: nil, tag: nil, replay: nil))
        return set
    }

    static func register(_ broker: Broker, id: UInt64, glob: String, limit: Int = 1 << 20) throws -> Session {
        let outbox = Outbox(limit: limit)
        outbox.attachConsumer {}
        let handle = SessionHandle(id: id, outbox: outbox, channel: EmbeddedChannel(), statistics: broker.statistics)
        let info = ClientInfo(peer: "test-\(id)", roles: [], name: nil, connectedSince: Date())
        #expect(broker.register(handle, info: info, subscriptions: try subscriptions(glob)))
        return Session(id: id, outbox: outbox)
    }

    @Test("sessions leaving from the middle and the ends change nobody else's alerts, and admin listings stay ordered")
    func registryChurn() throws {
        let broker = Broker(slowConsumerGrace: .seconds(1), statistics: ServerStatistics())
        let globs = ["zebra-*", "lion-*", "*", "zebra-sighting", "lion-roar", "*-roar"]
        let sessions = try globs.enumerated().map { try Self.register(broker, id: UInt64(10 - $0.offset), glob: $0.element) }
        // ids 10 (zebra-*), 9 (lion-*), 8 (*), 7 (zebra-sighting), 6 (lion-roar), 5 (*-roar)
        broker.unregister(10)
        broker.unregister(7)
        broker.unregister(5)
        broker.update(6, subscriptions: try Self.subscriptions("zebra-*"))

        broker.deliver([
            try #require(BrokerReplayTests.delivery(1, rule: "zebra-sighting")),
            try #require(BrokerReplayTests.delivery(2, rule: "lion-roar")),
        ])

        let received = Dictionary(uniqueKeysWithValues: sessions.map { ($0.id, BrokerReplayTests.lines($0.outbox)) })
        #expect(received[9] == [#"{"id":2}"#])
        #expect(received[8] == [#"{"id":1}"#, #"{"id":2}"#])
        #expect(received[6] == [#"{"id":1}"#])
        for gone: UInt64 in [10, 7, 5] { #expect(received[gone] == []) }
        #expect(broker.clients().map(\.id) == [6, 8, 9])
        #expect(broker.clients().map(\.info.peer) == ["test-6", "test-8", "test-9"])
        #expect(broker.sessionCount == 3)
    }

    @Test("a commit of many alerts reaches each subscriber whole and in order; one it overflows is cut off, not half-fed")
    func commitOfManyAlerts() throws {
        let broker = Broker(slowConsumerGrace: .seconds(1), statistics: ServerStatistics())
        let roomy = try Self.register(broker, id: 1, glob: "*")
        let picky = try Self.register(broker, id: 2, glob: "lion-*")
        // Each line is 9 bytes: three fit in 30, the fourth does not.
        let small = try Self.register(broker, id: 3, glob: "*", limit: 30)
        let rules = ["zebra-a", "lion-b", "zebra-c", "lion-d", "zebra-e"]
        let deliveries = try rules.enumerated().map { try #require(BrokerReplayTests.delivery(UInt64($0.offset + 1), rule: $0.element)) }

        broker.deliver(deliveries)

        #expect(BrokerReplayTests.lines(roomy.outbox) == (1...5).map { #"{"id":\#($0)}"# })
        #expect(BrokerReplayTests.lines(picky.outbox) == [#"{"id":2}"#, #"{"id":4}"#])
        let cutOff = BrokerReplayTests.lines(small.outbox)
        #expect(cutOff.count == 1)
        #expect(cutOff.first?.contains("slow_consumer") == true)
        #expect(small.outbox.isClosed)
    }

    @Test("an outbox takes a commit's lines all or none: the writer is never handed half a commit")
    func outboxAllOrNone() {
        let outbox = Outbox(limit: 30)
        let kicks = NIOLockedValueBox(0)
        outbox.attachConsumer { kicks.withLockedValue { $0 += 1 } }
        let line = { (id: Int) in ByteBuffer(string: #"{"id":\#(id)}"# + "\n") }  // 9 bytes each

        #expect(outbox.enqueue([line(1), line(2)]) == (2, .queued))
        #expect(kicks.withLockedValue { $0 } == 1)
        // 18 bytes queued; two more lines would make 36 > 30: neither is queued, and the writer is not kicked.
        #expect(outbox.enqueue([line(3), line(4)]) == (0, .overflow))
        #expect(kicks.withLockedValue { $0 } == 1)
        #expect(outbox.queuedBytes == 18)
        #expect(BrokerReplayTests.lines(outbox) == [#"{"id":1}"#, #"{"id":2}"#])
        // An empty queue always takes one line, however long.
        #expect(outbox.enqueue([ByteBuffer(string: String(repeating: "x", count: 100))]) == (1, .queued))
    }
}
