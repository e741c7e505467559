import Testing

@testable import HeraldRules

/// A user's lexicon beside the shipped one: `override` replaces a shipped entry without editing the shipped file,
/// whichever file is included first.
@Suite("Lexicon overrides")
struct LexiconOverrideTests {
    static let mine = """
        override subject chipmaker = @BANK
        override window subject 3
        """

    static func load(_ sentence: String, order: [String]) -> RuleSetLoader.Outcome {
        let includes = order.map { "include \"\($0)\"" }.joined(separator: "\n")
        let files = [
            "r/main.rules": "include \"lists.list\"\n\(includes)\n" + EnglishRuleTests.rule(sentence),
            "r/lists.list": EnglishRuleTests.lists,
            "r/english.lexicon": EnglishRuleTests.lexicon,
            "r/mine.lexicon": Self.mine,
        ]
        return RuleSetLoader(source: InMemoryRuleSource(files)).load("r")
    }

    @Test("the overriding entry and window win in either include order; the shipped entry's other words stay")
    func overrideWins() throws {
        for order in [["english.lexicon", "mine.lexicon"], ["mine.lexicon", "english.lexicon"]] {
            let outcome = Self.load("a chipmaker opens an office", order: order)
            let ruleSet = try #require(outcome.ruleSet, "\(order): \(outcome.errors.map(\.rendered))")
            #expect(ruleSet.match(title: nil, body: "JPMorgan opens an office.").matches.count == 1, "\(order)")
            #expect(ruleSet.match(title: nil, body: "Intel opens an office.").matches.isEmpty, "\(order)")
            // The overridden window: the verb at most 3 words after the subject.
            #expect(ruleSet.match(title: nil, body: "JPMorgan said on Friday it opens an office.").matches.isEmpty, "\(order)")
            // "semiconductor maker", the shipped entry's other alias, still reads as the shipped list.
            let other = Self.load("a semiconductor maker opens an office", order: order)
            let shipped = try #require(other.ruleSet, "\(other.errors.map(\.rendered))")
            #expect(shipped.match(title: nil, body: "Intel opens an office.").matches.count == 1)
        }
    }

    @Test("without override, the same words in two files are an ambiguity that says to keep one entry")
    func withoutOverride() throws {
        let files = [
            "r/main.rules": "include \"lists.list\"\ninclude \"english.lexicon\"\ninclude \"mine.lexicon\"\n"
                + EnglishRuleTests.rule("a chipmaker opens an office"),
            "r/lists.list": EnglishRuleTests.lists,
            "r/english.lexicon": EnglishRuleTests.lexicon,
            "r/mine.lexicon": "subject chipmaker = @BANK\n",
        ]
        let outcome = RuleSetLoader(source: InMemoryRuleSource(files)).load("r")
        #expect(outcome.errors.first?.message == "ambiguous subject noun 'chipmaker': the lexicon defines it 2 times")
    }
}
