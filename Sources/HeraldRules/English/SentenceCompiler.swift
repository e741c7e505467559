/// Turns a rule's `when` sentence into the ordinary clauses the ``RuleCompiler`` compiles: no second matcher, so a
/// sentence rule behaves exactly like the hand-written rule `herald explain` prints for it.
///
/// `when a Chinese firm opens a US AI team` becomes
///
///     let subject = @CN_FIRM[country=CN|HK]
///     let verb    = @OPEN_VERB near subject within 50
///     let object  = @TEAM near verb within 12
///     let ai      = @AI_TERM near object within clause
///     let place   = @US_PLACE or setting or describing object
///     require subject and verb and object and place and (ai or subject[sector=ai])
///     reject @RETREAT_VERB near verb within clause
///     event verb agent subject object object at place
struct SentenceCompiler {
    let lexicon: Lexicon
    /// Every loaded list by name: a nationality keeps only the subject lists that have entries of that nationality.
    let lists: [String: Syntax.List]

    init(lexicon: Lexicon, lists: [Syntax.List]) {
        self.lexicon = lexicon
        var byName: [String: Syntax.List] = [:]
        for list in lists where byName[list.name] == nil { byName[list.name] = list }
        self.lists = byName
    }

    static let reservedNames: Set<String> = ["subject", "verb", "object", "place"]

    /// Fills in `rule`'s bindings, require, rejects and defaults from its sentence; the diagnostics say what failed.
    func expand(_ rule: inout Syntax.Rule) -> [Diagnostic] {
        guard let sentence = rule.sentence else { return [] }
        // Whatever happens, the rule's "no let binding" and "no title" checks would only repeat these errors.
        if rule.title == nil { rule.title = Self.title(sentence) }
        guard !lexicon.isEmpty else {
            rule.hasSyntaxErrors = true
            return [
                Diagnostic(
                    .error, at: sentence.span, "no lexicon is loaded for this 'when' sentence",
                    hint: "include one, as lists are included: include \"english.lexicon\""),
            ]
        }
        let result = SentenceParser(lexicon: lexicon, words: sentence.words.map(\.text)).parse()
        guard result.cost == 0 else {
            rule.hasSyntaxErrors = true
            return unmapped(result, sentence: sentence)
        }
        guard result.readings.count == 1, let reading = result.readings.first else {
            rule.hasSyntaxErrors = true
            return ambiguity(result.readings, sentence: sentence)
        }
        let diagnostics = build(reading, sentence: sentence, into: &rule)
        if diagnostics.contains(where: { $0.severity == .error }) { rule.hasSyntaxErrors = true }
        return diagnostics
    }

    static func title(_ sentence: Syntax.Sentence) -> String {
        let text = sentence.text
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    // MARK: Building the clauses

    private func build(_ reading: [SentenceParser.Part], sentence: Syntax.Sentence, into rule: inout Syntax.Rule) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var found: [Lexicon.Slot: [(entry: Lexicon.Entry, span: Syntax.Span, words: String)]] = [:]
        for part in reading {
            guard case .entry(let slot, let index, let range) = part else { continue }
            let first = sentence.words[range.lowerBound].span
            let last = sentence.words[range.upperBound - 1].span
            var span = first
            span.length = last.location.column + last.length - first.location.column
            let words = sentence.words[range].map(\.text).joined(separator: " ")
            found[slot, default: []].append((lexicon.entries[index], span, words))
        }
        guard let subject = found[.subject]?.first, let verb = found[.verb]?.first else { return diagnostics }
        let places = found[.place] ?? []
        if places.count > 1 {
            diagnostics.append(
                Diagnostic(
                    .error, at: places[1].span, "a sentence names one place; '\(places[0].words)' is already its place",
                    hint: "keep either the place before the object or 'in PLACE' at the end"))
        }
        // The subject: its lists, narrowed by a nationality to the lists that have such entries.
        var subjectTerms = subject.entry.terms
        if let nationality = found[.nationality]?.first {
            subjectTerms = subjectTerms.compactMap { narrow($0, by: nationality.entry.conditions) }
            if subjectTerms.isEmpty {
                let filter = RulePrinter.conditions(nationality.entry.conditions)
                diagnostics.append(
                    Diagnostic(
                        .error, at: nationality.span,
                        "no entry of \(RulePrinter.terms(subject.entry.terms)) (the subject '\(subject.words)') matches \(filter)",
                        hint: "'\(nationality.words)' filters the subject's lists by \(filter); add such entries, or map "
                            + "'\(subject.words)' to a list that has them (\(subject.entry.span.location))"))
                return diagnostics
            }
        }
        let span = sentence.span
        func constraint(
            _ relation: Syntax.Relation, _ binding: String, _ within: Int?, clause: Bool = false, at span: Syntax.Span
        ) -> Syntax.Constraint {
            Syntax.Constraint(relation: relation, binding: binding, within: within, withinClause: clause, span: span)
        }
        var bindings = [Syntax.Binding(name: "subject", terms: subjectTerms, constraints: [], span: subject.span)]
        bindings.append(
            Syntax.Binding(
                name: "verb", terms: verb.entry.terms,
                constraints: [constraint(.near, "subject", lexicon.window("subject"), at: verb.span)], span: verb.span))
        var require: Syntax.Expression = .and(
            .binding("subject", conditions: [], span: subject.span), .binding("verb", conditions: [], span: verb.span))
        let object = found[.object]?.first
        if let object {
            bindings.append(
                Syntax.Binding(
                    name: "object", terms: object.entry.terms,
                    constraints: [constraint(.near, "verb", lexicon.window("object"), at: object.span)], span: object.span))
            require = .and(require, .binding("object", conditions: [], span: object.span))
        }
        var names = Self.reservedNames
        var modifierConditions: [Syntax.Expression] = []
        for modifier in found[.modifier] ?? [] {
            let name = uniqueName(modifier.entry.name, taken: &names)
            var constraints: [Syntax.Constraint] = []
            if object != nil {
                // In the object's clause, on either side: "an AI team", "a team working on AI".
                constraints.append(
                    modifier.entry.within.map { constraint(.near, "object", $0, at: modifier.span) }
                        ?? constraint(.near, "object", nil, clause: true, at: modifier.span))
            }
            bindings.append(Syntax.Binding(name: name, terms: modifier.entry.terms, constraints: constraints, span: modifier.span))
            var condition: Syntax.Expression = .binding(name, conditions: [], span: modifier.span)
            // Or describing the object after it, past its clause: "a centre in Ann Arbor, which will focus on AI".
            if object != nil && modifier.entry.within == nil {
                let after = uniqueName(name + "_after", taken: &names)
                bindings.append(
                    Syntax.Binding(
                        name: after, terms: modifier.entry.terms,
                        constraints: [constraint(.after, "object", Lexicon.describingWindow, at: modifier.span)], span: modifier.span))
                condition = .or(condition, .binding(after, conditions: [], span: modifier.span))
                // Or anywhere in the sentence but an aside: "the AI start-up said its new lab …"; not ", best known
                // for its AI-assisted driving," about the firm.
                let main = uniqueName(name + "_main", taken: &names)
                var anywhere = constraint(.near, "object", nil, at: modifier.span)
                anywhere.outsideAsides = true
                bindings.append(Syntax.Binding(name: main, terms: modifier.entry.terms, constraints: [anywhere], span: modifier.span))
                condition = .or(condition, .binding(main, conditions: [], span: modifier.span))
                // Or in a next sentence that refers back to the object: "… opened a lab. The lab trains AI models."
                let later = uniqueName(name + "_later", taken: &names)
                bindings.append(
                    Syntax.Binding(
                        name: later, terms: modifier.entry.terms,
                        constraints: [constraint(.describing, "object", nil, at: modifier.span)], span: modifier.span))
                condition = .or(condition, .binding(later, conditions: [], span: modifier.span))
            }
            let alternative = modifier.entry.subjectAlternative
            // `or subject[sector=ai]` only where the subject's lists have that attribute at all: a filter on an
            // attribute no entry has would be an error in a rule that never asked for it.
            if !alternative.isEmpty && alternative.allSatisfy({ hasAttribute($0.key, in: subjectTerms) }) {
                condition = .or(condition, .binding("subject", conditions: alternative, span: modifier.span))
            }
            let objectAlternative = modifier.entry.objectAlternative
            if let object, !objectAlternative.isEmpty, objectAlternative.allSatisfy({ hasAttribute($0.key, in: object.entry.terms) }) {
                condition = .or(condition, .binding("object", conditions: objectAlternative, span: modifier.span))
            }
            modifierConditions.append(condition)
        }
        if let place = places.first {
            // A sentence that names no place takes the one the story set (the dateline, "in Bellevue" just before),
            // or the one the next sentences give the object ("The lab, in Pittsburgh, …"), as the hand-written
            // rules do.
            let later = bindings.contains { $0.name == "object" }
                ? Syntax.LaterPlace(binding: "object", within: nil, span: place.span) : nil
            bindings.append(
                Syntax.Binding(
                    name: "place", terms: place.entry.terms, constraints: [], setting: RuleFileParser.settingSentences,
                    laterPlace: later, span: place.span))
            require = .and(require, .binding("place", conditions: [], span: place.span))
        }
        for condition in modifierConditions { require = .and(require, condition) }
        rule.bindings = bindings
        rule.require = require
        if !lexicon.negation.isEmpty {
            rule.rejects.append(
                Syntax.Reject(
                    terms: lexicon.negation, constraint: constraint(.before, "verb", lexicon.window("negation"), at: verb.span),
                    span: lexicon.negationSpan ?? span))
        }
        if !verb.entry.opposites.isEmpty {
            rule.rejects.append(
                Syntax.Reject(
                    terms: verb.entry.opposites, constraint: constraint(.near, "verb", nil, clause: true, at: verb.entry.span),
                    span: verb.entry.span))
        }
        // Who did what, where, and whether it happened: the roles the sentence gave, checked as one event.
        if rule.event == nil {
            rule.event = Syntax.Event(
                verb: "verb", agent: "subject", object: object == nil ? nil : "object", place: places.isEmpty ? nil : "place",
                span: span)
        }
        if rule.fields.isEmpty {
            // The field is named after the subject's lexicon word: "firm" for a firm, "bank" for a bank.
            let subjectField = subject.entry.name.lowercased().filter { $0.isLetter || $0.isNumber }
            let field = subjectField.isEmpty || Self.reservedNames.contains(subjectField) ? "firm" : subjectField
            var fields = [Syntax.Field(name: field, value: .name("subject"), span: span)]
            fields.append(Syntax.Field(name: "verb", value: .text("verb"), span: span))
            if object != nil { fields.append(Syntax.Field(name: "object", value: .text("object"), span: span)) }
            if !places.isEmpty { fields.append(Syntax.Field(name: "place", value: .name("place"), span: span)) }
            rule.fields = fields
            if rule.dedup == nil { rule.dedup = [field] }
        }
        // The most specific place wins, as in the hand-written rules ("Austin", not "Texas"), where the place lists
        // say how specific each entry is.
        if let place = places.first, rule.preferences.isEmpty, hasAttribute("level", in: place.entry.terms) {
            rule.preferences = [
                Syntax.Preference(binding: "place", attribute: "level", order: ["city", "region", "state", "country"], span: place.span)
            ]
        }
        return diagnostics
    }

    /// A subject term with the nationality's filter added, or nil when no entry of its list passes the filter.
    /// Phrases and macros cannot carry a filter, so a nationality drops them.
    private func narrow(_ term: Syntax.Term, by conditions: [Syntax.Condition]) -> Syntax.Term? {
        guard case .list(let name, let existing, let span) = term else { return nil }
        let combined = existing + conditions
        guard let list = lists[name] else { return .list(name: name, conditions: combined, span: span) }
        let passes = list.entries.contains { entry in
            combined.allSatisfy { condition in
                let value = entry.attributes.first { $0.0 == condition.key }?.1
                let present = value.map { condition.values.contains($0) } ?? false
                return condition.negated ? !present : present
            }
        }
        return passes ? .list(name: name, conditions: combined, span: span) : nil
    }

    private func hasAttribute(_ key: String, in terms: [Syntax.Term]) -> Bool {
        terms.contains { term in
            guard case .list(let name, _, _) = term, let list = lists[name] else { return false }
            return list.entries.contains { $0.attributes.contains { $0.0 == key } }
        }
    }

    /// A binding name from a modifier word: "AI" → `ai`, "open-source" → `open_source`.
    private func uniqueName(_ word: String, taken: inout Set<String>) -> String {
        var base = String(word.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        if base.first?.isLetter != true { base = "m_" + base }
        var name = base
        var counter = 2
        while taken.contains(name) {
            name = "\(base)_\(counter)"
            counter += 1
        }
        taken.insert(name)
        return name
    }
}
