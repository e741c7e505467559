import Foundation
import HeraldCore

/// The text `herald eval` prints for one corpus: figures per rule and per class, then each wrong article.
struct EvaluationReport {
    let text: String

    init(_ evaluation: Evaluation, title: String, details: Bool) {
        var lines: [String] = []
        let total = evaluation.articles.count
        let positives = evaluation.articles.filter(\.article.isPositive)
        lines.append("\(title): \(total) articles, \(positives.count) with events, \(total - positives.count) near misses")
        lines.append("  rule                       precision  recall     F1   found  false  missed")
        for score in evaluation.scores {
            lines.append(
                "  " + score.rule.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + Self.figure(score.precision, 10) + Self.figure(score.recall, 8) + Self.figure(score.f1, 7)
                    + Self.count(score.found, 8) + Self.count(score.falseAlerts, 7) + Self.count(score.missed, 8))
        }
        let rightPositives = positives.filter(\.isRight).count
        let nearMisses = evaluation.articles.filter { !$0.article.isPositive }
        lines.append(
            "  articles right: \(evaluation.rightCount) of \(total) (events \(rightPositives)/\(positives.count), "
                + "near misses \(nearMisses.filter(\.isRight).count)/\(nearMisses.count))")
        lines.append("  by class (right/total): "
            + evaluation.byClass.map { entry in
                var parts: [String] = []
                if entry.positives.total > 0 { parts.append("events \(entry.positives.right)/\(entry.positives.total)") }
                if entry.nearMisses.total > 0 { parts.append("near misses \(entry.nearMisses.right)/\(entry.nearMisses.total)") }
                return "\(entry.articleClass) " + parts.joined(separator: ", ")
            }.joined(separator: "; "))
        if details {
            for outcome in evaluation.articles where !outcome.isRight {
                lines.append("")
                let article = outcome.article
                lines.append("\(article.file) [\(article.articleClass), \(article.style)] \(article.note)")
                for expected in outcome.missed {
                    lines.append("  MISS  \(expected.rule) firm=\(expected.firms.joined(separator: "|")) "
                        + "place=\(expected.places.isEmpty ? "*" : expected.places.joined(separator: "|"))")
                }
                for alert in outcome.falseAlerts {
                    let fields = alert.fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
                    lines.append("  FALSE \(alert.rule) \(fields)")
                    lines.append("        in: \(Self.clipped(alert.evidence))")
                }
                if !outcome.missed.isEmpty {
                    for line in outcome.explanation.prefix(6) { lines.append("        why: \(Self.clipped(line))") }
                    if outcome.explanation.isEmpty { lines.append("        why: no sentence had the rule's required words") }
                }
            }
        }
        text = lines.joined(separator: "\n")
    }

    private static func figure(_ value: Double, _ width: Int) -> String {
        let text = String(format: "%.3f", value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    private static func count(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    private static func clipped(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 300 ? String(flat.prefix(297)) + "…" : flat
    }
}
