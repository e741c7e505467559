@testable import HeraldRules

/// Small in-memory rule folders for tests: `r/*.rules` plus a shared list file.
enum TestRules {
    static let lists = """
        list FIRM kind=entity
        Alibaba | Alibaba Group | 阿里巴巴   country=CN sector=ecommerce
        Moonshot AI | 月之暗面               country=CN sector=ai
        Apple                                country=US sector=hardware
        list PLACE kind=entity
        United States | US | U.S.            level=country
        California | Calif.                  level=state state=CA
        Sunnyvale | Sunnyvale, California    level=city state=CA
        Silicon Valley                       level=region state=CA
        list VERB inflect=verb
        open
        set up
        list TEAM inflect=noun
        team
        lab
        AI lab
        list AI
        AI
        artificial intelligence
        """

    static func load(_ rules: String, lists: String = TestRules.lists, extra: [String: String] = [:]) -> RuleSetLoader.Outcome {
        var files = ["r/main.rules": "include \"lists.list\"\n" + rules, "r/lists.list": lists]
        files.merge(extra) { $1 }
        return RuleSetLoader(source: InMemoryRuleSource(files)).load("r")
    }

    static func ruleSet(_ rules: String, lists: String = TestRules.lists) throws -> RuleSet {
        let outcome = load(rules, lists: lists)
        guard let ruleSet = outcome.ruleSet else {
            throw RuleSourceError(message: outcome.diagnostics.map(\.rendered).joined(separator: "\n"))
        }
        return ruleSet
    }
}

extension RuleSet {
    /// The matches for a body text, as "rule:field=value,…" strings for compact assertions.
    func fired(_ body: String, title: String? = nil) -> [String] {
        match(title: title, body: body).matches.map { match in
            match.rule.id + ":" + match.fields.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        }
    }
}
