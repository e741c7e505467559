import Foundation

/// One expected alert of a labelled evaluation corpus: a line of its `labels.tsv`.
public struct ExpectedAlert: Sendable, Hashable {
    public var rule: String
    /// The firm names the alert may report (alternatives were written `A|B`).
    public var firms: [String]
    /// The places the alert may report; empty means any place.
    public var places: [String]

    /// Whether an alert with these field values is this expected alert.
    public func accepts(firm: String?, place: String?) -> Bool {
        guard let firm, firms.contains(where: { Self.same($0, firm) }) else { return false }
        if places.isEmpty { return true }
        guard let place else { return false }
        return places.contains { Self.same($0, place) }
    }

    static func same(_ left: String, _ right: String) -> Bool {
        left.lowercased() == right.lowercased()
    }
}

/// What a corpus says of one article file: the alerts it must raise (none for a near miss), its class and style.
public struct LabelledArticle: Sendable, Hashable {
    public var file: String
    public var expected: [ExpectedAlert]
    /// The hardest thing the article tests (`eval/README.md`): `actor`, `place`, `factuality`, …
    public var articleClass: String
    public var style: String
    public var note: String

    public var isPositive: Bool { !expected.isEmpty }
}

/// The `labels.tsv` of an evaluation corpus: `file rule firm place class style note`, one line per expected alert,
/// `-` in `rule` for an article that must raise none.
public enum EvaluationLabels {
    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    static let columns = ["file", "rule", "firm", "place", "class", "style", "note"]

    /// The labelled articles in file order; `name` is used in error messages.
    public static func parse(_ text: String, name: String) throws(Error) -> [LabelledArticle] {
        var articles: [LabelledArticle] = []
        var positions: [String: Int] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy(\.isWhitespace) { continue }
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if offset == 0 || cells.first == "file" {
                guard Array(cells.prefix(4)) == Array(columns.prefix(4)) else {
                    throw Error(description: "\(name):\(offset + 1): expected the header '\(columns.joined(separator: "\\t"))'")
                }
                continue
            }
            guard cells.count >= 4 else {
                throw Error(description: "\(name):\(offset + 1): \(cells.count) columns, expected at least 4 (file, rule, firm, place)")
            }
            let file = cells[0]
            let cell = { (index: Int) in index < cells.count ? cells[index] : "" }
            var article = positions[file].map { articles[$0] }
                ?? LabelledArticle(file: file, expected: [], articleClass: cell(4), style: cell(5), note: cell(6))
            if cells[1] != "-" {
                guard cells[2] != "-", !cells[2].isEmpty else {
                    throw Error(description: "\(name):\(offset + 1): an expected alert needs a firm")
                }
                let places = cells[3] == "-" || cells[3] == "*" || cells[3].isEmpty ? [] : alternatives(cells[3])
                article.expected.append(ExpectedAlert(rule: cells[1], firms: alternatives(cells[2]), places: places))
            } else if positions[file] != nil {
                throw Error(description: "\(name):\(offset + 1): '\(file)' has expected alerts and a '-' line")
            }
            if let position = positions[file] {
                articles[position] = article
            } else {
                positions[file] = articles.count
                articles.append(article)
            }
        }
        return articles
    }

    private static func alternatives(_ cell: String) -> [String] {
        cell.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
