import Testing

@testable import HeraldRules

/// `outside asides`: a binding kept out of stretches set off by commas, dashes or parentheses.
@Suite("Outside asides")
struct AsideTests {
    static let rules = """
        rule r
            title "T"
            let firm = @FIRM
            let verb = @VERB near firm within 20
            let team = @TEAM near verb within 8
            let ai   = @AI near team outside asides
            require firm and verb and team and ai
            emit firm=firm
        """

    @Test("anywhere in the sentence but an aside, on either side of the other binding")
    func matching() throws {
        let ruleSet = try TestRules.ruleSet(Self.rules)
        #expect(ruleSet.fired("Alibaba will open a lab for artificial intelligence.") == ["r:firm=Alibaba"])
        #expect(ruleSet.fired("With AI in mind, Alibaba will open a lab.") == ["r:firm=Alibaba"])
        #expect(ruleSet.fired("Alibaba, best known for AI, will open a lab.").isEmpty)
        #expect(ruleSet.fired("Alibaba (an AI investor) will open a lab.").isEmpty)
        #expect(ruleSet.fired("Alibaba, which sells AI services, will open a lab.").isEmpty)
    }

    @Test("'outside' needs 'asides'; the printed rule keeps it")
    func syntax() throws {
        let outcome = TestRules.load("rule r\n    title \"T\"\n    let firm = @FIRM\n    let ai = @AI near firm outside the\n")
        #expect(outcome.errors.first?.description == "r/main.rules:5:36: error: expected 'asides' after 'outside', found 'the'",
            "\(outcome.errors.map(\.rendered))")
        let files = ["r/main.rules": "include \"lists.list\"\n" + Self.rules, "r/lists.list": TestRules.lists]
        let printed = try #require(RuleSetLoader(source: InMemoryRuleSource(files)).explain(rule: "r", in: "r").text)
        #expect(printed.contains("let ai   = @AI near team outside asides"), "\(printed)")
    }
}
