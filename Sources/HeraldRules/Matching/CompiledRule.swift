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
        /// Checked by the evaluation, which sees the sentences after the unit (``RuleEvaluation``).
        case describing
    }

    var relation: Relation
    var binding: Int
    /// Other bindings the relation may hold to instead: `near (noun | verb)`.
    var alternatives: [Int] = []
    /// Maximum distance in words; `nil` means anywhere in the scope.
    var within: Int?
    /// `within clause`: also in the same clause (checked by the evaluation, which has the sentence's structure).
    var withinClause = false
    /// `outside asides`: the hit is not in a set-off stretch of its sentence (checked by the evaluation).
    var outsideAsides = false

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
        case .describing:
            return hit.firstToken >= other.endToken
        }
    }
}

struct CompiledBinding: Sendable {
    var name: String
    var terms: [TermReference]
    var constraints: [PositionConstraint]
    var source: String
    /// For a `describing` binding, how many sentences after the unit it looks in; nil for the others. Kept apart
    /// so that evaluating a rule does not search every binding's constraints for it.
    var describingSentences: Int?
    /// For an `or setting` binding, how many sentences before the unit it looks in when the unit names no place.
    var settingSentences: Int?
    /// For an `or describing UNIT` binding, the unit's binding and how many sentences after the unit it looks in.
    var laterPlace: LaterPlace?

    struct LaterPlace: Sendable {
        var binding: Int
        var sentences: Int
    }

    init(
        name: String, terms: [TermReference], constraints: [PositionConstraint], source: String,
        settingSentences: Int? = nil, laterPlace: LaterPlace? = nil
    ) {
        self.laterPlace = laterPlace
        self.name = name
        self.terms = terms
        self.constraints = constraints
        self.source = source
        self.describingSentences = constraints.first { $0.relation == .describing }.map { $0.within ?? 3 }
        self.settingSentences = settingSentences
    }
}

indirect enum RuleCondition: Sendable {
    case bound(Int, [AttributeCondition])
    case exists([TermReference])
    case not(RuleCondition)
    case and(RuleCondition, RuleCondition)
    case or(RuleCondition, RuleCondition)
}

/// A rule's `event` clause: which bindings play which role, and the factualities that fire.
struct CompiledEvent: Sendable {
    var verb: Int
    var agent: Int?
    var object: Int?
    var place: Int?
    var accepted: Set<Factuality>
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
    public var headline: String?
    public var fields: [(String, String)]
    public var location: SourceLocation
    var sourceLine: String
    var length: Int
}

/// A rule ready to evaluate.
///
/// A value with its fields in one shared, immutable box: matching copies a rule into every evaluation and every
/// match, and copying eighteen reference-counted fields each time was a visible share of matching at 10,000 rules.
public struct CompiledRule: Sendable {
    private final class Storage: Sendable {
        let id: String
        let title: String
        let severity: Severity
        let tags: [String]
        let scope: Scope
        let location: SourceLocation
        let dedupWindow: Int
        let throttle: (count: Int, seconds: Int)?
        let expectations: [RuleExpectation]
        let dedupFields: [String]
        let bindings: [CompiledBinding]
        let mandatory: [Bool]
        let condition: RuleCondition?
        let rejects: [CompiledReject]
        let fields: [CompiledField]
        let preferences: [CompiledPreference]
        let anchors: [Int32]
        let source: String
        let event: CompiledEvent?

        init(
            id: String, title: String, severity: Severity, tags: [String], scope: Scope, location: SourceLocation,
            dedupWindow: Int, throttle: (count: Int, seconds: Int)?, expectations: [RuleExpectation],
            dedupFields: [String], bindings: [CompiledBinding], mandatory: [Bool], condition: RuleCondition?,
            rejects: [CompiledReject], fields: [CompiledField], preferences: [CompiledPreference], anchors: [Int32],
            source: String, event: CompiledEvent?
        ) {
            self.event = event
            self.id = id
            self.title = title
            self.severity = severity
            self.tags = tags
            self.scope = scope
            self.location = location
            self.dedupWindow = dedupWindow
            self.throttle = throttle
            self.expectations = expectations
            self.dedupFields = dedupFields
            self.bindings = bindings
            self.mandatory = mandatory
            self.condition = condition
            self.rejects = rejects
            self.fields = fields
            self.preferences = preferences
            self.anchors = anchors
            self.source = source
        }
    }

    private let storage: Storage

    init(
        id: String, title: String, severity: Severity, tags: [String], scope: Scope, location: SourceLocation,
        dedupWindow: Int, throttle: (count: Int, seconds: Int)?, expectations: [RuleExpectation], dedupFields: [String],
        bindings: [CompiledBinding], mandatory: [Bool], condition: RuleCondition?, rejects: [CompiledReject],
        fields: [CompiledField], preferences: [CompiledPreference], anchors: [Int32], source: String,
        event: CompiledEvent? = nil
    ) {
        storage = Storage(
            id: id, title: title, severity: severity, tags: tags, scope: scope, location: location,
            dedupWindow: dedupWindow, throttle: throttle, expectations: expectations, dedupFields: dedupFields,
            bindings: bindings, mandatory: mandatory, condition: condition, rejects: rejects, fields: fields,
            preferences: preferences, anchors: anchors, source: source, event: event)
    }

    public var id: String { storage.id }
    public var title: String { storage.title }
    public var severity: Severity { storage.severity }
    public var tags: [String] { storage.tags }
    public var scope: Scope { storage.scope }
    public var location: SourceLocation { storage.location }
    /// Dedup window in seconds, for the alert store (0: dedup within one article only).
    public var dedupWindow: Int { storage.dedupWindow }
    /// `throttle N per duration`, for the alert store.
    public var throttle: (count: Int, seconds: Int)? { storage.throttle }
    public var expectations: [RuleExpectation] { storage.expectations }
    /// The names of the fields whose values make an alert distinct.
    public var dedupFields: [String] { storage.dedupFields }

    var bindings: [CompiledBinding] { storage.bindings }
    /// Whether a binding must be bound for the rule to fire (derived from `require`).
    var mandatory: [Bool] { storage.mandatory }
    /// The terms of each binding the rule cannot fire without, leaving out bindings with no terms: a text where one
    /// of these has no hit cannot fire the rule (what ``ArticlePrefilter`` and ``ReferenceGates`` test).
    var indispensableTerms: [[TermReference]] {
        bindings.indices.compactMap { index in
            index < mandatory.count && mandatory[index] && !bindings[index].terms.isEmpty ? bindings[index].terms : nil
        }
    }
    var condition: RuleCondition? { storage.condition }
    var rejects: [CompiledReject] { storage.rejects }
    var fields: [CompiledField] { storage.fields }
    var preferences: [CompiledPreference] { storage.preferences }
    /// Lists at least one of which must hit for the rule to fire: the prefilter.
    var anchors: [Int32] { storage.anchors }
    /// The rule as written, for `RULE` and `--explain`.
    public var source: String { storage.source }
    /// The `event` clause, if the rule has one.
    var event: CompiledEvent? { storage.event }
}
