/// Parses a `.rules` file: `include`, `macro` and `rule` blocks with indented clauses.
struct RuleFileParser {
    struct Result {
        var includes: [(path: String, span: Syntax.Span)] = []
        var macros: [Syntax.Macro] = []
        var rules: [Syntax.Rule] = []
        var diagnostics: [Diagnostic] = []
    }

    static let topLevelKeywords = ["include", "macro", "rule"]
    static let clauseKeywords = [
        "title", "severity", "tags", "scope", "let", "require", "reject", "when", "event", "factuality", "emit", "dedup",
        "throttle", "prefer", "expect",
    ]
    static let severities = ["info", "low", "medium", "high", "critical"]
    static let scopes = ["sentence", "paragraph", "article"]
    /// How many sentences back `or setting` looks when it says no number.
    static let settingSentences = 2

    let file: SourceFile

    func parse() -> Result {
        var result = Result()
        var rule: Syntax.Rule?
        // After a broken `rule` line, its indented clauses are skipped rather than reported one by one.
        var skippingBrokenRule = false

        func finishRule() {
            if let finished = rule { result.rules.append(finished) }
            rule = nil
        }

        for (offset, text) in file.lines.enumerated() {
            let line = offset + 1
            let tokens: [LexToken]
            do {
                tokens = try LineLexer.lex(text)
            } catch {
                if text.first == " " || text.first == "\t" { rule?.hasSyntaxErrors = true }
                result.diagnostics.append(
                    file.diagnostic(line: line, column: error.column, length: error.length, error.message, hint: error.hint))
                continue
            }
            guard let first = tokens.first else { continue }
            var cursor = TokenCursor(tokens: tokens, file: file, line: line)
            let indented = text.first == " " || text.first == "\t"
            do throws(TokenCursor.Failure) {
                if indented {
                    if skippingBrokenRule { continue }
                    guard rule != nil else {
                        throw cursor.error(
                            "indented line outside a rule", at: first,
                            hint: "clauses belong under a 'rule ID' line; top-level lines start in column 1")
                    }
                    rule?.sourceLines.append(text)
                    try parseClause(&cursor, into: &rule)
                    continue
                }
                finishRule()
                skippingBrokenRule = false
                let keyword = try cursor.expectWord("'rule', 'macro' or 'include'")
                switch keyword.text.lowercased() {
                case "include":
                    let path = try cursor.expectString("a file path")
                    try cursor.expectEnd()
                    result.includes.append((path.text, cursor.span(path)))
                case "macro":
                    let name = try cursor.expectWord("a macro name")
                    try validateName(name, cursor: cursor, what: "macro")
                    _ = try cursor.expectSymbol("=")
                    let terms = try parseTerms(&cursor)
                    try cursor.expectEnd()
                    result.macros.append(Syntax.Macro(name: name.text, terms: terms, span: cursor.span(name)))
                case "rule":
                    skippingBrokenRule = true
                    let id = try cursor.expectWord("a rule id")
                    guard Self.isValidRuleID(id.text) else {
                        throw cursor.error(
                            "invalid rule id '\(id.text)'", at: id,
                            hint: "use lowercase letters, digits, '-', '_' and '.', starting with a letter or digit")
                    }
                    try cursor.expectEnd()
                    rule = Syntax.Rule(id: id.text, span: cursor.span(id), sourceLines: [text])
                    skippingBrokenRule = false
                default:
                    let hint = Suggestion.closest(to: keyword.text, in: Self.topLevelKeywords + Self.clauseKeywords)
                        .map { Self.clauseKeywords.contains($0) ? "'\($0)' is a rule clause: indent it under its rule" : "did you mean '\($0)'?" }
                    throw cursor.error("unknown keyword '\(keyword.text)'", at: keyword, hint: hint)
                }
            } catch {
                if indented { rule?.hasSyntaxErrors = true }
                result.diagnostics.append(error.diagnostic)
            }
        }
        finishRule()
        return result
    }

    static func isValidRuleID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, first.isASCII, first.properties.isLowercase || ("0"..."9").contains(first)
        else { return false }
        return id.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isLowercase || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == ".")
        }
    }

    private func validateName(_ token: LexToken, cursor: TokenCursor, what: String) throws(TokenCursor.Failure) {
        let valid = token.text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isUppercase || ("0"..."9").contains($0) || $0 == "_")
        }
        guard valid, token.text.first?.isLetter == true else {
            throw cursor.error(
                "invalid \(what) name '\(token.text)'", at: token,
                hint: "\(what) names use capital letters, digits and '_', like \(token.text.uppercased().filter { $0.isLetter || $0.isNumber || $0 == "_" })")
        }
    }

    // MARK: Clauses

    private func parseClause(_ cursor: inout TokenCursor, into rule: inout Syntax.Rule?) throws(TokenCursor.Failure) {
        guard var current = rule else { return }
        defer { rule = current }
        let keyword = try cursor.expectWord("a clause such as 'let', 'require' or 'emit'")
        switch keyword.text.lowercased() {
        case "title":
            current.title = try cursor.expectString("the title").text
        case "severity":
            let level = try cursor.expectWord("a severity")
            guard Self.severities.contains(level.text.lowercased()) else {
                throw cursor.error(
                    "unknown severity '\(level.text)'", at: level,
                    hint: "use one of \(Self.severities.joined(separator: ", "))")
            }
            current.severity = level.text.lowercased()
            current.severitySpan = cursor.span(level)
        case "tags":
            while !cursor.isAtEnd {
                if cursor.skip(",") { continue }
                current.tags.append(try cursor.expectWord("a tag").text)
            }
        case "scope":
            let scope = try cursor.expectWord("a scope")
            guard Self.scopes.contains(scope.text.lowercased()) else {
                throw cursor.error(
                    "unknown scope '\(scope.text)'", at: scope, hint: "use one of \(Self.scopes.joined(separator: ", "))")
            }
            current.scope = scope.text.lowercased()
            current.scopeSpan = cursor.span(scope)
        case "let":
            try rejectMixing(keyword, with: current, cursor: cursor)
            let name = try cursor.expectWord("a binding name")
            _ = try cursor.expectSymbol("=")
            let terms = try parseTerms(&cursor)
            var constraints: [Syntax.Constraint] = []
            var setting: Int?
            var laterPlace: Syntax.LaterPlace?
            while !cursor.isAtEnd {
                if let or = cursor.current, or.isWord("or") {
                    _ = cursor.advance()
                    if cursor.skipWord("describing") {
                        let unit = try cursor.expectWord("the binding of the unit the next sentences describe")
                        let within = cursor.skipWord("within") ? try cursor.expectInteger("a number of sentences") : nil
                        laterPlace = Syntax.LaterPlace(binding: unit.text, within: within, span: cursor.span(unit))
                        continue
                    }
                    guard cursor.skipWord("setting") else {
                        throw cursor.error(
                            "expected 'setting' or 'describing' after 'or'\(cursor.found)",
                            hint: "'or setting' lets a place binding take the place the sentences before set; "
                                + "'or describing UNIT' the place the next sentences give the unit")
                    }
                    setting = cursor.skipWord("within") ? try cursor.expectInteger("a number of sentences") : Self.settingSentences
                    continue
                }
                constraints.append(try parseConstraint(&cursor))
            }
            current.bindings.append(
                Syntax.Binding(
                    name: name.text, terms: terms, constraints: constraints, setting: setting, laterPlace: laterPlace,
                    span: cursor.span(name)))
        case "require":
            try rejectMixing(keyword, with: current, cursor: cursor)
            guard current.require == nil else {
                throw cursor.error("a rule has one 'require'", at: keyword, hint: "combine conditions with 'and'")
            }
            current.require = try parseExpression(&cursor)
        case "reject":
            try rejectMixing(keyword, with: current, cursor: cursor)
            let first = cursor.current ?? keyword
            let terms = try parseTerms(&cursor)
            let constraint = cursor.isAtEnd ? nil : try parseConstraint(&cursor)
            current.rejects.append(Syntax.Reject(terms: terms, constraint: constraint, span: cursor.span(from: first)))
        case "when":
            guard current.sentence == nil else {
                throw cursor.error("a rule has one 'when'", at: keyword, hint: "one sentence per rule; write a second rule for another")
            }
            if let other = ["let", "require", "reject"].first(where: { Self.has($0, current) }) {
                throw mixingError(keyword: keyword, other: other, cursor: cursor)
            }
            var words: [Syntax.Word] = []
            while let token = cursor.advance() {
                guard token.kind != .symbol && token.kind != .string else {
                    throw cursor.error(
                        "a 'when' sentence is plain words; unexpected '\(token.text)'", at: token,
                        hint: "write it as you would say it: when a Chinese firm opens a US AI team")
                }
                words.append(Syntax.Word(text: token.text, span: cursor.span(token)))
            }
            guard !words.isEmpty else {
                throw cursor.error(
                    "expected a sentence after 'when'", hint: "for example: when a Chinese firm opens a US AI team")
            }
            current.sentence = Syntax.Sentence(words: words, span: cursor.span(from: keyword))
        case "emit":
            while !cursor.isAtEnd {
                if cursor.skip(",") { continue }
                current.fields.append(try parseField(&cursor))
            }
        case "dedup":
            var fields: [String] = []
            while let token = cursor.current, !token.isWord("window") {
                if cursor.skip(",") { continue }
                fields.append(try cursor.expectWord("a field name").text)
            }
            current.dedup = fields
            current.dedupSpan = cursor.span(keyword)
            if cursor.skipWord("window") {
                current.dedupWindow = try parseDuration(&cursor)
            }
        case "throttle":
            let count = try cursor.expectInteger("how many alerts")
            guard cursor.skipWord("per") else { throw cursor.error("expected 'per'\(cursor.found)") }
            current.throttle = (count, try parseDuration(&cursor))
        case "prefer":
            let target = try cursor.expectWord("binding.attribute")
            let parts = target.text.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw cursor.error(
                    "expected binding.attribute, such as place.level", at: target,
                    hint: "'prefer place.level city > region > state' ranks candidates by an attribute")
            }
            var order = [try parseValueWord(&cursor)]
            while cursor.skip(">") { order.append(try parseValueWord(&cursor)) }
            current.preferences.append(
                Syntax.Preference(binding: parts[0], attribute: parts[1], order: order, span: cursor.span(target)))
        case "event":
            guard current.event == nil else {
                throw cursor.error("a rule has one 'event'", at: keyword, hint: "one event per rule; write a second rule for another")
            }
            let verb = try cursor.expectWord("the binding of the event's verb")
            var event = Syntax.Event(verb: verb.text, span: cursor.span(from: keyword))
            while !cursor.isAtEnd {
                let role = try cursor.expectWord("a role: 'agent', 'object' or 'at'")
                let name = try cursor.expectWord("a binding name after '\(role.text)'")
                switch role.text.lowercased() {
                case "agent": event.agent = name.text
                case "object": event.object = name.text
                case "at", "in": event.place = name.text
                default:
                    throw cursor.error(
                        "unknown event role '\(role.text)'", at: role,
                        hint: "roles are 'agent', 'object' and 'at', as in: event verb agent firm object team at place")
                }
            }
            event.span = cursor.span(from: keyword)
            current.event = event
        case "factuality":
            var values: [String] = []
            let first = cursor.current ?? keyword
            while !cursor.isAtEnd {
                if cursor.skip(",") || cursor.skip("|") || cursor.skipWord("or") { continue }
                let value = try cursor.expectWord("a factuality")
                guard Factuality(rawValue: value.text.lowercased()) != nil || value.text.lowercased() == "any" else {
                    let names = Factuality.allCases.map(\.rawValue) + ["any"]
                    throw cursor.error(
                        "unknown factuality '\(value.text)'", at: value,
                        hint: Suggestion.closest(to: value.text.lowercased(), in: names).map { "did you mean '\($0)'?" }
                            ?? "use \(names.joined(separator: ", "))")
                }
                values.append(value.text.lowercased())
            }
            guard !values.isEmpty else {
                throw cursor.error("expected a factuality such as 'asserted, announced'", at: keyword)
            }
            current.factuality = values
            current.factualitySpan = cursor.span(from: first)
        case "expect":
            let mode = try cursor.expectWord("'match' or 'nomatch'")
            let shouldMatch: Bool
            switch mode.text.lowercased() {
            case "match": shouldMatch = true
            case "nomatch", "no-match": shouldMatch = false
            default: throw cursor.error("expected 'match' or 'nomatch'", at: mode)
            }
            let text = try cursor.expectString("an example sentence")
            // `headline "…"`: the example's article has this title (a field named "headline" is followed by '=').
            var headline: String?
            if cursor.current?.isWord("headline") == true, cursor.next?.kind == .string {
                _ = cursor.advance()
                headline = try cursor.expectString("the headline").text
            }
            var fields: [(String, String)] = []
            while !cursor.isAtEnd {
                if cursor.skip(",") { continue }
                let name = try cursor.expectWord("a field name")
                _ = try cursor.expectSymbol("=")
                fields.append((name.text, try parseValueWord(&cursor)))
            }
            current.expectations.append(
                Syntax.Expectation(
                    shouldMatch: shouldMatch, text: text.text, headline: headline, fields: fields, span: cursor.span(from: keyword)))
        default:
            let hint = Suggestion.closest(to: keyword.text, in: Self.clauseKeywords).map { "did you mean '\($0)'?" }
            throw cursor.error("unknown clause '\(keyword.text)'", at: keyword, hint: hint)
        }
        try cursor.expectEnd()
    }

    /// Whether a rule already has a `let`, `require` or `reject` clause.
    private static func has(_ clause: String, _ rule: Syntax.Rule) -> Bool {
        switch clause {
        case "let": !rule.bindings.isEmpty
        case "require": rule.require != nil
        default: !rule.rejects.isEmpty
        }
    }

    /// A rule states its condition one way: as a `when` sentence, or with `let`/`require`/`reject`. Mixing them
    /// would leave it unclear which bindings the sentence's own `require` covers.
    private func rejectMixing(_ keyword: LexToken, with rule: Syntax.Rule, cursor: TokenCursor) throws(TokenCursor.Failure) {
        guard rule.sentence != nil else { return }
        throw mixingError(keyword: keyword, other: "when", cursor: cursor)
    }

    private func mixingError(keyword: LexToken, other: String, cursor: TokenCursor) -> TokenCursor.Failure {
        cursor.error(
            "'\(keyword.text.lowercased())' cannot be mixed with '\(other)' in one rule", at: keyword,
            hint: "state the condition either as a 'when' sentence or with let/require/reject; "
                + "'herald explain RULE' prints a sentence's let/require/reject lines to start from")
    }

    private func parseValueWord(_ cursor: inout TokenCursor) throws(TokenCursor.Failure) -> String {
        guard let token = cursor.current, token.kind != .symbol else { throw cursor.error("expected a value\(cursor.found)") }
        _ = cursor.advance()
        return token.text
    }

    private func parseDuration(_ cursor: inout TokenCursor) throws(TokenCursor.Failure) -> Int {
        let token = try cursor.expectWord("a duration such as 30m, 24h or 7d")
        guard let seconds = DurationText.seconds(token.text) else {
            throw cursor.error(
                "invalid duration '\(token.text)'", at: token, hint: "write a number and a unit: 90s, 30m, 24h, 7d, 2w")
        }
        return seconds
    }

    private func parseField(_ cursor: inout TokenCursor) throws(TokenCursor.Failure) -> Syntax.Field {
        let name = try cursor.expectWord("a field name")
        _ = try cursor.expectSymbol("=")
        guard let token = cursor.advance() else { throw cursor.error("expected a value for '\(name.text)'") }
        let value: Syntax.Value
        switch token.kind {
        case .string, .integer:
            value = .literal(token.text)
        case .word:
            let parts = token.text.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 1 {
                value = .name(parts[0])
            } else if parts[1] == "text" {
                value = .text(parts[0])
            } else if parts[1] == "name" {
                value = .name(parts[0])
            } else {
                value = .attribute(parts[0], parts[1])
            }
        case .symbol:
            throw cursor.error("expected a binding, binding.attribute or a quoted value", at: token)
        }
        return Syntax.Field(name: name.text, value: value, span: cursor.span(from: name))
    }

    // MARK: Terms, constraints, expressions

    func parseTerms(_ cursor: inout TokenCursor) throws(TokenCursor.Failure) -> [Syntax.Term] {
        var terms = [try parseTerm(&cursor)]
        while cursor.skip("|") { terms.append(try parseTerm(&cursor)) }
        return terms
    }

    /// A term, or a gap phrase of terms: `"cut" ~4 @JOBS` (the next part at most 4 words after the previous).
    private func parseTerm(_ cursor: inout TokenCursor) throws(TokenCursor.Failure) -> Syntax.Term {
        guard let start = cursor.current else { return try parseSimpleTerm(&cursor) }
        let first = try parseSimpleTerm(&cursor)
        var parts = [first]
        var gaps: [Int] = []
        while cursor.skip("~") {
            let distance = try cursor.expectInteger("a distance in words after '~' (as in \"cut\" ~4 @JOBS)")
            guard distance >= 1 else {
                throw cursor.error("a gap of \(distance) words is empty", hint: "write ~1 or more; ~1 means adjacent words")
            }
            gaps.append(distance)
            parts.append(try parseSimpleTerm(&cursor))
        }
        guard !gaps.isEmpty else { return first }
        return .sequence(parts: parts, gaps: gaps, span: cursor.span(from: start))
    }

    private func parseSimpleTerm(_ cursor: inout TokenCursor) throws(TokenCursor.Failure) -> Syntax.Term {
        guard let token = cursor.current else {
            throw cursor.error("expected a list (@NAME), a macro ($NAME) or a quoted phrase\(cursor.found)")
        }
        if token.kind == .string {
            _ = cursor.advance()
            guard !token.text.trimmingSpaces.isEmpty else { throw cursor.error("empty phrase", at: token) }
            return .phrase(token.text, span: cursor.span(token))
        }
        if token.is("@") || token.is("$") {
            _ = cursor.advance()
            let name = try cursor.expectWord(token.is("@") ? "a list name after '@'" : "a macro name after '$'")
            guard name.column == token.column + 1 else {
                throw cursor.error("no space allowed after '\(token.text)'", at: name)
            }
            if token.is("$") { return .macro(name: name.text, span: cursor.span(from: token)) }
            let conditions = cursor.current?.is("[") == true ? try parseConditions(&cursor) : []
            return .list(name: name.text, conditions: conditions, span: cursor.span(from: token))
        }
        throw cursor.error(
            "expected a list (@NAME), a macro ($NAME) or a quoted phrase\(cursor.found)", at: token,
            hint: token.kind == .word ? "lists are written with '@' (@\(token.text.uppercased())), phrases in quotes (\"\(token.text)\")" : nil)
    }

    func parseConditions(_ cursor: inout TokenCursor) throws(TokenCursor.Failure) -> [Syntax.Condition] {
        let open = try cursor.expectSymbol("[")
        var conditions: [Syntax.Condition] = []
        while true {
            guard !cursor.isAtEnd else {
                throw cursor.error("unclosed '['", at: open, hint: "close the attribute filter with ']'")
            }
            if cursor.skip("]") { break }
            if cursor.skip(",") { continue }
            let key = try cursor.expectWord("an attribute name")
            let negated: Bool
            if cursor.skip("=") {
                negated = false
            } else if cursor.skip("!=") {
                negated = true
            } else {
                throw cursor.error(
                    "expected '=' or '!=' after attribute '\(key.text)'\(cursor.found)",
                    hint: "filters look like [country=CN] or [level!=country]")
            }
            var values = [try parseValueWord(&cursor)]
            while cursor.skip("|") { values.append(try parseValueWord(&cursor)) }
            conditions.append(Syntax.Condition(key: key.text, negated: negated, values: values, span: cursor.span(from: key)))
        }
        return conditions
    }

    private func parseConstraint(_ cursor: inout TokenCursor) throws(TokenCursor.Failure) -> Syntax.Constraint {
        guard let token = cursor.current, token.kind == .word,
            let relation = Syntax.Relation(rawValue: token.text.lowercased())
        else {
            throw cursor.error(
                "expected 'after', 'before', 'near' or 'describing'\(cursor.found)",
                hint: "constraints look like 'after firm within 10' or 'near/3 team'")
        }
        _ = cursor.advance()
        var within: Int?
        if relation == .near && cursor.skip("/") {
            within = try cursor.expectInteger("a distance in words")
        }
        var alternatives: [String] = []
        let other: LexToken
        if cursor.skip("(") {
            // `near (noun | verb)`: to whichever of them is bound.
            other = try cursor.expectWord("a binding name")
            while cursor.skip("|") { alternatives.append(try cursor.expectWord("a binding name after '|'").text) }
            guard cursor.skip(")") else {
                throw cursor.error("expected ')' after the bindings\(cursor.found)", hint: "write (noun | verb)")
            }
        } else {
            other = try cursor.expectWord("a binding name")
        }
        var withinClause = false
        if cursor.skipWord("within") {
            if cursor.skipWord("clause") {
                withinClause = true
            } else {
                within = try cursor.expectInteger("a distance in words, or 'clause'")
                _ = cursor.skipWord("words") || cursor.skipWord("word")
            }
        }
        var outsideAsides = false
        if cursor.skipWord("outside") {
            guard cursor.skipWord("asides") else {
                throw cursor.error(
                    "expected 'asides' after 'outside'\(cursor.found)", hint: "'outside asides' keeps a word out of set-off stretches")
            }
            outsideAsides = true
        }
        return Syntax.Constraint(
            relation: relation, binding: other.text, alternatives: alternatives, within: within, withinClause: withinClause,
            outsideAsides: outsideAsides, span: cursor.span(from: token))
    }

    func parseExpression(_ cursor: inout TokenCursor) throws(TokenCursor.Failure) -> Syntax.Expression {
        var left = try parseConjunction(&cursor)
        while cursor.skipWord("or") { left = .or(left, try parseConjunction(&cursor)) }
        return left
    }

    private func parseConjunction(_ cursor: inout TokenCursor) throws(TokenCursor.Failure) -> Syntax.Expression {
        var left = try parseUnary(&cursor)
        while cursor.skipWord("and") { left = .and(left, try parseUnary(&cursor)) }
        return left
    }

    private func parseUnary(_ cursor: inout TokenCursor) throws(TokenCursor.Failure) -> Syntax.Expression {
        if cursor.skipWord("not") { return .not(try parseUnary(&cursor)) }
        if let open = cursor.current, open.is("(") {
            _ = cursor.advance()
            let inner = try parseExpression(&cursor)
            guard cursor.skip(")") else { throw cursor.error("expected ')' to close the '(' here", at: open) }
            return inner
        }
        guard let token = cursor.current else { throw cursor.error("expected a condition\(cursor.found)") }
        if token.kind == .word {
            _ = cursor.advance()
            let conditions = cursor.current?.is("[") == true ? try parseConditions(&cursor) : []
            return .binding(token.text, conditions: conditions, span: cursor.span(from: token))
        }
        let terms = try parseTerms(&cursor)
        return .terms(terms, span: cursor.span(from: token))
    }
}

extension String {
    var trimmingSpaces: Substring {
        let trimmed = drop { $0 == " " || $0 == "\t" }
        var end = trimmed.endIndex
        while end > trimmed.startIndex, trimmed[trimmed.index(before: end)] == " " || trimmed[trimmed.index(before: end)] == "\t" {
            end = trimmed.index(before: end)
        }
        return trimmed[trimmed.startIndex..<end]
    }
}

/// Durations in rule files: `90s`, `30m`, `24h`, `7d`, `2w`.
enum DurationText {
    static func seconds(_ text: String) -> Int? {
        guard let unit = text.last, let amount = Int(text.dropLast()), amount > 0 else { return nil }
        switch unit {
        case "s": return amount
        case "m": return amount * 60
        case "h": return amount * 3600
        case "d": return amount * 86_400
        case "w": return amount * 604_800
        default: return nil
        }
    }
}
