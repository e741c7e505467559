import HeraldCore
import HeraldProtocol

/// One subscription: a rule-id glob with optional minimum severity and tag.
struct Subscription: Sendable, Hashable {
    /// The rule-id pattern; also the subscription's identity within a connection.
    var glob: RuleGlob
    /// Only alerts at least this severe, when set.
    var minimumSeverity: SeverityLevel?
    /// Only alerts carrying this tag (stored lowercased), when set.
    var tag: String?

    /// Creates a subscription.
    init(glob: RuleGlob, minimumSeverity: SeverityLevel? = nil, tag: String? = nil) {
        self.glob = glob
        self.minimumSeverity = minimumSeverity
        self.tag = tag
    }

    /// Whether an alert with these facts passes all of this subscription's filters.
    func matches(_ facts: AlertFacts) -> Bool {
        if let minimumSeverity {
            // An unknown severity passes no minimum: better to miss a filter than to page someone wrongly.
            guard let severity = facts.severity, severity >= minimumSeverity else { return false }
        }
        if let tag, !facts.tags.contains(tag) { return false }
        return glob.matches(lowercasedScalars: facts.rule)
    }
}

/// What subscription filters look at, normalised once per alert rather than once per subscriber.
struct AlertFacts: Sendable {
    var rule: [Unicode.Scalar]
    var severity: SeverityLevel?
    var tags: Set<String>

    init(rule: String, severity: String, tags: [String]) {
        self.rule = Array(rule.lowercased().unicodeScalars)
        self.severity = SeverityLevel(name: severity)
        self.tags = Set(tags.map { $0.lowercased() })
    }

    init(_ alert: Alert) {
        self.init(rule: alert.rule, severity: alert.severity.rawValue, tags: alert.tags)
    }
}
