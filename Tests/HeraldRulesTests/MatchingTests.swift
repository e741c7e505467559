import Testing

@testable import HeraldRules

/// What each language feature does to which sentences fire.
@Suite("Matching semantics")
struct MatchingTests {
    @Test("smart case: 'US' never matches the word 'us'; lowercase aliases match any case; ALL CAPS headlines match")
    func smartCase() throws {
        let rules = try TestRules.ruleSet("rule r\n    title \"T\"\n    let place = @PLACE\n    let team = @TEAM\n")
        #expect(rules.fired("They told us about the team.").isEmpty)
        #expect(rules.fired("The US Team.") == ["r:place=United States,team=team"])
        #expect(rules.fired("SUNNYVALE TEAM") == ["r:place=Sunnyvale,team=team"])
        #expect(rules.fired("sunnyvale team").isEmpty)
    }

    @Test("case=sensitive and case=insensitive lists")
    func caseModes() throws {
        let lists = TestRules.lists + "\nlist EXACT case=sensitive\nKimi\nlist LOOSE case=insensitive\nDoubao\n"
        let rules = try TestRules.ruleSet(
            "rule r\n    title \"T\"\n    let a = @EXACT | @LOOSE\n    require a\n", lists: lists)
        #expect(rules.fired("KIMI and kimi").isEmpty)
        #expect(rules.fired("Kimi") == ["r:a=Kimi"])
        #expect(rules.fired("DOUBAO") == ["r:a=Doubao"])
    }

    @Test("the longest alias wins, and an entity hides shorter hits of other lists inside it")
    func longestAndEntities() throws {
        let rules = try TestRules.ruleSet(
            "rule r\n    title \"T\"\n    let place = @PLACE\n    let ai = @AI\n    require place or ai\n    emit place=place, ai=ai\n")
        // "Sunnyvale, California" is one city hit, not the city plus the state.
        let match = try #require(rules.match(title: nil, body: "An AI lab in Sunnyvale, California.").matches.first)
        #expect(match.field("place") == "Sunnyvale")
        #expect(match.spans.first { $0.name == "place" }?.text == "Sunnyvale, California")
        // "Moonshot AI" is a firm: its "AI" is not an AI term.
        let firmRules = try TestRules.ruleSet("rule r\n    title \"T\"\n    let ai = @AI\n    let firm = @FIRM\n    require firm\n    emit firm=firm, ai=ai\n")
        #expect(firmRules.fired("Moonshot AI grew.") == ["r:firm=Moonshot AI"])
        #expect(firmRules.fired("Moonshot AI hires AI staff.") == ["r:firm=Moonshot AI,ai=AI"])
    }

    @Test("CJK aliases match character by character")
    func cjkAliases() throws {
        let rules = try TestRules.ruleSet("rule r\n    title \"T\"\n    let firm = @FIRM\n")
        #expect(rules.fired("月之暗面在旧金山设立团队") == ["r:firm=Moonshot AI"])
    }

    @Test("verb inflections are generated")
    func inflections() throws {
        let rules = try TestRules.ruleSet("rule r\n    title \"T\"\n    let verb = @VERB\n    emit verb=verb.text\n")
        for sentence in ["It opens.", "It opened.", "It is opening.", "It sets up.", "It is setting up."] {
            #expect(rules.fired(sentence).count == 1, "\(sentence)")
        }
    }

    @Test("order and proximity: after/before/near within N words")
    func proximity() throws {
        let rules = try TestRules.ruleSet(
            "rule r\n    title \"T\"\n    let firm = @FIRM\n    let verb = @VERB after firm within 3\n    emit firm=firm\n")
        #expect(rules.fired("Alibaba will soon open a lab.") == ["r:firm=Alibaba"])
        #expect(rules.fired("Alibaba, as everyone knew, will open a lab.").isEmpty)
        #expect(rules.fired("They open Alibaba.").isEmpty)
        let near = try TestRules.ruleSet(
            "rule r\n    title \"T\"\n    let team = @TEAM\n    let ai = @AI near/2 team\n")
        #expect(near.fired("a team for AI").count == 1)
        #expect(near.fired("an AI team").count == 1)
        #expect(near.fired("an AI research and development team").isEmpty)
    }

    @Test("require: optional bindings, or, not, attribute tests on bound hits")
    func require() throws {
        let rules = try TestRules.ruleSet("""
            rule r
                title "T"
                let firm = @FIRM
                let ai = @AI
                let place = @PLACE
                require firm and (ai or firm[sector=ai]) and not place
                emit firm=firm
            """)
        #expect(rules.fired("Alibaba does AI.") == ["r:firm=Alibaba"])
        #expect(rules.fired("Moonshot AI grew.") == ["r:firm=Moonshot AI"])
        #expect(rules.fired("Alibaba grew.").isEmpty)
        #expect(rules.fired("Alibaba does AI in Sunnyvale.").isEmpty)
    }

    @Test("reject vetoes a candidate, optionally only near a binding")
    func reject() throws {
        let rules = try TestRules.ruleSet("""
            rule r
                title "T"
                let firm = @FIRM
                let verb = @VERB after firm within 10
                reject "no plans to" | "denied" before verb within 3
                reject "closing"
                emit firm=firm
            """)
        #expect(rules.fired("Alibaba will open a lab.") == ["r:firm=Alibaba"])
        #expect(rules.fired("Alibaba has no plans to open a lab.").isEmpty)
        #expect(rules.fired("Alibaba denied it would open a lab.").isEmpty)
        #expect(rules.fired("Alibaba denied rumours, and said it will definitely open a lab.") == ["r:firm=Alibaba"])
        #expect(rules.fired("Alibaba is closing one lab to open another.").isEmpty)
    }

    @Test("emit: canonical names, attributes, text as written, literals")
    func emit() throws {
        let rules = try TestRules.ruleSet("""
            rule r
                title "T"
                let firm = @FIRM
                let place = @PLACE
                emit firm=firm, seen=firm.text, country=firm.country, state=place.state, kind="expansion"
            """)
        #expect(rules.fired("Alibaba Group in Calif.") == ["r:firm=Alibaba,seen=Alibaba Group,country=CN,state=CA,kind=expansion"])
        // An attribute the entry lacks is left out, not emitted empty.
        #expect(rules.fired("Alibaba Group in the U.S.") == ["r:firm=Alibaba,seen=Alibaba Group,country=CN,kind=expansion"])
    }

    @Test("one alert per dedup key per article, preferring the most specific place")
    func dedupAndPrefer() throws {
        let rules = try TestRules.ruleSet("""
            rule r
                title "T"
                let firm = @FIRM
                let place = @PLACE
                emit firm=firm, place=place
                dedup firm
                prefer place.level city > region > state > country
            """)
        let body = "Alibaba works in the US. Alibaba hires in Silicon Valley. Alibaba has a lab in Sunnyvale. Alibaba likes California."
        #expect(rules.fired(body) == ["r:firm=Alibaba,place=Sunnyvale"])
        let twoFirms = "Alibaba works in the US. Moonshot AI works in California."
        #expect(rules.fired(twoFirms) == ["r:firm=Alibaba,place=United States", "r:firm=Moonshot AI,place=California"])
    }

    @Test("scope: sentence versus paragraph versus article")
    func scopes() throws {
        let body = "Alibaba is big.\nIt will open a lab.\n\nNothing else here."
        func rules(_ scope: String) throws -> RuleSet {
            try TestRules.ruleSet("rule r\n    title \"T\"\n    scope \(scope)\n    let firm = @FIRM\n    let verb = @VERB\n    emit firm=firm\n")
        }
        #expect(try rules("sentence").fired(body).isEmpty)
        #expect(try rules("paragraph").fired(body).isEmpty)
        #expect(try rules("paragraph").fired("Alibaba is big. It will open a lab.") == ["r:firm=Alibaba"])
        #expect(try rules("article").fired(body) == ["r:firm=Alibaba"])
    }

    @Test("the title is matched as a text of its own")
    func title() throws {
        let rules = try TestRules.ruleSet("rule r\n    title \"T\"\n    let firm = @FIRM\n    let verb = @VERB after firm\n    emit firm=firm\n")
        let report = rules.match(title: "Alibaba to open AI lab", body: "The story follows.")
        #expect(report.matches.first?.part == .title)
        #expect(report.matches.first?.evidence == "Alibaba to open AI lab")
    }

    @Test("evidence offsets quote the article exactly")
    func offsets() throws {
        let rules = try TestRules.ruleSet("rule r\n    title \"T\"\n    let firm = @FIRM\n    let place = @PLACE\n")
        let body = "Intro “quoted” text. 阿里巴巴 opened in Sunnyvale today."
        let match = try #require(rules.match(title: nil, body: body).matches.first)
        let scalars = Array(body.unicodeScalars)
        func slice(_ start: Int, _ end: Int) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<end])
            return String(view)
        }
        #expect(slice(match.evidenceStart, match.evidenceEnd) == match.evidence)
        #expect(match.evidence == "阿里巴巴 opened in Sunnyvale today.")
        for span in match.spans { #expect(slice(span.start, span.end) == span.text) }
        #expect(match.spans.map(\.text) == ["阿里巴巴", "Sunnyvale"])
    }

    @Test("the prefilter only evaluates rules whose anchor list hit")
    func prefilter() throws {
        let rules = try TestRules.ruleSet("""
            rule a
                title "A"
                let firm = @FIRM
            rule b
                title "B"
                let place = @PLACE
            """)
        #expect(rules.match(title: nil, body: "Nothing relevant here.").candidateRules == 0)
        #expect(rules.match(title: nil, body: "Alibaba grew.").candidateRules == 1)
    }

    @Test("a pathological paragraph is bounded, not exponential")
    func bounded() throws {
        let rules = try TestRules.ruleSet("""
            rule r
                title "T"
                scope paragraph
                let a = @FIRM
                let b = @PLACE
                let c = @TEAM
                let d = @AI
                emit a=a, b=b, c=c, d=d
            """)
        let body = Array(repeating: "Alibaba Sunnyvale team AI", count: 60).joined(separator: " ")
        #expect(rules.fired(body).count >= 1)
    }
}
