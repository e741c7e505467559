/// The parsed, not yet resolved, form of rule files: what the analyst wrote, with locations for diagnostics.
enum Syntax {
    /// A place in a file plus the width to underline.
    struct Span: Sendable, Hashable {
        var location: SourceLocation
        var length: Int
        var sourceLine: String
    }

    /// `key=value|value` or `key!=value` inside `[...]`.
    struct Condition: Sendable, Hashable {
        var key: String
        var negated: Bool
        var values: [String]
        var span: Span
    }

    /// One alternative of a term set: a list, a macro or a quoted phrase.
    enum Term: Sendable, Hashable {
        case list(name: String, conditions: [Condition], span: Span)
        case macro(name: String, span: Span)
        case phrase(String, span: Span)
        /// `"cut" ~4 @JOBS`: the parts in this order, each next one starting at most `gaps[i]` words after the
        /// previous ends, in one sentence.
        indirect case sequence(parts: [Term], gaps: [Int], span: Span)
    }

    enum Relation: String, Sendable, Hashable {
        case after, before, near
        /// In one of the next sentences, which refers back to the other binding's unit ("The lab builds …").
        case describing
    }

    /// `after firm within 10`, `near/3 team`.
    struct Constraint: Sendable, Hashable {
        var relation: Relation
        var binding: String
        /// `near (noun | verb)`: the other bindings the relation may hold to instead (any one that is bound).
        var alternatives: [String] = []
        var within: Int?
        /// `within clause`: in the same clause of the sentence.
        var withinClause = false
        /// `outside asides`: not in a stretch set off by commas, dashes or parentheses (", best known for …,").
        var outsideAsides = false
        var span: Span
    }

    indirect enum Expression: Sendable, Hashable {
        case binding(String, conditions: [Condition], span: Span)
        case terms([Term], span: Span)
        case not(Expression)
        case and(Expression, Expression)
        case or(Expression, Expression)
    }

    struct Binding: Sendable, Hashable {
        var name: String
        var terms: [Term]
        var constraints: [Constraint]
        /// `or setting [within N]`: when the sentence names no place of its own, the place the N sentences before
        /// it (or the dateline) set the scene in.
        var setting: Int? = nil
        /// `or describing UNIT [within N]`: also a place that one of the N sentences after names for the unit
        /// bound to UNIT, in a sentence that refers back to it ("The lab, in Pittsburgh's Strip District, …").
        var laterPlace: LaterPlace? = nil
        var span: Span
    }

    /// The unit an `or describing` binding follows into the next sentences, and how far.
    struct LaterPlace: Sendable, Hashable {
        var binding: String
        var within: Int?
        var span: Span
    }

    struct Reject: Sendable, Hashable {
        var terms: [Term]
        var constraint: Constraint?
        var span: Span
    }

    enum Value: Sendable, Hashable {
        /// The canonical name of the entry a binding hit.
        case name(String)
        /// An attribute of that entry.
        case attribute(String, String)
        /// The text as it appears in the article.
        case text(String)
        case literal(String)
    }

    struct Field: Sendable, Hashable {
        var name: String
        var value: Value
        var span: Span
    }

    struct Expectation: Sendable, Hashable {
        var shouldMatch: Bool
        var text: String
        /// The example article's title, when the example needs one.
        var headline: String?
        var fields: [(String, String)]
        var span: Span

        static func == (lhs: Expectation, rhs: Expectation) -> Bool {
            lhs.shouldMatch == rhs.shouldMatch && lhs.text == rhs.text && lhs.headline == rhs.headline && lhs.span == rhs.span
                && lhs.fields.map(\.0) == rhs.fields.map(\.0) && lhs.fields.map(\.1) == rhs.fields.map(\.1)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(text)
            hasher.combine(span)
        }
    }

    /// `event verb agent firm object team at place`: the roles bound hits must play in one event.
    struct Event: Sendable, Hashable {
        var verb: String
        var agent: String?
        var object: String?
        var place: String?
        var span: Span
    }

    struct Preference: Sendable, Hashable {
        var binding: String
        var attribute: String
        var order: [String]
        var span: Span
    }

    struct Rule: Sendable {
        var id: String
        var span: Span
        var title: String?
        var severity: String?
        var severitySpan: Span?
        var tags: [String] = []
        var scope: String?
        var scopeSpan: Span?
        var bindings: [Binding] = []
        var require: Expression?
        var rejects: [Reject] = []
        var fields: [Field] = []
        var dedup: [String]?
        var dedupSpan: Span?
        var dedupWindow: Int?
        var throttle: (count: Int, seconds: Int)?
        var preferences: [Preference] = []
        var event: Event?
        /// `factuality asserted, announced`: which readings of the event fire.
        var factuality: [String]?
        var factualitySpan: Span?
        var expectations: [Expectation] = []
        /// The lines of the rule as written, for `herald explain` and the `RULE` command.
        var sourceLines: [String] = []
        /// A clause failed to parse: checks for missing parts would only repeat that error.
        var hasSyntaxErrors = false
        /// `when <sentence>`: the condition as controlled English, turned into bindings by ``SentenceCompiler``.
        var sentence: Sentence?
    }

    /// One word of a `when` sentence, with its place for diagnostics.
    struct Word: Sendable, Hashable {
        var text: String
        var span: Span
    }

    /// `when a Chinese firm opens a US AI team`: the words after `when`, and the whole clause's span.
    struct Sentence: Sendable, Hashable {
        var words: [Word]
        var span: Span

        var text: String { words.map(\.text).joined(separator: " ") }
    }

    struct Macro: Sendable {
        var name: String
        var terms: [Term]
        var span: Span
    }

    struct ListOptions: Sendable, Hashable {
        var isEntity = false
        /// A mask list only hides hits of other lists inside its own ("Greater Bay Area" hides "Bay Area");
        /// no rule needs to use it.
        var isMask = false
        var caseMode: CaseMode = .smart
        /// `refer=context`: the article's references to this list's entries count as hits ("the company", "it", a
        /// short name), and names introduced by context become entries for the article (``ReferenceResolver``).
        var isReferable = false
        /// `origins=CN_PLACE`: a list of places whose firms belong to this list ("a Chengdu start-up").
        var origins: String?
        /// Loaded through a glob include: one of a library of lists, not reported when no rule uses it.
        var isLibrary = false
        var inflection: Inflection = .none
    }

    struct ListEntry: Sendable {
        var aliases: [String]
        var attributes: [(String, String)]
        var span: Span
    }

    struct List: Sendable {
        var name: String
        var options: ListOptions
        var entries: [ListEntry]
        var span: Span
    }
}

/// How an alias's letter case must match the text.
public enum CaseMode: String, Sendable, Hashable {
    /// Lowercase aliases match any case; aliases with capitals match as written or in all capitals.
    case smart
    case sensitive
    case insensitive
}

/// Which word forms to generate from a list's aliases.
public enum Inflection: String, Sendable, Hashable {
    case none
    case verb
    case noun
}
