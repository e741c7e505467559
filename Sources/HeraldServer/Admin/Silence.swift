import Foundation
import HeraldCore
import HeraldProtocol
import HeraldStore

/// An Alertmanager-style silence: alerts from matching rules are stored but not pushed until it ends.
struct Silence: Sendable {
    /// `s1`, `s2`, …: what `UNSILENCE` takes.
    var id: String
    var glob: RuleGlob
    var reason: String?
    /// Who set it (the admin connection's name or id), for `SILENCES` and logs.
    var createdBy: String
    var startsAt: Date
    var endsAt: Date

    /// A silence the store keeps; its id is the store's (`s<n>`).
    init(_ record: SilenceRecord) {
        self.init(
            id: Self.id(of: record), glob: RuleGlob(record.rules), reason: record.reason, createdBy: record.createdBy,
            startsAt: record.startsAt, endsAt: record.endsAt)
    }

    init(id: String, glob: RuleGlob, reason: String?, createdBy: String, startsAt: Date, endsAt: Date) {
        self.id = id
        self.glob = glob
        self.reason = reason
        self.createdBy = createdBy
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// The protocol's id of a stored silence: `s` and the store's number.
    static func id(of record: SilenceRecord) -> String { "s\(record.id)" }

    /// The store's number in a protocol id (`s12` → 12); `nil` when it is not one.
    static func number(_ id: String) -> UInt64? {
        guard id.first == "s" || id.first == "S" else { return nil }
        return UInt64(id.dropFirst())
    }

    /// Whether an alert from `rule` (lowercased scalars) is held back at `now`.
    func silences(_ rule: [Unicode.Scalar], at now: Date) -> Bool {
        now < endsAt && glob.matches(lowercasedScalars: rule)
    }

    /// Writes the silence's fields into a line (`SILENCES`, `ok` to `SILENCE`, `notice`).
    func write(to writer: inout JSONWriter) {
        writer.string("silence", id)
        writer.string("rules", glob.pattern)
        writer.string("starts_at", Self.format(startsAt))
        writer.string("ends_at", Self.format(endsAt))
        writer.optionalString("reason", reason)
        writer.string("created_by", createdBy)
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
