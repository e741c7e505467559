import Foundation
import HeraldCore
import HeraldProtocol

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
