import Testing

@testable import HeraldRules

/// `or setting`: a place binding takes the place the story set — in the sentences just before or the dateline —
/// when its own sentence names none.
@Suite("Settings")
struct SettingTests {
    static let rules = """
        rule r
            title "T"
            let firm  = @FIRM
            let verb  = @VERB near firm within 10
            let team  = @TEAM near verb within 8
            let place = @PLACE or setting
            require firm and verb and team and place
            event verb agent firm object team at place
            emit firm=firm, place=place
        """

    @Test("the nearest sentence before that locates something, then the dateline")
    func sources() throws {
        let ruleSet = try TestRules.ruleSet(Self.rules)
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Alibaba opened a lab.") == ["r:firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(ruleSet.fired("SUNNYVALE, Calif. — Rents rose. Prices fell. Alibaba opened a lab.")
            == ["r:firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        // A dateline in title case, with its date, is one too.
        #expect(ruleSet.fired("Sunnyvale, Calif., March 3, 2026 — Rents rose. Prices fell. Alibaba opened a lab.")
            == ["r:firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        // "here" in the sentence before stands for the dateline's place.
        #expect(ruleSet.fired("SUNNYVALE, Calif. — Apple hired 40 people here. Alibaba opened a lab.")
            == ["r:firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        // The nearest scene wins over an older one.
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Apple grew in Silicon Valley. Alibaba opened a lab.")
            == ["r:firm=Alibaba,place=Silicon Valley,factuality=asserted"])
        // A wider place of the sentence's own that locates the event is refined by the setting.
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Alibaba opened a lab, its first in the United States.")
            .contains("r:firm=Alibaba,place=Sunnyvale,factuality=asserted"))
        // So is a wider place that names the unit: "its new California lab".
        #expect(ruleSet.fired("SUNNYVALE, Calif. — Rents rose. Alibaba opened its new California lab.")
            .contains("r:firm=Alibaba,place=Sunnyvale,factuality=asserted"))
        // A sentence with a dateline and a place of its own sets the scene by its own place.
        #expect(ruleSet.fired("SUNNYVALE, Calif. - Apple grew in Silicon Valley. Alibaba opened a lab.")
            == ["r:firm=Alibaba,place=Silicon Valley,factuality=asserted"])
        // A body that opens with its place ("In Sunnyvale, …") is read without a fault.
        #expect(ruleSet.fired("In Sunnyvale, rents rose. Alibaba opened a lab.") == ["r:firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        // The dateline sets the scene of its own sentence too, when that sentence gives the event no place; a unit
        // with a name of its own ("a Hybrid AI Lab") is no place given.
        #expect(ruleSet.fired("SUNNYVALE, Calif. — Alibaba opened a lab.") == ["r:firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(ruleSet.fired("SUNNYVALE, Calif., March 3, 2026 — Alibaba today opened a new Hybrid Systems Lab.")
            == ["r:firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        // "in Sunnyvale's Moffett Park": the district, an alias of the same city, sets the scene.
        let districts = try TestRules.ruleSet(
            Self.rules, lists: TestRules.lists.replacingOccurrences(of: "Sunnyvale | Sunnyvale, California", with: "Sunnyvale | Sunnyvale, California | Moffett Park"))
        #expect(districts.fired("Work is done in a warehouse in Sunnyvale's Moffett Park. The lab there was opened by Alibaba.")
            == ["r:firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        // A place of the sentence's own is used as before.
        #expect(ruleSet.fired("Rents rose in California. Alibaba opened a lab in Sunnyvale.")
            == ["r:firm=Alibaba,place=Sunnyvale,factuality=asserted"])
    }

    @Test("no setting: too far back, a headquarters, no place at all, or a place the sentence gives itself")
    func refusals() throws {
        let ruleSet = try TestRules.ruleSet(Self.rules)
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Sales fell. Prices rose. Alibaba opened a lab.").isEmpty)
        #expect(ruleSet.fired("Sunnyvale-based Apple grew. Alibaba opened a lab.").isEmpty)
        #expect(ruleSet.fired("Alibaba opened a lab.").isEmpty)
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Alibaba opened a lab in Toronto.").isEmpty)
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Alibaba opened its Toronto lab.").isEmpty)
        // So does another unit of the sentence named by a place after "the": "the Munich lab … with 60 engineers".
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Alibaba said the Munich lab would open a team of 60 people.").isEmpty)
        // A unit placed abroad in general keeps the setting out: "its international lab".
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Alibaba opened its international lab.").isEmpty)
        // Nor does the dateline over its own sentence's place, listed or not, or after the event's words.
        #expect(ruleSet.fired("SUNNYVALE, Calif. — Alibaba opened a lab in Toronto.").isEmpty)
        #expect(ruleSet.fired("SUNNYVALE, Calif. — Alibaba opened its Toronto lab.").isEmpty)
        #expect(ruleSet.fired("SUNNYVALE, Calif. — Alibaba opened a lab in Silicon Valley.") == ["r:firm=Alibaba,place=Silicon Valley,factuality=asserted"])
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Alibaba grew in Toronto, where it opened a lab.").isEmpty)
        // The place after the event is no setting for it.
        #expect(ruleSet.fired("Alibaba opened a lab. Rents rose in Sunnyvale.").isEmpty)
        // A hyphen is no dateline's dash, and a lowercase word begins a sentence.
        #expect(ruleSet.fired("Sunnyvale-based Apple grew. Sales fell. Prices rose. Alibaba opened a lab.").isEmpty)
        #expect(ruleSet.fired("Sunnyvale rents rose - a lot. Sales fell. Prices rose. Alibaba opened a lab.").isEmpty)
        // A dateline without its dash is a sentence like any other.
        #expect(ruleSet.fired("Sunnyvale. Rents rose. Prices fell. Alibaba opened a lab.").isEmpty)
        // Customers somewhere set no scene.
        #expect(ruleSet.fired("Apple serves customers across Silicon Valley. Alibaba opened a lab.").isEmpty)
        #expect(ruleSet.fired("The clip is for a customer in Sunnyvale. Alibaba opened a lab.").isEmpty)
        // A wider place that neither locates nor names the unit keeps it out.
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Alibaba opened a lab to serve California clients.").isEmpty)
        // A place the sentence names but does not locate the event by keeps the setting out too.
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Alibaba opened a lab to serve Silicon Valley clients.").isEmpty)
    }

    @Test("the headline's city, named again in the body before the event, is the last resort")
    func headline() throws {
        let ruleSet = try TestRules.ruleSet(Self.rules)
        let story = "Sunnyvale has changed. Rents rose. Prices fell. Alibaba opened a lab in an old print shop."
        #expect(ruleSet.fired(story, title: "Sunnyvale's robot row fills up") == ["r:firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        // Without the headline, the place is three sentences back: no scene.
        #expect(ruleSet.fired(story).isEmpty)
        #expect(ruleSet.fired(story, title: "Robot row fills up").isEmpty)
        // A headline that names a headquarters, a suburb, a place left or two places sets no scene.
        #expect(ruleSet.fired(story, title: "Sunnyvale-based makers fill up robot row").isEmpty)
        #expect(ruleSet.fired(story, title: "A lab opens in a Sunnyvale suburb").isEmpty)
        #expect(ruleSet.fired(story, title: "Robot makers move out from Sunnyvale").isEmpty)
        #expect(ruleSet.fired(story, title: "From Sunnyvale to Silicon Valley").isEmpty)
        // Nor a country or a state: too wide to be a scene.
        #expect(ruleSet.fired("California has changed. Rents rose. Prices fell. Alibaba opened a lab.", title: "California's robot row").isEmpty)
        // The body must name the city before the event; and a place of the event's own sentence wins.
        #expect(ruleSet.fired("Rents rose. Prices fell. Alibaba opened a lab.", title: "Sunnyvale's robot row").isEmpty)
        #expect(ruleSet.fired("Sunnyvale has changed. Rents rose. Prices fell. Alibaba opened a lab in Toronto.", title: "Sunnyvale's robot row").isEmpty)
    }

    @Test("'or setting within N', the explanation, and the printed rule")
    func windowAndExplain() throws {
        let ruleSet = try TestRules.ruleSet(Self.rules.replacingOccurrences(of: "or setting", with: "or setting within 3"))
        #expect(ruleSet.fired("Rents rose in Sunnyvale. Sales fell. Prices rose. Alibaba opened a lab.").count == 1)
        let explained = ruleSet.match(title: nil, body: "Rents rose in Sunnyvale. Alibaba opened a lab.", explain: true)
        #expect(explained.explanation.contains { $0.contains("located by the setting 'Sunnyvale'") }, "\(explained.explanation)")
        let files = [
            "r/main.rules": "include \"lists.list\"\n" + Self.rules.replacingOccurrences(of: "or setting", with: "or setting within 3"),
            "r/lists.list": TestRules.lists,
        ]
        let printed = try #require(RuleSetLoader(source: InMemoryRuleSource(files)).explain(rule: "r", in: "r").text)
        #expect(printed.contains("let place = @PLACE or setting within 3"), "\(printed)")
    }

    @Test("'or' must be followed by 'setting' or 'describing'")
    func errors() {
        let outcome = TestRules.load("rule r\n    title \"T\"\n    let place = @PLACE or near\n")
        #expect(outcome.errors.first?.description == "r/main.rules:4:27: error: expected 'setting' or 'describing' after 'or', found 'near'",
            "\(outcome.errors.map(\.rendered))")
    }
}
