import Testing

@testable import HeraldRules

/// Every diagnostic an analyst can meet: a precise location, a caret, and a useful hint.
@Suite("Rule language diagnostics")
struct DiagnosticTests {
    func only(_ outcome: RuleSetLoader.Outcome, file: String = "r/main.rules") throws -> Diagnostic {
        let errors = outcome.errors
        #expect(outcome.ruleSet == nil)
        #expect(errors.count == 1, "\(errors.map(\.rendered))")
        return try #require(errors.first)
    }

    let valid = """
        rule r1
            title "T"
            let firm = @FIRM
        """

    @Test("unknown list: location, caret width and did-you-mean")
    func unknownList() throws {
        let diagnostic = try only(TestRules.load("rule r1\n    title \"T\"\n    let firm = @FRIM[country=CN]\n"))
        #expect(diagnostic.description == "r/main.rules:4:16: error: unknown list '@FRIM'")
        #expect(diagnostic.hint == "did you mean '@FIRM'?")
        #expect(diagnostic.rendered.contains("    let firm = @FRIM[country=CN]"))
        #expect(diagnostic.rendered.contains("|                ^~~~~~~~~~~~~~~~"))
    }

    @Test("a filter on an attribute the list does not have")
    func badAttribute() throws {
        let diagnostic = try only(TestRules.load("rule r1\n    title \"T\"\n    let firm = @FIRM[contry=CN]\n"))
        #expect(diagnostic.message == "@FIRM has no attribute 'contry'")
        #expect(diagnostic.hint == "did you mean 'country'?")
        #expect(diagnostic.location.column == 22)
    }

    @Test("a filter value no entry has is a warning, not an error")
    func unknownValue() throws {
        let outcome = TestRules.load("rule r1\n    title \"T\"\n    let firm = @FIRM[country=CM]\n")
        #expect(outcome.ruleSet != nil)
        #expect(outcome.warnings.contains { $0.message == "no entry of @FIRM has country=CM" && $0.hint == "did you mean 'CN'?" })
    }

    @Test("in a string, \\n is a line break and \\\" a quote; any other escaped character stands for itself")
    func escapes() throws {
        let outcome = TestRules.load(
            "rule r1\n    title \"T\"\n    let firm = @FIRM\n    expect nomatch \"Q: \\\"Why?\\\"\\n\\nA: \\\\o\"\n")
        let rule = try #require(outcome.ruleSet?.rules.first)
        #expect(rule.expectations.map(\.text) == ["Q: \"Why?\"\n\nA: \\o"])
    }

    @Test("unterminated string")
    func unterminated() throws {
        let diagnostic = try only(TestRules.load("rule r1\n    title \"Chinese firm\n    let firm = @FIRM\n"))
        #expect(diagnostic.message == "unterminated string")
        #expect(diagnostic.location.line == 3)
        #expect(diagnostic.location.column == 11)
    }

    @Test("include cycle names the whole cycle")
    func includeCycle() throws {
        let outcome = TestRules.load(
            valid, extra: ["r/a.rules": "include \"b.rules\"\n", "r/b.rules": "include \"a.rules\"\n"])
        let diagnostic = try only(outcome)
        #expect(diagnostic.message == "include cycle: r/a.rules → r/b.rules → r/a.rules")
        #expect(diagnostic.location.file == "r/b.rules")
    }

    @Test("including a missing file, and a glob that matches nothing")
    func missingInclude() throws {
        let missing = try only(TestRules.load("include \"nope.list\"\n" + valid))
        #expect(missing.message.hasPrefix("cannot read 'r/nope.list'"))
        let glob = try only(TestRules.load("include \"lists/*.list\"\n" + valid))
        #expect(glob.message == "include 'lists/*.list' matches no file")
    }

    @Test("duplicate rule id points at the second and names the first")
    func duplicateRule() throws {
        let diagnostic = try only(TestRules.load(valid + "\n" + valid))
        #expect(diagnostic.message == "duplicate rule id 'r1'")
        #expect(diagnostic.location.line == 5)
        #expect(diagnostic.hint == "first defined at r/main.rules:2:6")
    }

    @Test("unknown keyword and unknown clause suggest the right one")
    func unknownKeywords() throws {
        let top = try only(TestRules.load("rulle r1\n"))
        #expect(top.message == "unknown keyword 'rulle'")
        #expect(top.hint == "did you mean 'rule'?")
        let clause = try only(TestRules.load(valid + "\n    requier firm\n"))
        #expect(clause.message == "unknown clause 'requier'")
        #expect(clause.hint == "did you mean 'require'?")
        let unindented = try only(TestRules.load("title \"x\"\n"))
        #expect(unindented.hint == "'title' is a rule clause: indent it under its rule")
    }

    @Test("an indented line with no rule above it")
    func indentedOutsideRule() throws {
        let diagnostic = try only(TestRules.load("    let firm = @FIRM\n"))
        #expect(diagnostic.message == "indented line outside a rule")
    }

    @Test("bindings: unknown, declared later, duplicate")
    func bindings() throws {
        let unknown = try only(TestRules.load(valid + "\n    let verb = @VERB after frim within 5\n"))
        #expect(unknown.message == "unknown binding 'frim'")
        #expect(unknown.hint == "did you mean 'firm'?")
        let later = try only(
            TestRules.load("rule r1\n    title \"T\"\n    let verb = @VERB after firm\n    let firm = @FIRM\n"))
        #expect(later.message == "'verb' refers to 'firm', which is declared after it")
        let duplicate = try only(TestRules.load(valid + "\n    let firm = @PLACE\n"))
        #expect(duplicate.message == "duplicate binding 'firm' in rule 'r1'")
    }

    @Test("severity, scope, duration and rule id are checked")
    func values() throws {
        #expect(try only(TestRules.load(valid + "\n    severity urgent\n")).hint == "use one of info, low, medium, high, critical")
        #expect(try only(TestRules.load(valid + "\n    scope page\n")).message == "unknown scope 'page'")
        #expect(try only(TestRules.load(valid + "\n    dedup firm window 24x\n")).message == "invalid duration '24x'")
        #expect(try only(TestRules.load("rule Bad_ID\n    title \"T\"\n")).message == "invalid rule id 'Bad_ID'")
    }

    @Test("emit and dedup must refer to what exists")
    func emitAndDedup() throws {
        let attribute = try only(TestRules.load(valid + "\n    emit firm=firm, where=firm.contry\n"))
        #expect(attribute.message == "'firm' has no attribute 'contry'")
        #expect(attribute.hint == "did you mean 'firm.country'?")
        let dedup = try only(TestRules.load(valid + "\n    emit name=firm\n    dedup firm\n"))
        #expect(dedup.message == "dedup field 'firm' is not emitted")
    }

    @Test("macros: unknown, duplicate and cyclic")
    func macros() throws {
        let unknown = try only(TestRules.load("macro OPENING = @VERB\n" + valid + "\n    require firm and $OPENNIG\n"))
        #expect(unknown.message == "unknown macro '$OPENNIG'")
        #expect(unknown.hint == "did you mean '$OPENING'?")
        let cycle = TestRules.load("macro A = $B\nmacro B = $A\n" + valid + "\n    reject $A\n")
        #expect(cycle.errors.contains { $0.message.hasPrefix("macro cycle: $A → $B → $A") })
        let duplicate = try only(TestRules.load("macro A = @VERB\nmacro A = @TEAM\n" + valid + "\n    reject $A\n"))
        #expect(duplicate.message == "duplicate macro 'A'")
    }

    @Test("list files: entry before a header, empty alias, unknown option, duplicate list")
    func listFiles() throws {
        let before = try only(TestRules.load(valid, lists: "Alibaba\nlist FIRM\nX\n"), file: "r/lists.list")
        #expect(before.description == "r/lists.list:1:1: error: entry before any 'list NAME' header")
        let empty = try only(TestRules.load(valid, lists: "list FIRM\nAlibaba || Ali\n"))
        #expect(empty.message == "empty alias")
        let option = try only(TestRules.load(valid, lists: "list FIRM kinds=entity\nAlibaba\n"))
        #expect(option.hint == "did you mean 'kind'?")
        let duplicate = try only(TestRules.load(valid, lists: "list FIRM\nA\nlist FIRM\nB\n"))
        #expect(duplicate.message == "duplicate list 'FIRM'")
        #expect(duplicate.hint == "first defined at r/lists.list:1:6")
    }

    @Test("unused lists and macros, and rules with nothing to prefilter on, are warnings")
    func warnings() throws {
        let outcome = TestRules.load("macro UNUSED = \"x\"\n" + valid + "\n    require firm or not firm\n")
        #expect(outcome.ruleSet != nil)
        let messages = outcome.warnings.map(\.message)
        #expect(messages.contains("list 'PLACE' is not used by any rule or macro"))
        #expect(messages.contains("macro 'UNUSED' is not used"))
        #expect(messages.contains { $0.hasPrefix("rule 'r1' has no required term to prefilter on") })
    }

    @Test("a failing expect example is an error at its line, with the reason")
    func failingExpect() throws {
        let rules = valid + "\n    let verb = @VERB after firm within 3\n    expect match \"Alibaba will, after a long time, open\"\n"
        let diagnostic = try only(TestRules.load(rules))
        #expect(diagnostic.message == "expected rule 'r1' to match, but it did not")
        #expect(diagnostic.location.line == 6)
        #expect(diagnostic.hint?.contains("no 'verb' where its constraints hold") == true)
        let nomatch = try only(TestRules.load(valid + "\n    expect nomatch \"Alibaba again\"\n"))
        #expect(nomatch.message == "expected rule 'r1' not to match, but it fired (firm=Alibaba)")
        let field = try only(TestRules.load(valid + "\n    expect match \"Alibaba\" firm=Baidu\n"))
        #expect(field.message == "expected firm=Baidu, but the rule emitted firm=Alibaba")
    }

    @Test("an expect example can give its article a headline; a field named 'headline' is still a field")
    func expectHeadline() throws {
        let passing = TestRules.load(valid + "\n    expect match \"Nothing here.\" headline \"Alibaba news\" firm=Alibaba\n")
        #expect(passing.errors.isEmpty)
        #expect(passing.ruleSet?.rules.first?.expectations.first?.headline == "Alibaba news")
        let nomatch = try only(TestRules.load(valid + "\n    expect nomatch \"Nothing here.\" headline \"Alibaba news\"\n"))
        #expect(nomatch.message == "expected rule 'r1' not to match, but it fired (firm=Alibaba)")
        let field = try only(TestRules.load(valid + "\n    expect match \"Alibaba\" headline=x\n"))
        #expect(field.message == "expected headline=x, but the rule emitted headline=nothing")
        let missing = try only(TestRules.load(valid + "\n    expect match \"Alibaba\" headline\n"))
        #expect(missing.message.hasPrefix("expected '='"))
    }

    @Test("a folder with no rule files")
    func emptyFolder() throws {
        let outcome = RuleSetLoader(source: InMemoryRuleSource(["r/x.list": "list A\nB\n"])).load("r")
        #expect(outcome.errors.first?.message == "no .rules files in 'r'")
    }
}

