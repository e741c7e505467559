/// Parses a `.lexicon` file. One entry per line:
///
///     nationality Chinese = [country=CN]
///     subject firm | company | start-up = @CN_FIRM
///     verb open | set up = @OPEN_VERB opposite @RETREAT_VERB
///     place US | American = @US_PLACE
///     modifier AI = @AI_TERM within 4 or subject[sector=ai]
///     object team | lab | office = @TEAM
///     negation = @NEGATION
///     window subject 20
struct LexiconParser {
    struct Result {
        var lexicon = Lexicon()
        var diagnostics: [Diagnostic] = []
    }

    static let keywords = Lexicon.Slot.allCases.map(\.rawValue) + ["negation", "window", "override"]

    let file: SourceFile

    func parse() -> Result {
        var result = Result()
        let rules = RuleFileParser(file: file)
        for (offset, text) in file.lines.enumerated() {
            let line = offset + 1
            let tokens: [LexToken]
            do {
                tokens = try LineLexer.lex(text)
            } catch {
                result.diagnostics.append(
                    file.diagnostic(line: line, column: error.column, length: error.length, error.message, hint: error.hint))
                continue
            }
            guard !tokens.isEmpty else { continue }
            var cursor = TokenCursor(tokens: tokens, file: file, line: line)
            do throws(TokenCursor.Failure) {
                try parseLine(&cursor, rules: rules, into: &result.lexicon)
            } catch {
                result.diagnostics.append(error.diagnostic)
            }
        }
        return result
    }

    private func parseLine(_ cursor: inout TokenCursor, rules: RuleFileParser, into lexicon: inout Lexicon) throws(TokenCursor.Failure) {
        // `override …`: this line replaces what other lexicon files say for the same words (or window, or negation).
        let overrides = cursor.skipWord("override")
        let keyword = try cursor.expectWord("an entry kind: \(Self.keywords.joined(separator: ", "))")
        let kind = keyword.text.lowercased()
        if kind == "window" {
            let name = try cursor.expectWord("subject, object or negation")
            guard Lexicon.windowNames.contains(name.text.lowercased()) else {
                throw cursor.error(
                    "unknown window '\(name.text)'", at: name, hint: "windows: \(Lexicon.windowNames.joined(separator: ", "))")
            }
            lexicon.windows[name.text.lowercased()] = try cursor.expectInteger("a distance in words")
            if overrides { lexicon.overriddenWindows.insert(name.text.lowercased()) }
            try cursor.expectEnd()
            return
        }
        if kind == "negation" {
            _ = try cursor.expectSymbol("=")
            lexicon.negation = try rules.parseTerms(&cursor)
            lexicon.negationSpan = cursor.span(keyword)
            lexicon.negationOverrides = overrides
            try cursor.expectEnd()
            return
        }
        guard let slot = Lexicon.Slot(rawValue: kind) else {
            throw cursor.error(
                "unknown lexicon entry '\(keyword.text)'", at: keyword,
                hint: Suggestion.closest(to: keyword.text, in: Self.keywords).map { "did you mean '\($0)'?" }
                    ?? "entries start with one of: \(Self.keywords.joined(separator: ", "))")
        }
        var phrases: [[String]] = [[]]
        while let token = cursor.current, !token.is("=") {
            _ = cursor.advance()
            if token.is("|") {
                guard phrases.last?.isEmpty == false else { throw cursor.error("expected a word before '|'", at: token) }
                phrases.append([])
                continue
            }
            guard token.kind == .word || token.kind == .integer else {
                throw cursor.error("expected a word\(token.kind == .string ? ": write words without quotes" : "")", at: token)
            }
            phrases[phrases.count - 1].append(token.text)
        }
        guard phrases.allSatisfy({ !$0.isEmpty }) else { throw cursor.error("expected the \(slot.title) it defines\(cursor.found)") }
        // The sentence grammar reads determiners and "in" itself, so an alias starting with one would never match.
        if let phrase = phrases.first(where: { SentenceParser.reserved.contains($0[0].lowercased()) }) {
            let alias = phrase.joined(separator: " ")
            throw cursor.error(
                "'\(alias)' starts with '\(phrase[0])', which the sentence grammar reads itself", at: keyword,
                hint: "write it without: \(kind) \(phrase.dropFirst().joined(separator: " "))")
        }
        _ = try cursor.expectSymbol("=")
        var entry = Lexicon.Entry(slot: slot, phrases: phrases, forms: Self.forms(phrases, slot: slot), span: cursor.span(keyword))
        entry.overrides = overrides
        if slot == .nationality {
            guard cursor.current?.is("[") == true else {
                throw cursor.error(
                    "expected an attribute filter such as [country=CN]\(cursor.found)",
                    hint: "a nationality filters the subject's lists: nationality Chinese = [country=CN]")
            }
            entry.conditions = try rules.parseConditions(&cursor)
        } else {
            entry.terms = try rules.parseTerms(&cursor)
        }
        if slot == .verb, cursor.skipWord("opposite") {
            entry.opposites = try rules.parseTerms(&cursor)
        }
        if slot == .modifier {
            if cursor.skipWord("within") { entry.within = try cursor.expectInteger("a distance in words") }
            while cursor.skipWord("or") {
                let role = try cursor.expectWord("'subject' or 'object'")
                guard role.isWord("subject") || role.isWord("object"), cursor.current?.is("[") == true else {
                    throw cursor.error(
                        "expected subject[attribute=value] or object[attribute=value]", at: role,
                        hint: "for example: modifier AI = @AI_TERM within 4 or subject[sector=ai] or object[ai=yes]")
                }
                if role.isWord("subject") {
                    entry.subjectAlternative = try rules.parseConditions(&cursor)
                } else {
                    entry.objectAlternative = try rules.parseConditions(&cursor)
                }
            }
        }
        try cursor.expectEnd()
        lexicon.entries.append(entry)
    }

    /// The forms a sentence may use: "opens" for the verb `open`, "layoffs" for the object `layoff`. Verbs and
    /// object nouns are inflected with the same ``Inflector`` the lists use.
    static func forms(_ phrases: [[String]], slot: Lexicon.Slot) -> [[String]] {
        var forms: [[String]] = []
        for phrase in phrases {
            let joined = phrase.joined(separator: " ")
            let variants: [String]
            switch slot {
            case .verb: variants = Inflector.verbForms(joined)
            case .object: variants = Inflector.nounForms(joined)
            default: variants = [joined]
            }
            for variant in variants {
                let words = variant.split(separator: " ").map { $0.lowercased() }
                if !forms.contains(words) { forms.append(words) }
            }
        }
        return forms
    }
}
