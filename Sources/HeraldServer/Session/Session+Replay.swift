import HeraldCore
import HeraldProtocol
import NIOCore

/// `SUB … FROM id | FROM LAST n | SINCE time`: stored lines first, then live ones, with no gap and no duplicate.
///
/// Live lines for the session are held by the broker while the replay reads the store. Everything committed
/// before the hold began is in the store (the store commits before it tells the broker); everything after it is
/// held. When the replay has read through id N, held lines the replay already sent (id ≤ N and matching the new
/// subscription) are dropped, the rest are sent, and the session goes live.
extension Session {
    /// Lines read from the store per query.
    static let replayPage = 500

    /// Where the replay starts: the id after which stored lines are sent, or an error for a range retention removed.
    func replayCursor(_ start: ReplayStart, matches: (AlertFacts) -> Bool) async throws -> Result<UInt64, ProtocolError> {
        let store = context.engine.store
        switch start {
        case .after(let id):
            let (oldest, _) = try await store.bounds()
            if id > 0, oldest > 0, id + 1 < oldest {
                return .failure(
                    ProtocolError(
                        .replayUnavailable,
                        "lines up to #\(oldest - 1) are no longer kept; the oldest held is #\(oldest). "
                            + "SUB … FROM \(oldest - 1) replays from there, FROM 0 replays everything kept"))
            }
            return .success(id)
        case .since(let date):
            if let first = try await store.firstID(since: date) { return .success(first - 1) }
            return .success(try await store.highestID())
        case .last(let count):
            var cursor = try await store.highestID() + 1
            var found = 0
            while found < count {
                let page = try await store.entries(before: cursor, limit: Self.replayPage)
                guard let oldest = page.last else { return .success(0) }
                for entry in page where matches(AlertFacts(rule: entry.rule, severity: entry.severity, tags: entry.tags)) {
                    found += 1
                    cursor = entry.id
                    if found == count { break }
                }
                if found < count { cursor = oldest.id }
            }
            return .success(cursor - 1)
        }
    }

    /// Sends every stored line after `cursor` that `matches` accepts, pacing itself by the outbox.
    ///
    /// - Returns: How many lines were sent and the highest id read.
    func replay(after cursor: UInt64, matches: (AlertFacts) -> Bool) async throws -> (sent: Int, through: UInt64) {
        var position = cursor
        var sent = 0
        let store = context.engine.store
        while !handle.isClosing {
            // Keep at most half the outbox full, so live lines queued after the replay still fit.
            while handle.outbox.queuedBytes > handle.outbox.limit / 2 && !handle.isClosing {
                try await Task.sleep(for: .milliseconds(2))
            }
            let page = try await store.entries(after: position, limit: Self.replayPage)
            for entry in page {
                position = entry.id
                guard let delivery = Delivery(entry), matches(delivery.facts) else { continue }
                if handle.send(delivery.line, slowConsumerGrace: context.slowConsumerGracePeriod) { sent += 1 }
            }
            if page.count < Self.replayPage { break }
        }
        return (sent, position)
    }
}
