import Testing

@testable import HeraldRules

@Suite("Inflection of list aliases")
struct InflectorTests {
    @Test("regular verbs get -s, -ed and -ing forms with spelling rules", arguments: [
        ("open", ["open", "opens", "opening", "opened"]),
        ("establish", ["establish", "establishes", "establishing", "established"]),
        ("scrap", ["scrap", "scraps", "scrapping", "scrapped"]),
        ("close", ["close", "closes", "closing", "closed"]),
        ("deny", ["deny", "denies", "denying", "denied"]),
    ])
    func regular(base: String, forms: [String]) {
        #expect(Set(Inflector.verbForms(base)) == Set(forms))
    }

    @Test("irregular verbs and multi-word verbs")
    func irregular() {
        #expect(Set(Inflector.verbForms("build")) == ["build", "builds", "building", "built"])
        #expect(Set(Inflector.verbForms("set up")) == ["set up", "sets up", "setting up"])
        #expect(Set(Inflector.verbForms("spin off")).isSuperset(of: ["spun off", "spinning off", "spins off"]))
        #expect(Set(Inflector.verbForms("scale back")).isSuperset(of: ["scaled back", "scaling back", "scales back"]))
    }

    @Test("nouns get plurals on their last word")
    func nouns() {
        #expect(Inflector.nounForms("team") == ["team", "teams"])
        #expect(Inflector.nounForms("research laboratory") == ["research laboratory", "research laboratories"])
        #expect(Inflector.nounForms("campus") == ["campus", "campuses"])
        #expect(Inflector.nounForms("R&D centre") == ["R&D centre", "R&D centres"])
    }
}

@Suite("Inflection edge cases")
struct InflectorEdgeCaseTests {
    @Test("irregular forms inside phrasal verbs, and 'qu' before a short vowel")
    func edgeCases() {
        #expect(Set(Inflector.verbForms("wind down")).isSuperset(of: ["wound down", "winding down", "winds down"]))
        #expect(Set(Inflector.verbForms("shrink")).isSuperset(of: ["shrank", "shrunk", "shrinking"]))
        #expect(Set(Inflector.verbForms("quit")) == ["quit", "quits", "quitting"])
    }
}
