import Foundation
import HeraldCore
@testable import HeraldProtocol
import HeraldStore
import NIOCore
import NIOEmbedded
import Testing

@testable import HeraldServer

/// The broker's side of replay: held lines, and a line the replay already sent arriving live after the hold.
@Suite("Broker replay hand-over")
struct BrokerReplayTests {
    static func delivery(_ id: UInt64, rule: String = "zebra-sighting") -> Delivery? {
        Delivery(
            LogEntry(
                id: id, kind: .alert, rule: rule, severity: "info", tags: [], createdAt: Date(),
                json: Array(#"{"id":\#(id)}"#.utf8)))
    }

    static func lines(_ outbox: Outbox) -> [String] {
        var batch = CircularBuffer<ByteBuffer>()
        _ = outbox.take(into: &batch)
        return batch.map { String(buffer: $0).trimmingCharacters(in: .newlines) }
    }

    /// A broker with one session (id 1) subscribed to `zebra-*`, whose outbox the test reads directly.
    static func subscribedSession() throws -> (Broker, Outbox, [Subscription]) {
        let statistics = ServerStatistics()
        let broker = Broker(slowConsumerGrace: .seconds(1), statistics: statistics)
        let outbox = Outbox(limit: 1 << 20)
        outbox.attachConsumer {}
        let handle = SessionHandle(id: 1, outbox: outbox, channel: EmbeddedChannel(), statistics: statistics)
        var subscriptions = SubscriptionSet(limit: 10)
        let filters = [Subscription(glob: RuleGlob("zebra-*"), minimumSeverity: nil, tag: nil)]
        try subscriptions.add(SubscriptionRequest(globs: filters.map(\.glob), minimumSeverity: nil, tag: nil, replay: nil))
        let info = ClientInfo(peer: "test", roles: [], name: nil, connectedSince: Date())
        #expect(broker.register(handle, info: info, subscriptions: subscriptions))
        return (broker, outbox, filters)
    }

    @Test("a line the replay read from the store but the broker delivers after the hold is dropped once, not sent twice")
    func lateLineAfterHold() throws {
        let (broker, outbox, filters) = try Self.subscribedSession()

        broker.beginHold(1)
        // The replay read the store through #5 (#4 and #5 committed, not yet handed to the broker).
        broker.endHold(1, replayedThrough: 5, replayed: filters)
        broker.deliver([try #require(Self.delivery(4)), try #require(Self.delivery(5)), try #require(Self.delivery(6))])
        #expect(Self.lines(outbox) == [#"{"id":6}"#])
        // Past #5 the guard is gone: nothing later is ever dropped.
        broker.deliver([try #require(Self.delivery(7))])
        #expect(Self.lines(outbox) == [#"{"id":7}"#])
    }

    @Test("held lines the replay sent are dropped; the others are sent in order when the hold ends")
    func heldLines() throws {
        let (broker, outbox, filters) = try Self.subscribedSession()
        broker.beginHold(1)
        broker.deliver([try #require(Self.delivery(2)), try #require(Self.delivery(3))])
        #expect(Self.lines(outbox).isEmpty)
        broker.endHold(1, replayedThrough: 2, replayed: filters)
        #expect(Self.lines(outbox) == [#"{"id":3}"#])
        broker.deliver([try #require(Self.delivery(4))])
        #expect(Self.lines(outbox) == [#"{"id":4}"#])
    }
}
