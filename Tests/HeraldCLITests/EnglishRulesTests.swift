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
        #expect(text.contains("    let subject  = @CN_FIRM[country=CN|HK]\n    let verb     = @OPEN_VERB | @NEW_UNIT near subject within 50\n"))
        #expect(text.contains("    event    verb agent subject object object at place\n"))
        #expect(text.contains("    require  subject and verb and object and place and (ai or ai_after or ai_main or ai_later or subject[sector=ai|autonomous] or object[ai=yes])"))
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
    /// A new folder holding unedited copies of `Rules/lists` and `Rules/english.lexicon`, as a new user starts.
    static func copyOfShippedFiles() throws -> URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: root.appendingPathComponent("Rules/lists"), to: folder.appendingPathComponent("lists"))
        try FileManager.default.copyItem(
            at: root.appendingPathComponent("Rules/english.lexicon"), to: folder.appendingPathComponent("english.lexicon"))
        return folder
    }

    @Test("a 'when' rule over copies of Rules/lists and Rules/english.lexicon loads with no error and no warning")
    func copiedFolder() throws {
        let folder = try Self.copyOfShippedFiles()
        defer { try? FileManager.default.removeItem(at: folder) }
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

    /// Issue 21's two rules, each as a sentence and by hand, over unedited copies of the shipped lists and lexicon
    /// plus files of the user's own: a list of European banks, a lexicon that overrides "bank", and rules using a
    /// gap phrase and a constraint on either of two bindings. Every expect runs in `herald check`.
    @Test("a newcomer writes both rules of issue 21 as sentences and by hand without editing a shipped file")
    func newcomerRules() async throws {
        let folder = try Self.copyOfShippedFiles()
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
            list EU_BANK kind=entity
            Deutsche Bank               country=DE region=EU
            BNP Paribas                 country=FR region=EU
            Santander                   country=ES region=EU

            list JOB inflect=noun
            job
            worker
            position
            """.write(to: folder.appendingPathComponent("mine.list"), atomically: true, encoding: .utf8)
        try """
            nationality European = [region=EU]
            override subject bank | lender = @BANK | @EU_BANK
            """.write(to: folder.appendingPathComponent("mine.lexicon"), atomically: true, encoding: .utf8)
        try """
            include "lists/*.list"
            include "mine.list"
            include "english.lexicon"
            include "mine.lexicon"

            rule eu-bank-closes-cn-office
                when a European bank closes an office in China
                expect match   "Deutsche Bank is closing its office in Shanghai." bank="Deutsche Bank" place=Shanghai
                expect nomatch "JPMorgan is closing its office in Shanghai."
                expect nomatch "Deutsche Bank has no plans to close its office in Shanghai."

            rule eu-bank-closes-cn-office-by-hand
                title "A European bank closes an office in China"
                let bank  = @EU_BANK
                let verb  = @RETREAT_VERB near bank within 20
                let unit  = @TEAM near verb within 8
                let place = @CN_PLACE near (verb | unit) within clause
                require bank and verb and unit and place
                reject "no plans to" | "denied" before verb within 4
                emit bank=bank, place=place
                expect match   "BNP Paribas will shut its Beijing office next year." bank="BNP Paribas" place=Beijing
                expect nomatch "BNP Paribas will shut its London office next year."
                expect nomatch "BNP Paribas denied it would close its office in Beijing."

            rule us-chipmaker-layoffs-texas
                when a US chipmaker announces layoffs in Texas
                expect match   "Texas Instruments will cut jobs at its Sherman, Texas fab." chipmaker="Texas Instruments"
                expect nomatch "Samsung is laying off staff at its Taylor, Texas fab."
                expect nomatch "Intel announced layoffs in Oregon."

            rule us-chipmaker-layoffs-texas-by-hand
                title "A US chipmaker announces layoffs in Texas"
                let firm  = @CHIPMAKER[country=US]
                let noun  = @LAYOFF near firm within 20
                let cut   = "cut" ~3 @JOB | "lay off" ~3 @JOB near firm within 20
                let place = @US_PLACE[state=TX] near (noun | cut) within clause
                require firm and (noun or cut) and place
                reject "no" | "not" before (noun | cut) within 3
                emit firm=firm, place=place
                prefer place.level city > region > state > country
                expect match   "Intel will cut 1,200 jobs in Austin, Texas." firm=Intel place=Austin
                expect match   "Texas Instruments announced layoffs at its Sherman, Texas fab." place="Sherman, Texas"
                expect nomatch "Intel will not cut jobs in Austin, Texas."
                expect nomatch "Samsung will cut 300 jobs in Taylor, Texas."
            """.write(to: folder.appendingPathComponent("mine.rules"), atomically: true, encoding: .utf8)
        let check = try await HeraldProcess.run(["check", folder.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("0 errors, 0 warnings") || check.stderr.contains("0 errors, 0 warnings"), "\(check.stdout)\(check.stderr)")

        // --explain says in one read why an article did not alert.
        let explained = try await HeraldProcess.run(
            ["match", "--explain", "--quiet", "--rules", folder.path, "--format", "json", "-"],
            input: #"{"id":"x","title":"Memo","body":"Intel will not cut jobs in Austin, Texas."}"# + "\n")
        #expect(explained.stdout.isEmpty)
        #expect(explained.stderr.contains("us-chipmaker-layoffs-texas-by-hand") && explained.stderr.contains("rejected by"), "\(explained.stderr)")
    }
}
