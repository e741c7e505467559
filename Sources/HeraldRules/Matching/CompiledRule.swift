/// Alert severity, from least to most urgent.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    /// 0 for info up to 4 for critical.
    public var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// The text unit a rule's conditions must all hold in.
public enum Scope: String, Sendable, Hashable {
    case sentence, paragraph, article
}

/// A list reference with its attribute filter, e.g. `@CN_FIRM[sector=ai]`.
struct TermReference: Sendable, Hashable {
    var list: Int32
    var conditions: [AttributeCondition]

    func accepts(_ hit: Hit, entries: [GazetteerEntry]) -> Bool {
        guard hit.list == list else { return false }
        return conditions.allSatisfy { $0.accepts(entries[Int(hit.entry)]) }
    }
}

/// `key=a|b` or `key!=a|b` on an entry's attributes.
struct AttributeCondition: Sendable, Hashable {
    var key: String
    var negated: Bool
    var values: Set<String>

    func accepts(_ entry: GazetteerEntry) -> Bool {
        let present = entry.attributes[key].map { values.contains($0) } ?? false
        return negated ? !present : present
    }
}

/// How one binding must sit relative to an earlier one.
struct PositionConstraint: Sendable, Hashable {
    enum Relation: String, Sendable, Hashable {
        case after, before, near
    }

    var relation: Relation
    var binding: Int
    /// Maximum distance in words; `nil` means anywhere in the scope.
    var within: Int?

    func holds(for hit: Hit, relativeTo other: Hit) -> Bool {
        switch relation {
        case .after:
            guard hit.firstToken >= other.endToken else { return false }
            return within.map { hit.firstWord - other.lastWord <= $0 } ?? true
        case .before:
            guard hit.endToken <= other.firstToken else { return false }
            return within.map { other.firstWord - hit.lastWord <= $0 } ?? true
        case .near:
            guard !hit.overlaps(other) else { return false }
            let gap = hit.firstToken >= other.endToken ? hit.firstWord - other.lastWord : other.firstWord - hit.lastWord
            return within.map { gap <= $0 } ?? true
        }
    }
}

struct CompiledBinding: Sendable {
    var name: String
    var terms: [TermReference]
    var constraints: [PositionConstraint]
    var source: String
}

indirect enum RuleCondition: Sendable {
    case bound(Int, [AttributeCondition])
    case exists([TermReference])
    case not(RuleCondition)
    case and(RuleCondition, RuleCondition)
    case or(RuleCondition, RuleCondition)
}

struct CompiledReject: Sendable {
    var terms: [TermReference]
    var constraint: PositionConstraint?
    var source: String
}

enum FieldValue: Sendable {
    case name(Int)
    case attribute(Int, String)
    case text(Int)
    case literal(String)
}

struct CompiledField: Sendable {
    var name: String
    var value: FieldValue
}

struct CompiledPreference: Sendable {
    var binding: Int
    var attribute: String
    var order: [String]
}

/// An `expect match|nomatch "…"` example, run by `herald check`.
public struct RuleExpectation: Sendable {
    public var shouldMatch: Bool
    public var text: String
    public var fields: [(String, String)]
    public var location: SourceLocation
    var sourceLine: String
    var length: Int
}

/// A rule ready to evaluate.
public struct CompiledRule: Sendable {
    public let id: String
    public let title: String
    public let severity: Severity
    public let tags: [String]
    public let scope: Scope
    public let location: SourceLocation
    /// Dedup window in seconds, for the alert store (0: dedup within one article only).
    public let dedupWindow: Int
    /// `throttle N per duration`, for the alert store.
    public let throttle: (count: Int, seconds: Int)?
    public let expectations: [RuleExpectation]
    /// The names of the fields whose values make an alert distinct.
    public let dedupFields: [String]

    let bindings: [CompiledBinding]
    /// Whether a binding must be bound for the rule to fire (derived from `require`).
    let mandatory: [Bool]
    let condition: RuleCondition?
    let rejects: [CompiledReject]
    let fields: [CompiledField]
    let preferences: [CompiledPreference]
    /// Lists at least one of which must hit for the rule to fire: the prefilter.
    let anchors: [Int32]
    /// The rule as written, for `RULE` and `--explain`.
    public let source: String
}
