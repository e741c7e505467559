/// Whether the text reports an event as having happened, as planned, or as something else.
///
/// Every event a rule finds carries one (the alert's `factuality` field). The default for event rules is
/// `asserted` or `announced`; `factuality …` in a rule changes it (RULES.md, "Events").
public enum Factuality: String, Sendable, Hashable, CaseIterable {
    /// It happened or is happening: "opened", "is building", "has hired".
    case asserted
    /// A definite plan made public: "will open", "plans to open", "is set to", "said it would".
    case announced
    /// Possible but not decided: "is considering", "in talks", "may", "exploring".
    case speculative
    /// Only supposed or urged: "if it opened", "would", "should open", "analysts urged".
    case hypothetical
    /// Said not to be so: "denied", "has no plans", "neither … nor", "a report … was false".
    case negated
    /// Stopped by someone or given up: "was blocked by regulators", "decided against it", "shelved".
    case blocked
    /// Over: dated years before the article, or since closed ("opened in 2017 and closed it in 2022").
    case historical

    /// When cues of several kinds reach one event, the strongest wins: a denial of a plan is a denial.
    var strength: Int {
        switch self {
        case .asserted: 0
        case .announced: 1
        case .historical: 2
        case .speculative: 3
        case .hypothetical: 4
        case .blocked: 5
        case .negated: 6
        }
    }

    /// What event rules accept unless they say otherwise.
    public static let defaultAccepted: Set<Factuality> = [.asserted, .announced]
}
