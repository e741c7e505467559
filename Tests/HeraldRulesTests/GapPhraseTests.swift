import Testing

@testable import HeraldRules

/// Gap phrases, `"open" ~3 @TEAM`: one term made of parts in order with at most N words between, in one sentence.
@Suite("Gap phrases")
struct GapPhraseTests {
    static func fields(_ ruleSet: RuleSet, _ body: String) -> [String] {
        ruleSet.match(title: nil, body: body).matches.map { match in
            match.fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        }
    }

    @Test("the parts in order, within the gap, in one sentence; the span runs from the first part to the last")
    func matching() throws {
        let ruleSet = try TestRules.ruleSet(
            """
            rule r
                title "T"
                let firm = @FIRM
                let unit = @VERB ~3 @TEAM | "hired" ~2 "engineers" ~5 @PLACE[level=city] near firm within 10
                emit firm=firm, unit=unit.text
            """)
        #expect(Self.fields(ruleSet, "Alibaba will open a new AI lab.") == ["firm=Alibaba unit=open a new AI lab"])
        #expect(Self.fields(ruleSet, "Alibaba set up two research teams.") == ["firm=Alibaba unit=set up two research teams"])
        #expect(Self.fields(ruleSet, "Alibaba hired 40 engineers for its office in Sunnyvale.")
            == ["firm=Alibaba unit=hired 40 engineers for its office in Sunnyvale"])
        // Too far apart, the wrong order, or across a sentence boundary.
        #expect(Self.fields(ruleSet, "Alibaba will open what it calls a big new lab.").isEmpty)
        #expect(Self.fields(ruleSet, "Alibaba has a team it will open.").isEmpty)
        #expect(Self.fields(ruleSet, "Alibaba will open. The lab is new.").isEmpty)
        // A filter on a part applies: Silicon Valley is a region, not a city.
        #expect(Self.fields(ruleSet, "Alibaba hired 40 engineers in Silicon Valley.").isEmpty)
    }

    @Test("a gap phrase can be rejected, and written twice it is one term")
    func rejectAndShared() throws {
        let ruleSet = try TestRules.ruleSet(
            """
            rule r
                title "T"
                let firm = @FIRM
                reject "not" ~2 @VERB
            rule s
                title "S"
                let firm = @FIRM
                let verb = "not" ~2 @VERB
            """)
        #expect(ruleSet.match(title: nil, body: "Alibaba will not open a lab.").matches.map(\.rule.id) == ["s"])
        #expect(ruleSet.match(title: nil, body: "Alibaba will open a lab.").matches.map(\.rule.id) == ["r"])
        #expect(ruleSet.lists.filter { $0.name == "\"not\" ~2 @VERB" }.count == 1)
    }

    @Test("bad gaps are errors with their place")
    func errors() throws {
        let zero = TestRules.load("rule r\n    title \"T\"\n    let v = @VERB ~0 @TEAM\n")
        #expect(zero.errors.first?.description.contains("a gap of 0 words is empty") == true, "\(zero.errors.map(\.rendered))")
        let missing = TestRules.load("rule r\n    title \"T\"\n    let v = @VERB ~ @TEAM\n")
        #expect(missing.errors.first?.description.contains("a distance in words after '~'") == true, "\(missing.errors.map(\.rendered))")
        let dangling = TestRules.load("rule r\n    title \"T\"\n    let v = @VERB ~3\n")
        #expect(dangling.errors.first?.description.contains("expected a list (@NAME)") == true, "\(dangling.errors.map(\.rendered))")
        let unknown = TestRules.load("rule r\n    title \"T\"\n    let v = @VERB ~3 @TEEM\n")
        #expect(unknown.errors.first?.description.contains("unknown list '@TEEM'") == true)
        #expect(unknown.errors.first?.hint == "did you mean '@TEAM'?")
    }
}
