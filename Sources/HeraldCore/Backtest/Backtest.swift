import Foundation
import HeraldRules
import HeraldStore

/// Runs a rule set over archived articles and compares what it would have raised with what the alert log holds
/// for the same articles: the analyst's "what would this edit have caught?" before it goes live.
///
/// The comparison is per article and rule, by the alert's fields: a match whose fields the log has is `same`;
/// one the log lacks is `new`, or `changed` when the log has a different match of the same rule on that article;
/// a logged match the rules no longer make is `gone`. The log counts every match, those a dedup window made a
/// repeat and those a throttle held back included, so dedup and throttles do not show up as differences.
/// Silences are not in the log either way: they do not change what matched.
public struct Backtest: Sendable {
    /// What the log recorded for one article: rule and fields of each match, with the line's id.
    public struct Logged: Sendable, Hashable {
        public var id: UInt64
        public var rule: String
        public var fields: [MatchField]
    }

    public enum Change: String, Sendable, CaseIterable {
        case same, new, changed, gone
    }

    /// One alert the rules would raise, or one logged alert they would not.
    public struct Result: Sendable {
        public var change: Change
        public var rule: String
        /// The fields the rules give now (for `gone`: the logged ones).
        public var fields: [MatchField]
        /// For `changed`: the fields the log had.
        public var was: [MatchField]?
        /// The log line compared with, if any.
        public var loggedID: UInt64?
        public var article: ArticleRecord
    }

    public let ruleSet: RuleSet
    /// Logged matches by content id.
    public let logged: [String: [Logged]]

    public init(ruleSet: RuleSet, logged: [String: [Logged]]) {
        self.ruleSet = ruleSet
        self.logged = logged
    }

    /// Reads the log's matches since `since` from `archive`, keyed by the content id of their article. Lines
    /// that are not JSON objects with a rule and an article are skipped (a log from a future schema).
    public static func loggedMatches(in archive: any ArticleArchive, since: Date) throws -> [String: [Logged]] {
        var logged: [String: [Logged]] = [:]
        try archive.forEachLoggedMatch(since: since) { match in
            guard let object = try? JSONSerialization.jsonObject(with: Data(match.json)) as? [String: Any],
                let article = object["article"] as? [String: Any], let contentID = article["content_id"] as? String
            else { return }
            let fields = Self.inWrittenOrder(
                (object["fields"] as? [String: Any] ?? [:]).compactMap { name, value in
                    (value as? String).map { MatchField(name: name, value: $0) }
                }, json: match.json)
            logged[contentID, default: []].append(Logged(id: match.id, rule: match.rule, fields: fields))
        }
        return logged
    }

    /// The fields in the order the line has them (the rule's `emit` order), which a JSON object read into a
    /// dictionary loses: by where each name first appears after `"fields":{`.
    static func inWrittenOrder(_ fields: [MatchField], json: [UInt8]) -> [MatchField] {
        let text = String(decoding: json, as: UTF8.self)
        guard let start = text.range(of: #""fields":{"#)?.upperBound else { return fields.sorted { $0.name < $1.name } }
        func position(_ field: MatchField) -> String.Index {
            text.range(of: "\"\(field.name)\":", range: start..<text.endIndex)?.lowerBound ?? text.endIndex
        }
        return fields.sorted { position($0) < position($1) }
    }

    /// Matches one archived article and compares (on any thread).
    public func compare(_ archived: ArchivedArticle) -> [Result] {
        let report = ruleSet.match(title: archived.record.title, body: archived.body, published: archived.record.published)
        var before = logged[archived.record.contentID] ?? []
        var results: [Result] = []
        var unmatched: [RuleMatch] = []
        for match in report.matches {
            if let index = before.firstIndex(where: { $0.rule == match.rule.id && Self.same($0.fields, match.fields) }) {
                results.append(
                    Result(
                        change: .same, rule: match.rule.id, fields: match.fields, loggedID: before[index].id,
                        article: archived.record))
                before.remove(at: index)
            } else {
                unmatched.append(match)
            }
        }
        for match in unmatched {
            if let index = before.firstIndex(where: { $0.rule == match.rule.id }) {
                results.append(
                    Result(
                        change: .changed, rule: match.rule.id, fields: match.fields, was: before[index].fields,
                        loggedID: before[index].id, article: archived.record))
                before.remove(at: index)
            } else {
                results.append(Result(change: .new, rule: match.rule.id, fields: match.fields, article: archived.record))
            }
        }
        for gone in before {
            results.append(
                Result(change: .gone, rule: gone.rule, fields: gone.fields, loggedID: gone.id, article: archived.record))
        }
        return results
    }

    /// Field lists compared as sets of name and value (the log's JSON object does not keep their order).
    static func same(_ a: [MatchField], _ b: [MatchField]) -> Bool {
        a.count == b.count && Set(a) == Set(b)
    }
}

/// Counts per rule of a backtest's results.
public struct BacktestSummary: Sendable {
    public struct Counts: Sendable, Hashable {
        public var same = 0
        public var new = 0
        public var changed = 0
        public var gone = 0

        public init() {}

        /// Alerts the rules would raise: same, new and changed.
        public var wouldRaise: Int { same + new + changed }
        public var differences: Int { new + changed + gone }
    }

    public private(set) var byRule: [String: Counts] = [:]
    public private(set) var articles = 0

    public init() {}

    public mutating func add(_ results: [Backtest.Result]) {
        articles += 1
        for result in results {
            switch result.change {
            case .same: byRule[result.rule, default: Counts()].same += 1
            case .new: byRule[result.rule, default: Counts()].new += 1
            case .changed: byRule[result.rule, default: Counts()].changed += 1
            case .gone: byRule[result.rule, default: Counts()].gone += 1
            }
        }
    }
}
