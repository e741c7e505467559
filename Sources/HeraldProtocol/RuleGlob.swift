/// A shell-style pattern over rule ids: `*` matches any run of characters, `?` exactly one; case is ignored.
///
/// Rule ids are short, so a simple backtracking matcher is plenty; the pattern is lowercased once at parse time.
public struct RuleGlob: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as the client wrote it, echoed back in replies.
    public let pattern: String
    private let scalars: [Unicode.Scalar]

    /// Creates a glob from its text form.
    public init(_ pattern: String) {
        self.pattern = pattern
        self.scalars = Array(pattern.lowercased().unicodeScalars)
    }

    /// Whether `ruleID` matches the whole pattern.
    public func matches(_ ruleID: String) -> Bool {
        matches(lowercasedScalars: Array(ruleID.lowercased().unicodeScalars))
    }

    /// The fast path for fan-out: the rule id is lowercased once per alert, not once per subscriber.
    public func matches(lowercasedScalars name: [Unicode.Scalar]) -> Bool {
        // Iterative wildcard matching with a single backtrack point: linear for patterns with one `*`,
        // and never exponential (each `*` only moves the resume point forward).
        var p = 0
        var n = 0
        var starP = -1
        var starN = 0
        while n < name.count {
            if p < scalars.count && (scalars[p] == "?" || scalars[p] == name[n]) {
                p += 1
                n += 1
            } else if p < scalars.count && scalars[p] == "*" {
                starP = p
                starN = n
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starN += 1
                n = starN
            } else {
                return false
            }
        }
        while p < scalars.count && scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }

    /// True for a pattern that matches every rule id (`*`, `**`, …).
    public var matchesEverything: Bool { !scalars.isEmpty && scalars.allSatisfy { $0 == "*" } }

    /// The pattern as written.
    public var description: String { pattern }

    /// Globs are equal when they match the same ids, so `CN-*` and `cn-*` are one subscription.
    public static func == (lhs: RuleGlob, rhs: RuleGlob) -> Bool { lhs.scalars == rhs.scalars }

    /// Hashes the case-folded pattern, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        for scalar in scalars { hasher.combine(scalar.value) }
    }
}
