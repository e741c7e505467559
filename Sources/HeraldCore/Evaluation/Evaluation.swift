import Foundation
import HeraldArticle
import HeraldRules

/// Runs a rule set over a labelled corpus (`eval/README.md`) and scores each rule's alerts against the labels.
///
/// An alert is right when an expected alert of the same rule in the same article names the same firm and one of
/// its places; each expected alert is used once. Anything else the rule raises is a false alert, and an expected
/// alert nothing matched is a miss, so an alert with the right firm and the wrong place counts as both.
public struct Evaluation: Sendable {
    /// An alert a rule raised on a corpus article, with what the report shows of it.
    public struct RaisedAlert: Sendable {
        public var rule: String
        public var firm: String?
        public var place: String?
        public var fields: [MatchField]
        public var evidence: String
    }

    /// How one article came out.
    public struct ArticleOutcome: Sendable {
        public var article: LabelledArticle
        public var found: [ExpectedAlert]
        public var missed: [ExpectedAlert]
        public var falseAlerts: [RaisedAlert]
        /// `--explain` lines of the evaluated rules on this article, for the report of a miss.
        public var explanation: [String]

        /// Every expected alert raised and nothing else.
        public var isRight: Bool { missed.isEmpty && falseAlerts.isEmpty }
    }

    /// One rule's figures over the corpus.
    public struct RuleScore: Sendable {
        public var rule: String
        public var found = 0
        public var falseAlerts = 0
        public var missed = 0

        public var precision: Double { found + falseAlerts == 0 ? 1 : Double(found) / Double(found + falseAlerts) }
        public var recall: Double { found + missed == 0 ? 1 : Double(found) / Double(found + missed) }
        public var f1: Double {
            precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        }
    }

    public var articles: [ArticleOutcome]
    public var scores: [RuleScore]

    /// Articles raising exactly what they should.
    public var rightCount: Int { articles.filter(\.isRight).count }

    /// Right articles out of all, per label class, in the order classes first appear.
    public var byClass: [(articleClass: String, positives: (right: Int, total: Int), nearMisses: (right: Int, total: Int))] {
        var order: [String] = []
        var tallies: [String: [Int]] = [:]
        for outcome in articles {
            let name = outcome.article.articleClass.isEmpty ? "-" : outcome.article.articleClass
            if tallies[name] == nil {
                order.append(name)
                tallies[name] = [0, 0, 0, 0]
            }
            let base = outcome.article.isPositive ? 0 : 2
            tallies[name]?[base + 1] += 1
            if outcome.isRight { tallies[name]?[base] += 1 }
        }
        return order.map { name in
            let tally = tallies[name] ?? [0, 0, 0, 0]
            return (name, (tally[0], tally[1]), (tally[2], tally[3]))
        }
    }

    /// Scores `ruleSet` over the labelled articles of `directory` (its `labels.tsv` and the files it names).
    ///
    /// - Parameters:
    ///   - labelAs: evaluate a rule of the set under the labels of another rule id (`cn-us-ai-team-en` against
    ///     `cn-us-ai-team`'s labels); rules neither labelled nor mapped are not scored.
    public static func run(
        _ ruleSet: RuleSet, directory: String, labelAs: [String: String] = [:], explain: Bool = true
    ) throws(EvaluationLabels.Error) -> Evaluation {
        let labelsPath = (directory as NSString).appendingPathComponent("labels.tsv")
        guard let data = FileManager.default.contents(atPath: labelsPath) else {
            throw EvaluationLabels.Error(description: "\(labelsPath): cannot read the corpus labels")
        }
        let labelled = try EvaluationLabels.parse(String(decoding: data, as: UTF8.self), name: labelsPath)
        let labelledRules = Set(labelled.flatMap { $0.expected.map(\.rule) })
        var evaluated: [String: String] = [:]
        for rule in ruleSet.rules {
            if let target = labelAs[rule.id] {
                evaluated[rule.id] = target
            } else if labelledRules.contains(rule.id) {
                evaluated[rule.id] = rule.id
            }
        }
        let parser = ArticleParser()
        var outcomes: [ArticleOutcome] = []
        for article in labelled {
            let path = (directory as NSString).appendingPathComponent(article.file)
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw EvaluationLabels.Error(description: "\(path): labelled in labels.tsv but cannot be read")
            }
            let parsed: [Article]
            do {
                parsed = try parser.parse([UInt8](bytes), format: .auto, name: path)
            } catch {
                throw EvaluationLabels.Error(description: error.message)
            }
            var raised: [RaisedAlert] = []
            var explanation: [String] = []
            for item in parsed {
                let report = ruleSet.match(title: item.title, body: item.body, published: item.published, explain: explain)
                explanation += report.explanation.filter { line in
                    evaluated.keys.contains { line.hasPrefix($0 + " ") }
                }
                for match in report.matches {
                    guard let target = evaluated[match.rule.id] else { continue }
                    raised.append(
                        RaisedAlert(
                            rule: target, firm: match.field("firm"), place: match.field("place"), fields: match.fields,
                            evidence: match.evidence))
                }
            }
            outcomes.append(score(article, raised: raised, explanation: explanation))
        }
        let rules = Set(evaluated.values).union(labelledRules).sorted()
        return Evaluation(articles: outcomes, scores: rules.map { tally($0, outcomes) })
    }

    static func score(_ article: LabelledArticle, raised: [RaisedAlert], explanation: [String]) -> ArticleOutcome {
        var open = article.expected
        var found: [ExpectedAlert] = []
        var falseAlerts: [RaisedAlert] = []
        for alert in raised {
            if let index = open.firstIndex(where: { $0.rule == alert.rule && $0.accepts(firm: alert.firm, place: alert.place) }) {
                found.append(open.remove(at: index))
            } else {
                falseAlerts.append(alert)
            }
        }
        return ArticleOutcome(article: article, found: found, missed: open, falseAlerts: falseAlerts, explanation: explanation)
    }

    private static func tally(_ rule: String, _ outcomes: [ArticleOutcome]) -> RuleScore {
        var score = RuleScore(rule: rule)
        for outcome in outcomes {
            score.found += outcome.found.filter { $0.rule == rule }.count
            score.missed += outcome.missed.filter { $0.rule == rule }.count
            score.falseAlerts += outcome.falseAlerts.filter { $0.rule == rule }.count
        }
        return score
    }
}
