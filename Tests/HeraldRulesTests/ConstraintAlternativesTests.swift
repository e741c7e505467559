import Testing

@testable import HeraldRules

/// `near (a | b)`: a position relative to whichever of two bindings is bound.
@Suite("Constraints on either of two bindings")
struct ConstraintAlternativesTests {
    static let rules = """
        rule r
            title "T"
            let firm  = @FIRM
            let verb  = @VERB near firm within 6
            let team  = @TEAM near firm within 6
            let place = @PLACE near (verb | team) within 3
            require firm and (verb or team) and place
            reject "no" before (verb | team) within 2
            emit firm=firm, place=place
        """

    @Test("either route binds the place and meets the reject; the printed rule keeps the parentheses")
    func eitherRoute() throws {
        let ruleSet = try TestRules.ruleSet(Self.rules)
        func places(_ body: String) -> [String] {
            ruleSet.match(title: nil, body: body).matches.compactMap { $0.field("place") }
        }
        #expect(places("Alibaba will open in Sunnyvale.") == ["Sunnyvale"])
        #expect(places("Alibaba's new lab in Sunnyvale.") == ["Sunnyvale"])
        #expect(places("Alibaba will have no lab in Sunnyvale.").isEmpty)
        #expect(places("Alibaba sells phones; far from here, in Sunnyvale, nothing.").isEmpty)
        let printed = try #require(RuleSetLoader(source: InMemoryRuleSource([
            "r/main.rules": "include \"lists.list\"\n" + Self.rules, "r/lists.list": TestRules.lists,
        ])).explain(rule: "r", in: "r").text)
        #expect(printed.contains("near (verb | team) within 3"), "\(printed)")
        #expect(printed.contains("before (verb | team) within 2"), "\(printed)")
    }

    @Test("an unknown binding among the alternatives, and an unclosed list, are errors")
    func errors() throws {
        let unknown = TestRules.load(Self.rules.replacingOccurrences(of: "(verb | team) within 3", with: "(verb | taem) within 3"))
        #expect(unknown.errors.first?.description.contains("unknown binding 'taem'") == true, "\(unknown.errors.map(\.rendered))")
        #expect(unknown.errors.first?.hint == "did you mean 'team'?")
        let unclosed = TestRules.load(Self.rules.replacingOccurrences(of: "(verb | team) within 3", with: "(verb | team within 3"))
        #expect(unclosed.errors.first?.description.contains("expected ')' after the bindings") == true, "\(unclosed.errors.map(\.rendered))")
    }
}
