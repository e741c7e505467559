import Testing

@testable import HeraldRules

/// The byte-level prefilter: what it lets through and what it keeps out. That it changes no alert on real text is
/// checked on the labelled corpus (`ArticlePrefilterCorpusTests`).
@Suite("Article prefilter")
struct ArticlePrefilterTests {
    static let lists = TestRules.lists + """

        list ORIGIN_FIRM kind=entity refer=context
        Tencent | Tencent Holdings      country=CN hq=Shenzhen
        DJI                             country=CN hq=Shenzhen
        """

    static let rules = """
        rule opens
            title "A firm opens a team"
            let firm  = @FIRM | @ORIGIN_FIRM[country=CN]
            let verb  = @VERB near firm within 30
            let team  = @TEAM near verb within 12
            let place = @PLACE
            require firm and verb and team and place
            event verb agent firm object team at place
            emit firm=firm, place=place
        """

    static func prefilter(_ rules: String = rules) throws -> ArticlePrefilter {
        try #require(try TestRules.ruleSet(rules, lists: lists).prefilter)
    }

    @Test("an article is let through only when every indispensable binding has a word of its lists in it")
    func conjunction() throws {
        let prefilter = try Self.prefilter()
        #expect(prefilter.mayMatch(title: "", body: "Alibaba opened a lab in Sunnyvale."))
        #expect(!prefilter.mayMatch(title: "", body: "Alibaba opened a bakery in Sunnyvale."), "no word of TEAM")
        #expect(!prefilter.mayMatch(title: "", body: "Rain fell on the fields all week."))
        // Title and body together: the firm in the title, the rest in the body.
        #expect(prefilter.mayMatch(title: "ALIBABA", body: "It opened a lab in Sunnyvale."))
        // Words read eight bytes at a time and the buffer's last bytes one by one: a word at the very end, one of
        // exactly eight letters ("Hangzhou" is an origin), one longer than sixteen.
        #expect(prefilter.mayMatch(title: "", body: "A lab in Sunnyvale was opened by Alibaba"))
        #expect(prefilter.mayMatch(title: "", body: "Tencent opened a lab in Sunnyvale"))
        #expect(prefilter.mayMatch(title: "", body: "Alibaba opened a lab in Sunnyvale. Unbelievablyunbelievable."))
        #expect(!prefilter.mayMatch(title: "", body: "Alibabaopened alab inSunnyvale"), "words run together are other words")
        // Inflected forms and any letter case.
        #expect(prefilter.mayMatch(title: "", body: "ALIBABA IS OPENING TWO LABS IN SUNNYVALE"))
    }

    @Test("firms the reference pass may introduce from context keep an article in")
    func introducedFirms() throws {
        let prefilter = try Self.prefilter()
        #expect(prefilter.mayMatch(title: "", body: "Zhixing Robotics, a Shenzhen start-up, opened a lab in Sunnyvale."))
        #expect(prefilter.mayMatch(title: "", body: "Chinese AI firm Zhixing opened a lab in Sunnyvale."))
        #expect(prefilter.mayMatch(title: "", body: "China’s Zhixing opened a lab in Sunnyvale."), "curly apostrophe")
        #expect(!prefilter.mayMatch(title: "", body: "Zhixing Robotics opened a lab in Sunnyvale."))
        #expect(!prefilter.mayMatch(title: "", body: "Zhixing Robotics, a German start-up, opened a lab in Sunnyvale."))
        // Without a filter on the country, a firm of any origin may be introduced: the firm tells nothing.
        let anyCountry = try Self.prefilter(Self.rules.replacingOccurrences(of: "@ORIGIN_FIRM[country=CN]", with: "@ORIGIN_FIRM"))
        #expect(anyCountry.mayMatch(title: "", body: "Zhixing Robotics opened a lab in Sunnyvale."))
        #expect(!anyCountry.mayMatch(title: "", body: "Zhixing Robotics opened a bakery in Sunnyvale."))
    }

    @Test("text it cannot read word by word is always let through")
    func nonASCII() throws {
        let prefilter = try Self.prefilter()
        // Full-width letters fold into ASCII ones (NFKC): the tokenizer reads "Alibaba" here.
        #expect(prefilter.mayMatch(title: "", body: "Ａｌｉｂａｂａ opened a lab in Sunnyvale."))
        #expect(prefilter.mayMatch(title: "", body: "Café news: nothing at all."))
        // Curly quotes, dashes and no-break spaces are only separators.
        #expect(!prefilter.mayMatch(title: "", body: "“Rain” fell — all\u{00A0}week – again."))
    }

    @Test("the alerts of a rule set are the same with and without it")
    func sameAlerts() throws {
        let ruleSet = try TestRules.ruleSet(Self.rules, lists: Self.lists)
        let texts = [
            "Alibaba opened a lab in Sunnyvale.", "Zhixing Robotics, a Shenzhen start-up, has opened a lab in Sunnyvale.",
            "Tencent reported results. The company opened a lab in Sunnyvale.", "Rain fell.", "Ａｌｉｂａｂａ opened a lab in Sunnyvale.",
        ]
        for text in texts {
            let filtered = ruleSet.match(title: nil, body: text).matches.map(\.fields.description)
            let full = ruleSet.match(title: nil, body: text, explain: true).matches.map(\.fields.description)
            #expect(filtered == full, "\(text)")
        }
    }

    @Test("a gap phrase counts by its first part; a rule whose words are punctuation turns the prefilter off")
    func gapsAndPunctuation() throws {
        let gap = """
            rule gap
                title "A gap phrase"
                let cut = "open" ~3 @TEAM
                require cut
            """
        let prefilter = try Self.prefilter(gap)
        #expect(prefilter.mayMatch(title: "", body: "They will open two labs."))
        #expect(!prefilter.mayMatch(title: "", body: "Rain fell on two labs."))
        let punctuation = """
            rule dash
                title "Any dash"
                let dash = "&"
                require dash
            """
        #expect(try TestRules.ruleSet(punctuation, lists: Self.lists).prefilter == nil)
    }
}
