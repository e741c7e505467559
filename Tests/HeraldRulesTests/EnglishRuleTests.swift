import Foundation
import Testing

@testable import HeraldRules

/// Rules written as `when` sentences: the shapes the grammar reads, what they compile to, and every error an
/// analyst can meet (unknown words, ambiguous words, missing slots, mixing with `let`).
@Suite("Rules as English sentences")
struct EnglishRuleTests {
    static let lists = """
        list FIRM kind=entity
        Alibaba | Alibaba Group    country=CN sector=ecommerce
        Moonshot AI                country=CN sector=ai
        Apple                      country=US sector=hardware
        list BANK kind=entity
        JPMorgan                   country=US
        Bank of China              country=CN
        list CHIP kind=entity
        Intel                      country=US
        list PLACE kind=entity
        United States | US         country=US level=country
        Texas                      country=US level=state state=TX
        Austin                     country=US level=city state=TX
        Oregon                     country=US level=state state=OR
        list CNPLACE kind=entity
        Shanghai                   country=CN
        list OPEN inflect=verb
        open
        set up
        list SHUT inflect=verb
        close
        scale back
        list NEG
        denied
        no plans to
        list UNIT inflect=noun
        team
        office
        list AIWORD
        AI
        list CUTS
        layoffs
        """

    static let lexicon = """
        negation = @NEG
        window subject 10
        nationality Chinese = [country=CN]
        nationality American | US = [country=US]
        subject firm | company | start-up = @FIRM
        subject bank = @BANK
        subject chipmaker | semiconductor maker = @CHIP
        verb open | set up = @OPEN opposite @SHUT
        verb close | scale back = @SHUT opposite @OPEN
        verb announce layoffs = @CUTS
        place US | American = @PLACE[country=US]
        place Texas = @PLACE[state=TX]
        place Chinese = @CNPLACE
        modifier AI = @AIWORD within 4 or subject[sector=ai]
        object team | office = @UNIT
        """

    static func load(_ rules: String, lexicon: String = EnglishRuleTests.lexicon) -> RuleSetLoader.Outcome {
        let files = [
            "r/main.rules": "include \"lists.list\"\ninclude \"english.lexicon\"\n" + rules,
            "r/lists.list": lists,
            "r/english.lexicon": lexicon,
        ]
        return RuleSetLoader(source: InMemoryRuleSource(files)).load("r")
    }

    static func ruleSet(_ rules: String, lexicon: String = EnglishRuleTests.lexicon) throws -> RuleSet {
        let outcome = load(rules, lexicon: lexicon)
        let errors = outcome.errors.map(\.rendered).joined(separator: "\n")
        return try #require(outcome.ruleSet, "\(errors)")
    }

    static func errors(_ rules: String, lexicon: String = EnglishRuleTests.lexicon) -> [Diagnostic] {
        let outcome = load(rules, lexicon: lexicon)
        #expect(outcome.ruleSet == nil)
        return outcome.errors
    }

    static func rule(_ sentence: String) -> String {
        "rule r\n    when \(sentence)\n"
    }

    // MARK: Shapes

    @Test("nationality, subject, verb, place modifier, object modifier and object")
    func fullShape() throws {
        let set = try Self.ruleSet(Self.rule("a Chinese firm opens a US AI team"))
        #expect(set.fired("Alibaba is opening an AI team in Austin.") == ["r:firm=Alibaba,verb=opening,object=team,place=Austin,factuality=asserted"])
        #expect(set.fired("Moonshot AI set up a team in Texas.") == ["r:firm=Moonshot AI,verb=set up,object=team,place=Texas,factuality=asserted"])
        #expect(set.fired("Alibaba is opening a sales team in Austin.").isEmpty, "no AI term, not an AI company")
        #expect(set.fired("Apple is opening an AI team in Austin.").isEmpty, "not Chinese")
        #expect(set.fired("Alibaba denied it was opening an AI team in Austin.").isEmpty, "negation before the verb")
        #expect(set.fired("Alibaba will close one office and open an AI team in Austin.").isEmpty, "the opposite verb")
        #expect(set.fired("Alibaba is opening an AI team in Shanghai.").isEmpty, "no US place")
        #expect(set.rule("r")?.title == "A Chinese firm opens a US AI team", "the sentence is the default title")
    }

    @Test("an American bank closes a Chinese office: a nationality on another list, the opposite verb, a Chinese place")
    func bankShape() throws {
        let set = try Self.ruleSet(Self.rule("an American bank closes a Chinese office"))
        #expect(set.fired("JPMorgan is closing its office in Shanghai.") == ["r:bank=JPMorgan,verb=closing,object=office,place=Shanghai,factuality=asserted"])
        #expect(set.fired("Bank of China is closing its office in Shanghai.").isEmpty)
        #expect(set.fired("JPMorgan is closing its office in Austin.").isEmpty)
        #expect(set.fired("JPMorgan has no plans to close its office in Shanghai.").isEmpty)
    }

    @Test("any semiconductor maker announces layoffs in Texas: a verb phrase with its own object, and 'in PLACE'")
    func layoffShape() throws {
        let set = try Self.ruleSet(Self.rule("any semiconductor maker announces layoffs in Texas"))
        #expect(set.fired("Intel announced layoffs in Austin.") == ["r:chipmaker=Intel,verb=layoffs,place=Austin,factuality=asserted"])
        #expect(set.fired("Intel announced layoffs in Oregon.").isEmpty)
        #expect(set.fired("Intel announced record sales in Austin.").isEmpty)
    }

    @Test("the smallest sentence: subject and verb; plural objects; 'in the PLACE'")
    func otherShapes() throws {
        let small = try Self.ruleSet(Self.rule("a firm opens"))
        #expect(small.fired("Apple will open soon.") == ["r:firm=Apple,verb=open,factuality=announced"])
        let plural = try Self.ruleSet(Self.rule("a start-up sets up offices in the US"))
        #expect(plural.fired("Alibaba set up two offices in Austin.") == ["r:firm=Alibaba,verb=set up,object=offices,place=Austin,factuality=asserted"])
    }

    @Test("a sentence compiles to the ordinary clauses: herald explain's text")
    func compiledText() throws {
        let outcome = Self.load(Self.rule("a Chinese firm opens a US AI team"))
        #expect(outcome.errors.isEmpty)
        let files = [
            "r/main.rules": "include \"lists.list\"\ninclude \"english.lexicon\"\n" + Self.rule("a Chinese firm opens a US AI team"),
            "r/lists.list": Self.lists, "r/english.lexicon": Self.lexicon,
        ]
        let text = try #require(RuleSetLoader(source: InMemoryRuleSource(files)).explain(rule: "r", in: "r").text)
        #expect(
            text == """
                # when a Chinese firm opens a US AI team
                rule r
                    title    "A Chinese firm opens a US AI team"
                    let subject = @FIRM[country=CN]
                    let verb    = @OPEN near subject within 10
                    let object  = @UNIT near verb within 8
                    let ai      = @AIWORD near object within 4
                    let place   = @PLACE[country=US] or setting or describing object
                    require  subject and verb and object and place and (ai or subject[sector=ai])
                    reject   @NEG before verb within 4
                    reject   @SHUT near verb within clause
                    event    verb agent subject object object at place
                    emit     firm=subject, verb=verb.text, object=object.text, place=place
                    dedup    firm
                    prefer   place.level city > region > state > country
                """)
    }

    @Test("a nationality keeps only the subject lists that have such entries")
    func nationalityNarrows() throws {
        let lexicon = Self.lexicon.replacingOccurrences(of: "subject bank = @BANK", with: "subject bank = @BANK | @CHIP")
        let set = try Self.ruleSet(Self.rule("a Chinese bank opens an office"), lexicon: lexicon)
        #expect(set.fired("Bank of China will open an office.").count == 1)
        #expect(set.fired("Intel will open an office.").isEmpty)
        let none = Self.errors(Self.rule("a Chinese chipmaker opens an office"))
        #expect(none.count == 1)
        #expect(none.first?.message == "no entry of @CHIP (the subject 'chipmaker') matches [country=CN]")
        #expect(none.first?.location.column == 12)
    }

    // MARK: Errors

    @Test("each unknown word is reported at its column, with a did-you-mean and the known words of its slot")
    func unknownWords() throws {
        let errors = Self.errors("rule r\n    when a Chinese frim opns a US AI team\n")
        #expect(errors.count == 2, "\(errors.map(\.rendered))")
        let subject = try #require(errors.first)
        #expect(subject.description == "r/main.rules:4:20: error: unknown subject noun 'frim'")
        #expect(subject.hint?.hasPrefix("did you mean 'firm'? known subject nouns: bank, chipmaker, company, firm,") == true)
        #expect(subject.rendered.contains("|                    ^~~~"))
        let verb = try #require(errors.last)
        #expect(verb.description == "r/main.rules:4:25: error: unknown verb 'opns'")
        #expect(verb.hint?.hasPrefix("did you mean 'opens'? known verbs: announce layoffs, close, open") == true)
    }

    @Test("an unknown object, and a word that could be a place or an object modifier")
    func unknownSlots() throws {
        let object = Self.errors(Self.rule("a Chinese firm opens a US AI teem"))
        #expect(object.map(\.message) == ["unknown object noun 'teem'"])
        #expect(object.first?.hint?.hasPrefix("did you mean 'team'?") == true)
        let either = Self.errors(Self.rule("a Chinese firm opens a Californian AI team"))
        #expect(either.map(\.message) == ["unknown place or object modifier 'Californian'"])
        #expect(either.first?.hint?.contains("known places: American, Chinese, Texas, US") == true)
        let place = Self.errors(Self.rule("a firm opens an office in Texs"))
        #expect(place.map(\.message) == ["unknown place 'Texs'"])
        #expect(place.first?.hint?.hasPrefix("did you mean 'Texas'? known places:") == true, "as the lexicon spells it")
    }

    @Test("a missing verb, a missing place after 'in', and words after the end")
    func missingSlots() throws {
        let verb = Self.errors(Self.rule("a Chinese firm a US AI team"))
        #expect(verb.map(\.message) == ["missing verb between 'firm' and 'a'"])
        #expect(verb.first?.location.column == 25)
        let place = Self.errors(Self.rule("a Chinese firm opens a team in"))
        #expect(place.map(\.message) == ["missing place at the end"])
        let extra = Self.errors(Self.rule("a Chinese firm opens a team quickly"))
        #expect(extra.map(\.message) == ["unexpected 'quickly' after the end of the sentence"])
    }

    @Test("a word the lexicon defines twice for one slot: both readings, with their lexicon lines")
    func definedTwice() throws {
        let lexicon = Self.lexicon + "\nsubject bank = @FIRM\n"
        let errors = Self.errors(Self.rule("a bank opens an office"), lexicon: lexicon)
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error.message == "ambiguous subject noun 'bank': the lexicon defines it 2 times")
        #expect(error.hint == "r/english.lexicon:6:1 reads it as @BANK; r/english.lexicon:16:1 reads it as @FIRM; keep one entry")
        #expect(error.location.column == 12)
    }

    @Test("a sentence that splits two ways")
    func splitsTwoWays() throws {
        let lexicon = Self.lexicon + "\nobject AI team = @UNIT\n"
        let errors = Self.errors(Self.rule("a firm opens an AI team"), lexicon: lexicon)
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.message == "ambiguous sentence: it can be read 2 ways")
        #expect(error.hint?.contains("object modifier 'AI' = @AIWORD") == true)
        #expect(error.hint?.contains("object noun 'AI team' = @UNIT") == true)
    }

    @Test("'when' cannot be mixed with let, require or reject, in either order")
    func mixing() throws {
        let after = Self.errors("rule r\n    title \"T\"\n    when a firm opens\n    let x = @FIRM\n")
        #expect(after.map(\.message) == ["'let' cannot be mixed with 'when' in one rule"])
        #expect(after.first?.location.line == 6)
        let before = Self.errors("rule r\n    title \"T\"\n    reject @NEG\n    when a firm opens\n")
        #expect(before.map(\.message) == ["'when' cannot be mixed with 'reject' in one rule"])
        let twice = Self.errors("rule r\n    when a firm opens\n    when a bank closes\n")
        #expect(twice.map(\.message) == ["a rule has one 'when'"])
    }

    @Test("a 'when' rule without a lexicon, and lexicon syntax errors")
    func lexiconProblems() throws {
        let files = ["r/main.rules": "include \"lists.list\"\nrule r\n    when a firm opens\n", "r/lists.list": Self.lists]
        let outcome = RuleSetLoader(source: InMemoryRuleSource(files)).load("r")
        #expect(outcome.errors.map(\.message) == ["no lexicon is loaded for this 'when' sentence"])
        let bad = Self.errors(Self.rule("a firm opens"), lexicon: Self.lexicon + "\nsubjet bank = @BANK\nnationality Dutch = @FIRM\n")
        #expect(bad.map(\.message) == ["unknown lexicon entry 'subjet'", "expected an attribute filter such as [country=CN], found '@'"])
        #expect(bad.first?.hint == "did you mean 'subject'?")
        let grammarWord = Self.errors(Self.rule("a firm opens"), lexicon: Self.lexicon + "\nplace in Austin = @PLACE\n")
        #expect(grammarWord.map(\.message) == ["'in Austin' starts with 'in', which the sentence grammar reads itself"])
        #expect(grammarWord.first?.hint == "write it without: place Austin")
    }

    @Test("an unknown list in the lexicon is reported at the lexicon's line")
    func unknownListInLexicon() throws {
        let errors = Self.errors(Self.rule("a firm opens"), lexicon: Self.lexicon.replacingOccurrences(of: "= @FIRM", with: "= @FRIM"))
        #expect(errors.map(\.description) == ["r/english.lexicon:5:37: error: unknown list '@FRIM'"])
    }

    // MARK: Printing

    @Test("a hand-written rule prints normalised, and the printed text compiles to the same rule")
    func printRoundTrip() throws {
        let source = """
            macro DENY = @NEG
            rule hand
                title "Hand \\"written\\""
                severity high
                tags a, b
                scope paragraph
                let firm = @FIRM[country=CN|US, sector!=ai]
                let verb = @OPEN after firm within 5
                let unit = @UNIT | "research hub" near/3 verb
                require firm and verb and not (unit or "rumour") or firm[sector=ai]
                reject $DENY before verb within 4
                emit firm=firm, verb=verb.text, kind="expansion", country=firm.country
                dedup firm window 86400s
                throttle 5 per 60m
                prefer firm.sector ai > ecommerce
                expect match "Alibaba will open soon." firm=Alibaba kind=expansion
                expect nomatch "Alibaba denied it would open soon."
            """
        let files = ["r/main.rules": "include \"lists.list\"\n" + source, "r/lists.list": Self.lists]
        let explanation = RuleSetLoader(source: InMemoryRuleSource(files)).explain(rule: "hand", in: "r")
        let text = try #require(explanation.text)
        #expect(text.contains("    dedup    firm window 1d"))
        #expect(text.contains("    throttle 5 per 1h"))
        #expect(text.contains("    require  firm and verb and not (unit or \"rumour\") or firm[sector=ai]"))
        #expect(text.contains("    let unit = @UNIT | \"research hub\" near verb within 3"))
        let reprinted = ["r/main.rules": "include \"lists.list\"\nmacro DENY = @NEG\n" + text, "r/lists.list": Self.lists]
        let again = RuleSetLoader(source: InMemoryRuleSource(reprinted))
        #expect(again.load("r").errors.isEmpty)
        #expect(again.explain(rule: "hand", in: "r").text == text, "printing is a fixed point")
        let original = try #require(RuleSetLoader(source: InMemoryRuleSource(files)).load("r").ruleSet)
        let copy = try #require(again.load("r").ruleSet)
        for body in ["Alibaba will open a team.", "Moonshot AI set up a lab.", "Alibaba will open a rumour team.", "Apple opened."] {
            #expect(original.fired(body) == copy.fired(body), "\(body)")
        }
    }

    @Test("the shipped sentence rules in Rules/sentences load cleanly, examples included")
    func shippedSentences() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Rules/sentences").path
        let outcome = RuleSetLoader().load(folder)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics.map(\.rendered).joined(separator: "\n"))")
        let set = try #require(outcome.ruleSet)
        #expect(Set(set.rules.map(\.id)) == ["cn-us-ai-team-en", "us-bank-closes-cn-office", "chipmaker-layoffs-texas"])
    }
}
