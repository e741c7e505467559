import Foundation
import HeraldRules
import Testing

@testable import HeraldCore

/// What a reload reports as changed: a rule whose list was edited has changed, though its own text has not.
@Suite("Reload: what changed")
struct ReloadChangeTests {
    static func ruleSet(firms: String, places: String = "Sunnyvale\nSeattle", extra: String = "") throws -> RuleSet {
        let rules = """
            include "l.list"
            rule by-firm
                title "Firm"
                let firm = @FIRM
            rule by-place
                title "Place"
                let place = @PLACE
            \(extra)
            """
        let lists = "list FIRM kind=entity\n\(firms)\n\nlist PLACE kind=entity\n\(places)\n\nlist SPARE\nspare\n"
        let outcome = RuleSetLoader(source: InMemoryRuleSource(["r/m.rules": rules, "r/l.list": lists])).load("r")
        return try #require(outcome.ruleSet, "\(outcome.diagnostics.map(\.rendered))")
    }

    @Test("editing a list changes the rules that use it, and names the list; the others are unchanged")
    func listEdit() async throws {
        try await TemporaryStores.with { stores in
            let engine = try await AlertEngine(ruleSet: try Self.ruleSet(firms: "Alibaba"), store: try stores.open())
            let edited = await engine.install(try Self.ruleSet(firms: "Alibaba\nTencent  country=CN"))
            #expect(edited.changed == ["by-firm"])
            #expect(edited.listsChanged == ["FIRM"])
            #expect(edited.added.isEmpty && edited.removed.isEmpty)

            let same = await engine.install(try Self.ruleSet(firms: "Alibaba\nTencent  country=CN"))
            #expect(same.changed.isEmpty && same.listsChanged.isEmpty)

            // An attribute alone is an edit too; a list no rule uses changes no rule.
            let attribute = await engine.install(try Self.ruleSet(firms: "Alibaba\nTencent  country=HK"))
            #expect(attribute.changed == ["by-firm"])
            let withRule = await engine.install(
                try Self.ruleSet(firms: "Alibaba\nTencent  country=HK", extra: "rule by-spare\n    title \"Spare\"\n    let s = @SPARE\n"))
            #expect(withRule.added == ["by-spare"] && withRule.changed.isEmpty && withRule.listsChanged.isEmpty)
        }
    }
}
