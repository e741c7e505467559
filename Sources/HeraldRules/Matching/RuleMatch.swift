/// Which part of an article a match was found in; offsets are relative to that part's text.
public enum TextPart: String, Sendable, Hashable {
    case title
    case body
}

/// A binding's hit, quoted from the article.
public struct BoundSpan: Sendable, Hashable {
    public var name: String
    /// Scalar offset in the part's text.
    public var start: Int
    public var end: Int
    /// The text exactly as it appears in the article.
    public var text: String
}

/// A named value a rule emits, such as `firm=Alibaba`.
public struct MatchField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One firing of one rule on one article, after dedup: what an alert is made of.
public struct RuleMatch: Sendable {
    public var rule: CompiledRule
    public var fields: [MatchField]
    public var part: TextPart
    /// The sentence (or paragraph, or whole text for wider scopes) the rule fired on.
    public var evidence: String
    public var evidenceStart: Int
    public var evidenceEnd: Int
    public var spans: [BoundSpan]
    /// The values of the rule's dedup fields, joined: one alert per distinct key per article.
    public var dedupKey: String

    /// The value of a field, if the rule emitted it.
    public func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }
}

/// The result of matching an article: the matches and, when asked, why each candidate rule fired or not.
public struct MatchReport: Sendable {
    public var matches: [RuleMatch]
    public var explanation: [String]
    /// How many rules the prefilter let through to evaluation.
    public var candidateRules: Int
}
