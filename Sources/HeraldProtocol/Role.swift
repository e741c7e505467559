/// What a connection may do. A connection holds a set of roles; each command needs at most one.
public enum Role: String, Sendable, Hashable, CaseIterable, Comparable {
    /// `SUB` and receiving alerts.
    case subscribe
    /// `PUB` and `ARTICLE`.
    case publish
    /// The admin commands: `RELOAD`, `STATS`, `CLIENTS`, `KICK`, `SILENCE`, `UNSILENCE`, `SILENCES`, `RULE`.
    case admin

    /// Orders roles as declared, so `hello` and `CLIENTS` list them the same way every time.
    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }

    /// Parses `publish,subscribe` (as in the auth file and `herald token add --roles`).
    public static func list(_ text: String) -> [Role]? {
        var roles: [Role] = []
        for word in text.split(separator: ",") {
            guard let role = Role(rawValue: word.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
            if !roles.contains(role) { roles.append(role) }
        }
        return roles.isEmpty ? nil : roles.sorted()
    }
}
