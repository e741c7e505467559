/// Resolves parsed files into a ``RuleSet``: names to lists, macros expanded, phrases indexed, filters and
/// references checked, each rule's prefilter anchor chosen. Every problem becomes a ``Diagnostic``.
struct RuleCompiler {
    struct Parsed {
        var lists: [Syntax.List] = []
        var macros: [Syntax.Macro] = []
        var rules: [Syntax.Rule] = []
    }

    var diagnostics: [Diagnostic] = []
    private(set) var lists: [GazetteerList] = []
    private var listIndex: [String: Int] = [:]
    private var listAliases: [[(String, CaseMode)]] = []
    /// Per list, parallel to `lists`.
    private var attributeValues: [AttributeValues] = []
    private var phraseLists: [String: Int] = [:]
    /// Gap phrases, each with a list of its own, by their written form (the same form twice shares one).
    private var sequences: [TermSequence] = []
    private var sequenceLists: [String: Int] = [:]
    private var macros: [String: Syntax.Macro] = [:]
    private var usedLists = Set<String>()
    private var usedMacros = Set<String>()
    /// Bindings whose lists did not resolve: their attribute checks would only repeat that error.
    var unresolved = Set<String>()
    private let tokenizer = Tokenizer()

    static func compile(_ parsed: Parsed, hash: String, files: [String]) -> (RuleSet?, [Diagnostic]) {
        var compiler = RuleCompiler()
        return compiler.run(parsed, hash: hash, files: files)
    }

    private mutating func run(_ parsed: Parsed, hash: String, files: [String]) -> (RuleSet?, [Diagnostic]) {
        for list in parsed.lists { addList(list) }
        for macro in parsed.macros {
            if let first = macros[macro.name] {
                diagnostics.append(
                    Diagnostic(.error, at: macro.span, "duplicate macro '\(macro.name)'", hint: "first defined at \(first.span.location)"))
                continue
            }
            macros[macro.name] = macro
        }
        var rules: [CompiledRule] = []
        var seen: [String: SourceLocation] = [:]
        for rule in parsed.rules {
            if let first = seen[rule.id] {
                diagnostics.append(
                    Diagnostic(.error, at: rule.span, "duplicate rule id '\(rule.id)'", hint: "first defined at \(first)"))
                continue
            }
            seen[rule.id] = rule.span.location
            if let compiled = compileRule(rule) { rules.append(compiled) }
        }
        for list in parsed.lists {
            guard let name = list.options.origins, let owner = listIndex[list.name] else { continue }
            guard let origins = listIndex[name] else {
                let hint = Suggestion.closest(to: name, in: listIndex.keys).map { "did you mean '\($0)'?" }
                diagnostics.append(Diagnostic(.error, at: list.span, "unknown origins list '\(name)'", hint: hint))
                continue
            }
            lists[owner].originList = Int32(origins)
            usedLists.insert(name)
        }
        for list in parsed.lists
        where !usedLists.contains(list.name) && listIndex[list.name] != nil && !list.options.isMask && !list.options.isLibrary {
            diagnostics.append(
                Diagnostic(.warning, at: list.span, "list '\(list.name)' is not used by any rule or macro"))
        }
        for macro in parsed.macros where !usedMacros.contains(macro.name) {
            diagnostics.append(Diagnostic(.warning, at: macro.span, "macro '\(macro.name)' is not used"))
        }
        var builder = PhraseIndexBuilder()
        for (position, aliases) in listAliases.enumerated() {
            for (entry, forms) in groupedAliases(position, aliases) {
                for (form, mode) in forms {
                    builder.insert(tokens: tokenizer.tokenize(form), list: Int32(position), entry: Int32(entry), caseMode: mode)
                }
            }
        }
        let index = builder.build()
        let failed = diagnostics.contains { $0.severity == .error }
        let ruleSet =
            failed ? nil : RuleSet(rules: rules, lists: lists, index: index, hash: hash, files: files, sequences: sequences)
        return (ruleSet, diagnostics)
    }

    // MARK: Lists

    /// Alias forms per entry; `listAliases[list]` holds them flattened with a separator entry id.
    private var aliasEntries: [[Int]] = []

    private func groupedAliases(_ list: Int, _ aliases: [(String, CaseMode)]) -> [(Int, [(String, CaseMode)])] {
        var grouped: [Int: [(String, CaseMode)]] = [:]
        for (offset, alias) in aliases.enumerated() { grouped[aliasEntries[list][offset], default: []].append(alias) }
        return grouped.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A fingerprint of a list as written: its options and every entry's aliases and attributes, in order.
    static func signature(_ list: Syntax.List) -> String {
        var hasher = FNV1a()
        let options = list.options
        hasher.add(
            "\(options.isEntity) \(options.isMask) \(options.caseMode) \(options.isReferable) \(options.origins ?? "-") "
                + "\(options.inflection)\u{0}")
        for entry in list.entries {
            hasher.add(entry.aliases.joined(separator: "|"))
            for (key, value) in entry.attributes.sorted(by: { $0.0 < $1.0 }) { hasher.add(" \(key)=\(value)") }
            hasher.add("\u{0}")
        }
        return hasher.hex
    }

    private mutating func addList(_ list: Syntax.List) {
        if let existing = listIndex[list.name] {
            diagnostics.append(
                Diagnostic(
                    .error, at: list.span, "duplicate list '\(list.name)'",
                    hint: "first defined at \(lists[existing].location.map(\.description) ?? "?")"))
            return
        }
        var entries: [GazetteerEntry] = []
        var aliases: [(String, CaseMode)] = []
        var owners: [Int] = []
        for entry in list.entries {
            var attributes: [String: String] = [:]
            for (key, value) in entry.attributes { attributes[key] = value }
            let entryIndex = entries.count
            entries.append(GazetteerEntry(canonical: entry.aliases[0], attributes: attributes, location: entry.span.location))
            for alias in entry.aliases {
                guard !tokenizer.tokenize(alias).isEmpty else {
                    diagnostics.append(Diagnostic(.error, at: entry.span, "alias '\(alias)' has no words to match"))
                    continue
                }
                var forms: [String]
                switch list.options.inflection {
                case .none: forms = [alias]
                case .verb: forms = Inflector.verbForms(alias)
                case .noun: forms = Inflector.nounForms(alias)
                }
                // A compound term is written with a hyphen where it modifies a noun: "a machine-learning team". Verbs
                // are left alone ("a set-up" is a noun), and names are written as they are ("Moonshot AI").
                if list.options.inflection != .verb && !list.options.isEntity {
                    forms += forms.filter { $0.contains(" ") }.map { $0.replacingOccurrences(of: " ", with: "-") }
                }
                for form in forms {
                    aliases.append((form, list.options.caseMode))
                    owners.append(entryIndex)
                }
            }
        }
        if entries.isEmpty {
            diagnostics.append(Diagnostic(.warning, at: list.span, "list '\(list.name)' has no entries"))
        }
        listIndex[list.name] = lists.count
        var compiled = GazetteerList(
            name: list.name, isEntity: list.options.isEntity, isPhrase: false, entries: entries,
            aliasCount: aliases.count, location: list.span.location)
        compiled.isReferable = list.options.isReferable
        compiled.isMask = list.options.isMask
        compiled.signature = Self.signature(list)
        lists.append(compiled)
        listAliases.append(aliases)
        attributeValues.append(AttributeValues(entries))
        aliasEntries.append(owners)
    }

    private mutating func phraseList(_ phrase: String) -> Int32 {
        if let existing = phraseLists[phrase] { return Int32(existing) }
        let position = lists.count
        phraseLists[phrase] = position
        lists.append(
            GazetteerList(
                name: "\"\(phrase)\"", isEntity: false, isPhrase: true,
                entries: [GazetteerEntry(canonical: phrase, attributes: [:], location: nil)], aliasCount: 1, location: nil))
        listAliases.append([(phrase, .smart)])
        attributeValues.append(AttributeValues())
        aliasEntries.append([0])
        return Int32(position)
    }

    /// The list a gap phrase's hits carry; made on first use.
    private mutating func sequenceList(_ written: String, _ parts: [[TermReference]], _ gaps: [Int]) -> Int32 {
        if let existing = sequenceLists[written] { return Int32(existing) }
        let position = lists.count
        sequenceLists[written] = position
        lists.append(
            GazetteerList(
                name: written, isEntity: false, isPhrase: true,
                entries: [GazetteerEntry(canonical: written, attributes: [:], location: nil)], aliasCount: 0, location: nil))
        listAliases.append([])
        attributeValues.append(AttributeValues())
        aliasEntries.append([])
        sequences.append(TermSequence(list: Int32(position), parts: parts, gaps: gaps))
        return Int32(position)
    }

    // MARK: Terms

    private mutating func resolve(_ terms: [Syntax.Term], expanding: [String] = []) -> [TermReference]? {
        var resolved: [TermReference] = []
        var failed = false
        for term in terms {
            switch term {
            case .phrase(let text, _):
                resolved.append(TermReference(list: phraseList(text), conditions: []))
            case .sequence(let parts, let gaps, _):
                var resolvedParts: [[TermReference]] = []
                for part in parts {
                    guard let references = resolve([part], expanding: expanding) else {
                        failed = true
                        break
                    }
                    resolvedParts.append(references)
                }
                guard resolvedParts.count == parts.count else { continue }
                resolved.append(TermReference(list: sequenceList(RulePrinter.term(term), resolvedParts, gaps), conditions: []))
            case .list(let name, let conditions, let span):
                guard let position = listIndex[name] else {
                    let hint = Suggestion.closest(to: name, in: listIndex.keys).map { "did you mean '@\($0)'?" }
                    diagnostics.append(Diagnostic(.error, at: span, "unknown list '@\(name)'", hint: hint))
                    failed = true
                    continue
                }
                usedLists.insert(name)
                guard let compiled = compileConditions(conditions, values: attributeValues[position], owner: "@\(name)")
                else {
                    failed = true
                    continue
                }
                resolved.append(TermReference(list: Int32(position), conditions: compiled))
            case .macro(let name, let span):
                guard let macro = macros[name] else {
                    let hint = Suggestion.closest(to: name, in: macros.keys).map { "did you mean '$\($0)'?" }
                    diagnostics.append(Diagnostic(.error, at: span, "unknown macro '$\(name)'", hint: hint))
                    failed = true
                    continue
                }
                usedMacros.insert(name)
                guard !expanding.contains(name) else {
                    let cycle = (expanding + [name]).map { "$\($0)" }.joined(separator: " → ")
                    diagnostics.append(Diagnostic(.error, at: span, "macro cycle: \(cycle)"))
                    failed = true
                    continue
                }
                guard let inner = resolve(macro.terms, expanding: expanding + [name]) else {
                    failed = true
                    continue
                }
                resolved += inner
            }
        }
        return failed ? nil : resolved
    }

    private mutating func compileConditions(
        _ conditions: [Syntax.Condition], values: AttributeValues, owner: String
    ) -> [AttributeCondition]? {
        var compiled: [AttributeCondition] = []
        guard !conditions.isEmpty else { return compiled }
        let keys = values.keys
        for condition in conditions {
            guard keys.contains(condition.key) else {
                let hint = Suggestion.closest(to: condition.key, in: keys).map { "did you mean '\($0)'?" }
                    ?? (keys.isEmpty ? "\(owner) has no attributes" : "attributes of \(owner): \(keys.sorted().joined(separator: ", "))")
                diagnostics.append(
                    Diagnostic(.error, at: condition.span, "\(owner) has no attribute '\(condition.key)'", hint: hint))
                return nil
            }
            let known = values.known(condition.key)
            for value in condition.values where !known.contains(value) {
                let hint = Suggestion.closest(to: value, in: known).map { "did you mean '\($0)'?" }
                diagnostics.append(
                    Diagnostic(
                        .warning, at: condition.span, "no entry of \(owner) has \(condition.key)=\(value)", hint: hint))
            }
            compiled.append(AttributeCondition(key: condition.key, negated: condition.negated, values: Set(condition.values)))
        }
        return compiled
    }

    // MARK: Rules

    private mutating func compileRule(_ rule: Syntax.Rule) -> CompiledRule? {
        let errorsBefore = diagnostics.filter { $0.severity == .error }.count
        var bindings: [CompiledBinding] = []
        var names: [String: Int] = [:]
        unresolved = []
        let declared = rule.bindings.map(\.name)
        if rule.bindings.isEmpty && !rule.hasSyntaxErrors {
            diagnostics.append(
                Diagnostic(.error, at: rule.span, "rule '\(rule.id)' has no 'let' binding", hint: "add one, such as: let firm = @CN_FIRM"))
        }
        if rule.title == nil && !rule.hasSyntaxErrors {
            diagnostics.append(Diagnostic(.error, at: rule.span, "rule '\(rule.id)' has no title", hint: "add: title \"What this rule finds\""))
        }
        for binding in rule.bindings {
            if names[binding.name] != nil {
                diagnostics.append(Diagnostic(.error, at: binding.span, "duplicate binding '\(binding.name)' in rule '\(rule.id)'"))
                continue
            }
            let resolvedTerms = resolve(binding.terms)
            if resolvedTerms == nil { unresolved.insert(binding.name) }
            let terms = resolvedTerms ?? []
            var constraints: [PositionConstraint] = []
            for constraint in binding.constraints {
                guard let target = reference(constraint.binding, at: constraint.span, names: names, declared: declared, user: binding.name)
                else { continue }
                var compiled = PositionConstraint(
                    relation: PositionConstraint.Relation(rawValue: constraint.relation.rawValue) ?? .near,
                    binding: target, within: constraint.within, withinClause: constraint.withinClause,
                    outsideAsides: constraint.outsideAsides)
                compiled.alternatives = constraint.alternatives.compactMap {
                    reference($0, at: constraint.span, names: names, declared: declared, user: binding.name)
                }
                constraints.append(compiled)
            }
            let laterPlace = binding.laterPlace.flatMap { later in
                reference(later.binding, at: later.span, names: names, declared: declared, user: binding.name).map {
                    CompiledBinding.LaterPlace(binding: $0, sentences: later.within ?? 3)
                }
            }
            names[binding.name] = bindings.count
            bindings.append(
                CompiledBinding(
                    name: binding.name, terms: terms, constraints: constraints, source: binding.span.sourceLine.trimmed,
                    settingSentences: binding.setting, laterPlace: laterPlace))
        }
        let condition = rule.require.flatMap { compileCondition($0, names: names, bindings: bindings) }
        var rejects: [CompiledReject] = []
        for reject in rule.rejects {
            if let syntax = reject.constraint, syntax.relation == .describing {
                diagnostics.append(
                    Diagnostic(
                        .error, at: syntax.span, "'describing' is for 'let' bindings, not 'reject'",
                        hint: "a reject vetoes on the rule's own sentence; bind the word with 'let' and test it in 'require'"))
                continue
            }
            let terms = resolve(reject.terms) ?? []
            var constraint: PositionConstraint?
            if let syntax = reject.constraint,
                let target = reference(syntax.binding, at: syntax.span, names: names, declared: declared, user: nil)
            {
                var compiled = PositionConstraint(
                    relation: PositionConstraint.Relation(rawValue: syntax.relation.rawValue) ?? .near, binding: target,
                    within: syntax.within, withinClause: syntax.withinClause, outsideAsides: syntax.outsideAsides)
                compiled.alternatives = syntax.alternatives.compactMap {
                    reference($0, at: syntax.span, names: names, declared: declared, user: nil)
                }
                constraint = compiled
            }
            // A reject written in the rule shows as written without its keyword; one a 'when' sentence made from the
            // lexicon shows as the clause it compiled to (cutting "reject" off the lexicon's line cut a word instead).
            let line = reject.span.sourceLine.trimmed
            let source = line.hasPrefix("reject")
                ? String(line.dropFirst("reject".count)).trimmed
                : RulePrinter.terms(reject.terms) + (reject.constraint.map { " " + RulePrinter.constraint($0) } ?? "")
            rejects.append(CompiledReject(terms: terms, constraint: constraint, source: source))
        }
        let fields = compileFields(rule, names: names, bindings: bindings)
        let fieldNames = fields.map(\.name)
        var dedup = fieldNames
        if let requested = rule.dedup {
            for name in requested where !fieldNames.contains(name) {
                let hint = Suggestion.closest(to: name, in: fieldNames).map { "did you mean '\($0)'?" } ?? "dedup names fields from 'emit'"
                diagnostics.append(
                    Diagnostic(.error, at: rule.dedupSpan ?? rule.span, "dedup field '\(name)' is not emitted", hint: hint))
            }
            dedup = requested
        }
        var preferences: [CompiledPreference] = []
        for preference in rule.preferences {
            guard let target = reference(preference.binding, at: preference.span, names: names, declared: declared, user: nil)
            else { continue }
            if unresolved.contains(preference.binding) { continue }
            let keys = attributeKeys(of: bindings[target])
            guard keys.contains(preference.attribute) else {
                diagnostics.append(
                    Diagnostic(
                        .error, at: preference.span, "'\(preference.binding)' has no attribute '\(preference.attribute)'",
                        hint: Suggestion.closest(to: preference.attribute, in: keys).map { "did you mean '\($0)'?" }))
                continue
            }
            preferences.append(CompiledPreference(binding: target, attribute: preference.attribute, order: preference.order))
        }
        let event = compileEvent(rule, names: names, declared: declared)
        let mandatory = Self.mandatory(bindings.count, condition)
        // A reject positioned on a binding that may stay unbound vetoes nothing when it does: say so.
        for (reject, syntax) in zip(rejects, rule.rejects.filter { $0.constraint?.relation != .describing }) {
            // With alternatives, `require` usually forces one of them ("noun or (cut and jobs)"): no warning.
            guard let constraint = reject.constraint, constraint.alternatives.isEmpty, constraint.binding < mandatory.count,
                !mandatory[constraint.binding], let span = syntax.constraint?.span
            else { continue }
            let name = bindings[constraint.binding].name
            diagnostics.append(
                Diagnostic(
                    .warning, at: span, "this reject is positioned on '\(name)', which 'require' does not force: when '\(name)' is not bound, it vetoes nothing",
                    hint: "position it on a required binding, or leave the position out to veto anywhere in the scope"))
        }
        let anchors = chooseAnchors(bindings, mandatory: mandatory)
        if anchors.isEmpty && !bindings.isEmpty && unresolved.isEmpty {
            diagnostics.append(
                Diagnostic(
                    .warning, at: rule.span, "rule '\(rule.id)' has no required term to prefilter on: it is evaluated for every article",
                    hint: "make at least one binding required in 'require'"))
        }
        guard diagnostics.filter({ $0.severity == .error }).count == errorsBefore else { return nil }
        let expectations = rule.expectations.map {
            RuleExpectation(
                shouldMatch: $0.shouldMatch, text: $0.text, headline: $0.headline, fields: $0.fields, location: $0.span.location,
                sourceLine: $0.span.sourceLine, length: $0.span.length)
        }
        return CompiledRule(
            id: rule.id, title: rule.title ?? rule.id, severity: rule.severity.flatMap(Severity.init(rawValue:)) ?? .medium,
            tags: rule.tags, scope: rule.scope.flatMap(Scope.init(rawValue:)) ?? .sentence, location: rule.span.location,
            dedupWindow: rule.dedupWindow ?? 0, throttle: rule.throttle, expectations: expectations, dedupFields: dedup,
            bindings: bindings, mandatory: mandatory, condition: condition, rejects: rejects, fields: fields,
            preferences: preferences, anchors: anchors, source: rule.sourceLines.joined(separator: "\n"), event: event)
    }

    /// The `event` clause's roles resolved to bindings, and the factualities that fire (`asserted` and `announced`
    /// unless the rule says otherwise).
    private mutating func compileEvent(_ rule: Syntax.Rule, names: [String: Int], declared: [String]) -> CompiledEvent? {
        guard let event = rule.event else {
            if let span = rule.factualitySpan {
                diagnostics.append(
                    Diagnostic(
                        .error, at: span, "'factuality' needs an 'event' clause",
                        hint: "say which binding is the event's verb: event verb agent firm object team at place"))
            }
            return nil
        }
        func role(_ name: String?) -> Int? {
            guard let name else { return nil }
            return reference(name, at: event.span, names: names, declared: declared, user: nil)
        }
        guard let verb = role(event.verb) else { return nil }
        var accepted = Factuality.defaultAccepted
        if let values = rule.factuality {
            accepted = values.contains("any") ? Set(Factuality.allCases) : Set(values.compactMap(Factuality.init(rawValue:)))
        }
        return CompiledEvent(verb: verb, agent: role(event.agent), object: role(event.object), place: role(event.place), accepted: accepted)
    }

    private mutating func reference(
        _ name: String, at span: Syntax.Span, names: [String: Int], declared: [String], user: String?
    ) -> Int? {
        if let index = names[name] { return index }
        if let user, declared.contains(name) {
            diagnostics.append(
                Diagnostic(
                    .error, at: span, "'\(user)' refers to '\(name)', which is declared after it",
                    hint: "declare '\(name)' first: constraints refer to earlier bindings"))
        } else {
            let hint = Suggestion.closest(to: name, in: declared).map { "did you mean '\($0)'?" }
            diagnostics.append(Diagnostic(.error, at: span, "unknown binding '\(name)'", hint: hint))
        }
        return nil
    }

    func attributeKeys(of binding: CompiledBinding) -> Set<String> {
        var keys = Set<String>()
        for term in binding.terms { keys.formUnion(attributeValues[Int(term.list)].values.keys) }
        return keys
    }

    private mutating func compileCondition(
        _ expression: Syntax.Expression, names: [String: Int], bindings: [CompiledBinding]
    ) -> RuleCondition? {
        switch expression {
        case .binding(let name, let conditions, let span):
            guard let index = names[name] else {
                let hint = Suggestion.closest(to: name, in: names.keys).map { "did you mean '\($0)'?" }
                    ?? "bindings are declared with 'let'; lists are written @NAME and phrases in quotes"
                diagnostics.append(Diagnostic(.error, at: span, "unknown binding '\(name)'", hint: hint))
                return nil
            }
            let binding = bindings[index]
            if unresolved.contains(name) || conditions.isEmpty { return .bound(index, []) }
            var values = AttributeValues()
            for term in binding.terms { values.merge(attributeValues[Int(term.list)]) }
            guard let compiled = compileConditions(conditions, values: values, owner: "'\(name)'")
            else { return nil }
            return .bound(index, compiled)
        case .terms(let terms, _):
            return resolve(terms).map { .exists($0) }
        case .not(let inner):
            return compileCondition(inner, names: names, bindings: bindings).map { .not($0) }
        case .and(let left, let right):
            guard let l = compileCondition(left, names: names, bindings: bindings),
                let r = compileCondition(right, names: names, bindings: bindings)
            else { return nil }
            return .and(l, r)
        case .or(let left, let right):
            guard let l = compileCondition(left, names: names, bindings: bindings),
                let r = compileCondition(right, names: names, bindings: bindings)
            else { return nil }
            return .or(l, r)
        }
    }
}
