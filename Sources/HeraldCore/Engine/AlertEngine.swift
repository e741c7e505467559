import Foundation
import HeraldRules

/// A rule as the server lists it, without its syntax.
public struct RuleSummary: Sendable, Hashable {
    public var id: String
    public var title: String
    public var severity: String
    public var tags: [String]
}

/// What publishing one article produced.
public struct PublishOutcome: Sendable {
    public var articleID: String
    public var contentID: String
    /// The same content was published before: no new alerts were created.
    public var duplicate: Bool
    /// The new alerts, ids assigned, in text order.
    public var alerts: [Alert]
}

/// Turns articles into alerts with the current rule set, assigns alert ids and recognises re-published content.
///
/// The server holds one engine and knows nothing of rule syntax; a reload hands it a new compiled ``RuleSet``.
public actor AlertEngine {
    public private(set) var ruleSet: RuleSet
    private var nextID: UInt64 = 1
    private var seen: [String: String] = [:]
    private var seenOrder: [String] = []
    /// How many content ids to remember for duplicate detection.
    private let memory: Int

    public init(ruleSet: RuleSet, rememberArticles: Int = 100_000) {
        self.ruleSet = ruleSet
        self.memory = rememberArticles
    }

    /// Matches an article and returns its alerts, or marks it a duplicate of content already seen.
    public func publish(_ article: Article, now: Date = Date()) -> PublishOutcome {
        if let original = seen[article.contentID] {
            return PublishOutcome(articleID: original, contentID: article.contentID, duplicate: true, alerts: [])
        }
        remember(article)
        let report = ruleSet.match(title: article.title, body: article.body)
        var alerts: [Alert] = []
        alerts.reserveCapacity(report.matches.count)
        for match in report.matches {
            alerts.append(Alert(match: match, article: article, id: nextID, matchedAt: now))
            nextID += 1
        }
        return PublishOutcome(articleID: article.id, contentID: article.contentID, duplicate: false, alerts: alerts)
    }

    /// Swaps in a new rule set; articles already being matched finish with the old one.
    public func replace(ruleSet: RuleSet) {
        self.ruleSet = ruleSet
    }

    public func ruleSummaries() -> [RuleSummary] {
        ruleSet.rules.map { RuleSummary(id: $0.id, title: $0.title, severity: $0.severity.rawValue, tags: $0.tags) }
    }

    private func remember(_ article: Article) {
        seen[article.contentID] = article.id
        seenOrder.append(article.contentID)
        if seenOrder.count > memory {
            let dropped = seenOrder.count - memory
            for id in seenOrder.prefix(dropped) { seen[id] = nil }
            seenOrder.removeFirst(dropped)
        }
    }
}
