import Foundation
import HeraldCore
import HeraldRules

/// Prints a backtest as it runs: JSON lines per alert as they come, or a table of differences per rule at the end.
struct BacktestReport {
    let table: Bool
    let listUnchanged: Bool
    let since: Date
    private var summary = BacktestSummary()
    /// Table mode: the lines to list, by rule, until the end.
    private var listed: [String: [Backtest.Result]] = [:]

    init(table: Bool, listUnchanged: Bool, since: Date) {
        self.table = table
        self.listUnchanged = listUnchanged
        self.since = since
    }

    mutating func add(_ results: [Backtest.Result]) {
        summary.add(results)
        if table {
            for result in results where listUnchanged || result.change != .same {
                listed[result.rule, default: []].append(result)
            }
        } else {
            var output: [UInt8] = []
            for result in results { output += Self.jsonLine(result) }
            if !output.isEmpty { StandardStreams.output(output) }
        }
    }

    func finish() {
        let rules = summary.byRule.keys.sorted()
        let differences = summary.byRule.values.reduce(0) { $0 + $1.differences }
        if table {
            var text = ""
            for rule in rules {
                let counts = summary.byRule[rule] ?? BacktestSummary.Counts()
                text += "\(rule): would raise \(counts.wouldRaise) (same \(counts.same), new \(counts.new), "
                    + "changed \(counts.changed)); gone \(counts.gone)\n"
                for result in listed[rule] ?? [] { text += "  " + Self.tableLine(result) + "\n" }
            }
            text += "\(summary.articles) archived articles since \(Timestamp.iso8601(since)); \(differences) differences\n"
            StandardStreams.output(Array(text.utf8))
            return
        }
        var output: [UInt8] = []
        for rule in rules {
            let counts = summary.byRule[rule] ?? BacktestSummary.Counts()
            var writer = JSONWriter(capacity: 160)
            writer.beginObject()
            writer.string("type", "backtest_rule")
            writer.string("rule", rule)
            writer.int("would_raise", counts.wouldRaise)
            writer.int("same", counts.same)
            writer.int("new", counts.new)
            writer.int("changed", counts.changed)
            writer.int("gone", counts.gone)
            writer.endObject()
            output += writer.bytes + [0x0A]
        }
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.string("type", "backtest_summary")
        writer.string("since", Timestamp.iso8601(since))
        writer.int("articles", summary.articles)
        writer.int("differences", differences)
        writer.endObject()
        output += writer.bytes + [0x0A]
        StandardStreams.output(output)
    }

    static func jsonLine(_ result: Backtest.Result) -> [UInt8] {
        var writer = JSONWriter(capacity: 384)
        writer.beginObject()
        writer.string("type", "backtest")
        writer.string("change", result.change.rawValue)
        writer.string("rule", result.rule)
        writer.beginObject("fields")
        for field in result.fields { writer.string(field.name, field.value) }
        writer.endObject()
        if let was = result.was {
            writer.beginObject("was")
            for field in was { writer.string(field.name, field.value) }
            writer.endObject()
        }
        if let id = result.loggedID { writer.uint("logged_id", id) }
        writer.beginObject("article")
        writer.string("id", result.article.id)
        writer.string("content_id", result.article.contentID)
        writer.string("title", result.article.title)
        writer.optionalString("source", result.article.source)
        writer.optionalString("url", result.article.url)
        writer.string("received_at", Timestamp.iso8601(result.article.receivedAt))
        writer.endObject()
        writer.endObject()
        return writer.bytes + [0x0A]
    }

    static func tableLine(_ result: Backtest.Result) -> String {
        let marks: [Backtest.Change: String] = [.same: "=", .new: "+", .changed: "~", .gone: "-"]
        let fields = result.fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        var line = "\(marks[result.change] ?? "?") \(result.change.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))"
            + "\(Timestamp.iso8601(result.article.receivedAt).prefix(16))  \(fields)"
        if let was = result.was {
            let before = Set(result.fields)
            line += "  (was " + was.filter { !before.contains($0) }.map { "\($0.name)=\($0.value)" }.joined(separator: " ") + ")"
        }
        return line + "  \"\(result.article.title.prefix(70))\""
    }
}
