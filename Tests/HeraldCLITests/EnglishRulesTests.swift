import ArgumentParser
import Foundation
import HeraldCore
import HeraldRules
import Testing

@testable import HeraldCLI

/// The shipped English rule against the hand-written one it restates, and `herald explain`'s printed form.
@Suite("English rules: equivalence and herald explain")
struct EnglishRulesTests {
    static let root = ShippedRulesTests.root
    static let sentences = root.appendingPathComponent("Rules/sentences").path

    static func load(_ path: String) throws -> RuleSet {
        let outcome = RuleSetLoader().load(path)
        let rendered = outcome.diagnostics.map(\.rendered).joined(separator: "\n")
        #expect(outcome.diagnostics.isEmpty, "\(rendered)")
        return try #require(outcome.ruleSet, "\(rendered)")
    }

    /// Every sample article: seeds/*.txt and *.jsonl, and the seed article in ../shared/seeds when it is there.
    static func articleFiles() throws -> [URL] {
        var files: [URL] = []
        let seeds = root.appendingPathComponent("seeds")
        for name in try FileManager.default.contentsOfDirectory(atPath: seeds.path).sorted()
        where name.hasSuffix(".txt") || name.hasSuffix(".jsonl") {
            files.append(seeds.appendingPathComponent(name))
        }
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared/seeds")
        if let names = try? FileManager.default.contentsOfDirectory(atPath: shared.path) {
            files += names.filter { $0.hasSuffix(".txt") }.sorted().map { shared.appendingPathComponent($0) }
        }
        return files
    }

    /// "article: firm @ place" for every alert of `rule`.
    static func alerts(of rule: String, in ruleSet: RuleSet, files: [URL]) throws -> Set<String> {
        var out = Set<String>()
        for file in files {
            for (key, alerts) in try ShippedRulesTests.alerts(in: file, ruleSet: ruleSet) {
                for alert in alerts where alert.rule == rule {
                    out.insert("\(key): \(alert.field("firm") ?? "?") @ \(alert.field("place") ?? "?") (\(alert.field("state") ?? "-"))")
                }
            }
        }
        return out
    }

    @Test("on every sample article, 'when a Chinese firm opens a US AI team' alerts exactly like cn-us-ai-team")
    func equivalence() throws {
        let files = try Self.articleFiles()
        let hand = try Self.alerts(of: "cn-us-ai-team", in: Self.load(Self.root.appendingPathComponent("Rules").path), files: files)
        let english = try Self.alerts(of: "cn-us-ai-team-en", in: Self.load(Self.sentences), files: files)
        #expect(hand.count >= 8, "the comparison must not be vacuous: \(hand.sorted())")
        #expect(english == hand, "only hand-written: \(hand.subtracting(english).sorted()); only English: \(english.subtracting(hand).sorted())")
    }

    @Test("herald explain's text for the English rule compiles to a rule with the same alerts")
    func explainRoundTrip() throws {
        let explanation = RuleSetLoader().explain(rule: "cn-us-ai-team-en", in: Self.sentences)
        #expect(explanation.outcome.errors.isEmpty)
        let text = try #require(explanation.text)
        #expect(text.hasPrefix("# when a Chinese firm opens a US AI team\nrule cn-us-ai-team-en\n"))
        #expect(text.contains("    let subject  = @CN_FIRM[country=CN|HK]\n    let verb     = @OPEN_VERB | @NEW_UNIT near subject within 30\n"))
        #expect(text.contains("    event    verb agent subject object object at place\n"))
        #expect(text.contains("    require  subject and verb and object and place and (ai or ai_after or subject[sector=ai|autonomous] or object[ai=yes])"))
        #expect(!text.contains("\n    when "), "the printed rule states its condition with let/require/reject")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let lists = Self.root.appendingPathComponent("Rules/lists").path
        try ("include \"\(lists)/*.list\"\n" + text + "\n").write(
            to: folder.appendingPathComponent("explained.rules"), atomically: true, encoding: .utf8)
        let copy = try Self.load(folder.path)
        #expect(copy.rule("cn-us-ai-team-en")?.expectations.count == 10, "the expect lines come along and pass")
        let files = try Self.articleFiles()
        let english = try Self.alerts(of: "cn-us-ai-team-en", in: Self.load(Self.sentences), files: files)
        #expect(try Self.alerts(of: "cn-us-ai-team-en", in: copy, files: files) == english)
    }

    @Test("herald explain prints a hand-written rule normalised; pasted back it alerts the same")
    func explainHandWritten() throws {
        let rules = Self.root.appendingPathComponent("Rules").path
        let text = try #require(RuleSetLoader().explain(rule: "cn-us-ai-team", in: rules).text)
        #expect(text.contains("    let firm  = @CN_FIRM[country=CN|HK]"))
        #expect(text.contains("    reject   @RETREAT_VERB near verb within clause"))
        #expect(text.contains("    event    verb agent firm object team at place"))
        #expect(text.contains("    dedup    firm window 1d"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let lists = Self.root.appendingPathComponent("Rules/lists").path
        try ("include \"\(lists)/*.list\"\n" + text + "\n").write(
            to: folder.appendingPathComponent("explained.rules"), atomically: true, encoding: .utf8)
        let files = try Self.articleFiles()
        let original = try Self.alerts(of: "cn-us-ai-team", in: Self.load(rules), files: files)
        #expect(try Self.alerts(of: "cn-us-ai-team", in: Self.load(folder.path), files: files) == original)
    }

    @Test("RULES.md shows herald explain's real output for the shipped sentence rule")
    func documentedOutput() throws {
        let document = try String(contentsOf: Self.root.appendingPathComponent("RULES.md"), encoding: .utf8)
        let start = try #require(document.range(of: "$ herald explain cn-us-ai-team-en --rules Rules/sentences\n"))
        let end = try #require(document.range(of: "\n    …", range: start.upperBound..<document.endIndex))
        let shown = String(document[start.upperBound..<end.lowerBound])
        let text = try #require(RuleSetLoader().explain(rule: "cn-us-ai-team-en", in: Self.sentences).text)
        #expect(text.hasPrefix(shown), "RULES.md:\n\(shown)\n\nherald explain:\n\(text)")
        #expect(shown.split(separator: "\n").count >= 17)
    }

    @Test("herald explain parses its options and fails on an unknown rule")
    func explainCommand() throws {
        let command = try #require(
            try HeraldCommand.parseAsRoot(["explain", "cn-us-ai-team-en", "--rules", Self.sentences]) as? ExplainCommand)
        #expect(command.rule == "cn-us-ai-team-en")
        #expect(command.rules == Self.sentences)
        let missing = try #require(try HeraldCommand.parseAsRoot(["explain", "cn-us-ai-tem", "--rules", Self.sentences]) as? ExplainCommand)
        #expect(throws: ExitCode.failure) { try missing.run() }
        let explanation = RuleSetLoader().explain(rule: "cn-us-ai-tem", in: Self.sentences)
        #expect(explanation.text == nil)
        #expect(RuleSetLoader.closestRuleID(to: "cn-us-ai-tem", in: explanation.ruleIDs) == "cn-us-ai-team-en")
        let top = Self.root.appendingPathComponent("Rules").path
        let fromTop = try #require(try HeraldCommand.parseAsRoot(["explain", "cn-us-ai-team-en", "--rules", top]) as? ExplainCommand)
        #expect(fromTop.subfolder(holding: "cn-us-ai-team-en") == Self.sentences, "the error points at Rules/sentences")
        #expect(fromTop.subfolder(holding: "no-such-rule") == nil)
    }
}

/// A new user's first step: copy the shipped lists and lexicon into a folder of their own and write a sentence.
@Suite("A copy of Rules/lists and the lexicon is self-contained")
struct ShippedLexiconCopyTests {
    @Test("a 'when' rule over copies of Rules/lists and Rules/english.lexicon loads with no error and no warning")
    func copiedFolder() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: root.appendingPathComponent("Rules/lists"), to: folder.appendingPathComponent("lists"))
        try FileManager.default.copyItem(
            at: root.appendingPathComponent("Rules/english.lexicon"), to: folder.appendingPathComponent("english.lexicon"))
        try """
            include "lists/*.list"
            include "english.lexicon"

            rule bank-closes
                when an American bank closes a Chinese office
                expect match "JPMorgan is closing its office in Shanghai." bank=JPMorgan
            """.write(to: folder.appendingPathComponent("mine.rules"), atomically: true, encoding: .utf8)
        let outcome = RuleSetLoader().load(folder.path)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics.map(\.rendered))")
        #expect(outcome.ruleSet?.rule("bank-closes") != nil)
    }
}
