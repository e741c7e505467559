import Foundation
import HeraldCore
import HeraldProtocol
import HeraldStore
import NIOCore

/// What `CLIENTS` lists for one connection.
struct ClientSnapshot: Sendable {
    var id: UInt64
    var info: ClientInfo
    var subscriptions: [String]
    var queuedBytes: Int
}

extension Broker {
    /// Every registered connection, by id.
    func clients() -> [ClientSnapshot] {
        state.withLockedValue { state in
            state.entries.sortedIDs.compactMap { id in
                guard let entry = state.entries[id] else { return nil }
                return ClientSnapshot(
                    id: id, info: entry.info, subscriptions: entry.subscriptions.subscriptions.map(\.glob.pattern),
                    queuedBytes: entry.handle.outbox.queuedBytes)
            }
        }
    }

    /// How many open connections hold each role.
    func connectionsByRole() -> [Role: Int] {
        state.withLockedValue { state in
            var counts: [Role: Int] = [:]
            for entry in state.entries.slots {
                for role in entry.info.roles { counts[role, default: 0] += 1 }
            }
            return counts
        }
    }

    /// Closes connection `id` after a `bye` with reason `kicked`; `false` if there is no such connection.
    func kick(_ id: UInt64, by admin: String, grace: TimeAmount) -> Bool {
        guard let handle = state.withLockedValue({ $0.entries[id]?.handle }) else { return false }
        handle.close(
            reason: .kicked,
            finalLine: ServerMessage.bye(reason: "kicked", message: "an administrator (\(admin)) closed this connection"),
            grace: grace)
        return true
    }

    /// Starts a silence the store keeps (made here, or on another node of a cluster) and tells every subscriber
    /// whose subscriptions overlap its glob; one already held is left as it is.
    func startSilence(_ silence: Silence) {
        state.withLockedValue { state in
            guard !state.silences.contains(where: { $0.id == silence.id }), !state.endedSilences.contains(silence.id) else {
                return
            }
            state.silences.append(silence)
            notify(state, silence, event: "silenced", endedBy: nil)
        }
    }

    /// Ends silence `id` early; `nil` if there is no such active silence.
    @discardableResult
    func removeSilence(_ id: String, by admin: String) -> Silence? {
        state.withLockedValue { state in
            guard let index = state.silences.firstIndex(where: { $0.id == id }) else { return nil }
            let silence = state.silences.remove(at: index)
            state.endedSilences.insert(silence.id)
            notify(state, silence, event: "unsilenced", endedBy: admin)
            return silence
        }
    }

    /// When the oldest silence held began: what the store is asked about to bring them in line.
    func oldestSilenceStart() -> Date? {
        state.withLockedValue { $0.silences.map(\.startsAt).min() }
    }

    /// Brings the silences held in line with the store's (`records`: every silence ending after the oldest held
    /// began): starts those it runs that are not held, ends those it says were ended early, telling subscribers
    /// either way. Silences that ran out are left to ``expireSilences(now:)``. A silence once ended here is never
    /// started again (ids are not reused), so a read that raced an `UNSILENCE` cannot bring it back.
    func syncSilences(_ records: [SilenceRecord], now: Date = Date()) {
        state.withLockedValue { state in
            for record in records {
                let id = Silence.id(of: record)
                if let endedBy = record.endedBy {
                    state.endedSilences.insert(id)
                    guard let index = state.silences.firstIndex(where: { $0.id == id }) else { continue }
                    let silence = state.silences.remove(at: index)
                    notify(state, silence, event: "unsilenced", endedBy: endedBy)
                } else if record.endsAt > now, !state.endedSilences.contains(id),
                    !state.silences.contains(where: { $0.id == id })
                {
                    let silence = Silence(record)
                    state.silences.append(silence)
                    notify(state, silence, event: "silenced", endedBy: nil)
                }
            }
        }
    }

    /// Reads the silences from `store` and brings those held in line with them: when another node says it changed
    /// them, and before `SILENCES` answers (the store is the cluster's truth; what is held is a cache of it).
    func syncSilences(from store: any AlertStore) async throws {
        let now = Date()
        let since = min(oldestSilenceStart() ?? now, now)
        syncSilences(try await store.silences(endingAfter: since), now: Date())
    }

    /// The active silences, oldest first.
    func activeSilences(now: Date = Date()) -> [Silence] {
        state.withLockedValue { $0.silences.filter { $0.endsAt > now } }
    }

    /// Removes silences that have run out and tells their subscribers; called periodically by the server.
    func expireSilences(now: Date = Date()) {
        state.withLockedValue { state in
            let expired = state.silences.filter { $0.endsAt <= now }
            guard !expired.isEmpty else { return }
            state.silences.removeAll { $0.endsAt <= now }
            for silence in expired { notify(state, silence, event: "unsilenced", endedBy: "expired") }
        }
    }

    /// Tells every subscribed connection that the alert log's database went away (publishes are answered with
    /// `storage_failed` and other nodes' alerts do not arrive meanwhile) or is back (what was committed meanwhile
    /// follows, in order). Connections stay open either way.
    func storeHealthChanged(_ health: StoreHealth) {
        let line = ServerMessage.line(type: "notice") { writer in
            switch health {
            case .available:
                writer.string("event", "store_available")
            case .unavailable(let reason):
                writer.string("event", "store_unavailable")
                writer.string("reason", reason)
            }
        }
        state.withLockedValue { state in
            for id in state.entries.sortedIDs {
                guard let entry = state.entries[id], entry.subscriptions.count > 0 else { continue }
                entry.handle.send(line, slowConsumerGrace: slowConsumerGrace)
            }
        }
    }

    /// A silence is never a silent drop: subscribers who would have received its alerts hear that it began and
    /// ended.
    private func notify(_ state: State, _ silence: Silence, event: String, endedBy: String?) {
        let line = ServerMessage.line(type: "notice") { writer in
            writer.string("event", event)
            silence.write(to: &writer)
            writer.optionalString("ended_by", endedBy)
        }
        for id in state.entries.sortedIDs {
            guard let entry = state.entries[id], entry.subscriptions.overlaps(silence.glob) else { continue }
            entry.handle.send(line, slowConsumerGrace: slowConsumerGrace)
        }
    }
}

extension SubscriptionSet {
    /// Whether any subscription could receive alerts that `glob` silences: either glob matches the other's text.
    func overlaps(_ glob: RuleGlob) -> Bool {
        subscriptions.contains { Self.overlap($0.glob, glob) }
    }

    /// Whether two globs could match a common rule id, approximated by either matching the other's text.
    static func overlap(_ a: RuleGlob, _ b: RuleGlob) -> Bool {
        a.matches(lowercasedScalars: Array(b.pattern.lowercased().unicodeScalars))
            || b.matches(lowercasedScalars: Array(a.pattern.lowercased().unicodeScalars))
    }
}
