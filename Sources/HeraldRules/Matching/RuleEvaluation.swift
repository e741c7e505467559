/// Evaluates rules over the units (sentences, paragraphs) of one analysed text.
///
/// Bindings are assigned in declaration order by backtracking: a binding's constraints only refer to earlier
/// bindings, so each is checked as soon as its hit is chosen. A binding that `require` does not force is left
/// unbound only when no hit satisfies its constraints, which is what `not binding` means.
///
/// One evaluation serves every candidate rule of a text part, collecting all their candidates: making one per rule
/// copied the analysed text (six arrays) and the lists into it, and the candidates out of it, for every candidate
/// rule.
struct RuleEvaluation {
    /// Enough for any real sentence; a pathological paragraph stops here instead of running away.
    static let assignmentBudget = 20_000

    /// The rule set's lists, for hits' entries (not the whole `RuleSet`).
    let lists: [GazetteerList]
    let text: AnalyzedText
    let part: TextPart
    let partIndex: Int
    let explain: Bool
    /// The article's publication year, for events the text dates years earlier.
    let publishedYear: Int?
    /// Every hit of the text part, sorted by first token: `describing` bindings look in the sentences after a unit.
    let partHits: [Hit]
    /// The places the article's headline names as where the story is (``headlineSettingCandidates``): a fallback
    /// setting of the body, by their entries.
    let headlinePlaces: [(list: Int32, entry: Int32)]
    /// Clause structures of the sentences an event check or a `within clause` constraint needed, built once each.
    let structures = ClauseStructures()
    /// Every candidate so far, with the index of its rule in the rule set, in the order found.
    private(set) var candidates: [(rule: Int, candidate: Candidate)] = []
    private(set) var explanation: [String] = []
    /// Buffers reused by every `evaluate` call of this evaluation: allocating the options (an array per binding and
    /// one holding them) and the assignment for every rule and unit was most of the allocations of matching.
    private var spareOptions = Options()
    private var spareAssignment: [Hit?] = []

    init(
        lists: [GazetteerList], text: AnalyzedText, part: TextPart, partIndex: Int, explain: Bool, publishedYear: Int? = nil,
        partHits: [Hit] = [], headlinePlaces: [(list: Int32, entry: Int32)] = []
    ) {
        self.partHits = partHits
        self.headlinePlaces = headlinePlaces
        self.lists = lists
        self.text = text
        self.part = part
        self.partIndex = partIndex
        self.explain = explain
        self.publishedYear = publishedYear
    }

    /// Evaluates `rule`, the rule set's rule `ruleIndex`, in `unit`, whose hits are `hits`.
    mutating func evaluate(_ rule: CompiledRule, ruleIndex: Int, unit: Segment, hits: ArraySlice<Hit>) {
        // No anchor check here: RuleSet.match passes only the units where one of the rule's anchors hit
        // (UnitHits.units(anchoredOn:)), and reading the rule's anchors was one more cold cache line per rule.
        let bindings = rule.bindings
        var options = spareOptions
        spareOptions = Options()
        options.hits.removeAll(keepingCapacity: true)
        options.starts.removeAll(keepingCapacity: true)
        options.starts.append(0)
        options.hits.reserveCapacity(hits.count * bindings.count)
        for index in bindings.indices {
            let terms = bindings[index].terms
            if let sentences = bindings[index].describingSentences {
                for hit in hitsAfter(unit, sentences: sentences) where terms.contains(where: { accepts($0, hit) }) {
                    options.hits.append(hit)
                }
            } else {
                for hit in hits where terms.contains(where: { accepts($0, hit) }) { options.hits.append(hit) }
                // The setting, when the sentence names no place of the binding's lists, or only wider ones that
                // locate ("its first research unit in the United States") or name a unit ("the company's new
                // Michigan team"), which a setting may refine.
                if let sentences = bindings[index].settingSentences,
                    !hits.contains(where: { hit in terms.contains { $0.list == hit.list } && !(isWide(hit) && (locatesItsSentence(hit) || namesAUnit(hit))) })
                {
                    options.hits.append(contentsOf: setting(of: unit, sentences: sentences, terms: terms))
                }
                if let later = bindings[index].laterPlace {
                    for hit in hitsAfter(unit, sentences: later.sentences) where terms.contains(where: { accepts($0, hit) }) {
                        options.hits.append(hit)
                    }
                }
            }
            options.starts.append(options.hits.count)
        }
        var assignment = spareAssignment
        spareAssignment = []
        assignment.removeAll(keepingCapacity: true)
        for _ in bindings.indices { assignment.append(nil) }
        var state = SearchState()
        let target = Target(rule: rule, ruleIndex: ruleIndex, unit: unit, hits: hits)
        search(0, &assignment, options, target, &state)
        spareOptions = options
        spareAssignment = assignment
        guard explain else { return }
        let place = "\(rule.id) [\(part.rawValue) \(unit.start)..<\(unit.end)]"
        if state.fired > 0 {
            let fired = candidates.suffix(state.fired).map { found in
                found.candidate.fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            }
            explanation.append("\(place): fired (\(fired.joined(separator: "; ")))")
        } else if let missing = bindings.indices.first(where: { options.count(of: $0) == 0 && rule.mandatory[$0] }) {
            explanation.append("\(place): no hit for '\(rule.bindings[missing].name)' (\(rule.bindings[missing].source))")
        } else if let reject = state.rejectedBy {
            explanation.append("\(place): rejected by 'reject \(reject)'")
        } else if let reason = state.eventFailure {
            explanation.append("\(place): no event: \(reason)")
        } else if state.requireFailed {
            explanation.append("\(place): 'require' not satisfied: \(state.requireDetail ?? "")")
        } else if let stuck = state.deepestFailure {
            explanation.append(
                "\(place): no '\(rule.bindings[stuck].name)' where its constraints hold (\(rule.bindings[stuck].source))")
        }
    }

    /// Each binding's options, the hits of the unit its terms accept, side by side: binding `b`'s are
    /// `hits[starts[b]..<starts[b + 1]]`.
    private struct Options {
        var hits: [Hit] = []
        var starts: [Int] = []

        func count(of binding: Int) -> Int { starts[binding + 1] - starts[binding] }
    }

    /// What one `evaluate` call works on, passed down the search as one argument.
    private struct Target {
        let rule: CompiledRule
        let ruleIndex: Int
        let unit: Segment
        let hits: ArraySlice<Hit>
    }

    private struct SearchState {
        var leaves = 0
        var fired = 0
        var rejectedBy: String?
        /// Why the last assignment that passed `require` and `reject` was not an event.
        var eventFailure: String?
        var requireFailed = false
        /// What the last assignment lacked, for --explain ("no 'ai', 'about' or firm[sector=ai|autonomous]").
        var requireDetail: String?
        var deepestFailure: Int?
        /// The event checks made so far in this unit, by the hits the event binds: assignments that differ only
        /// in bindings the event does not name (the AI words) share one check.
        var checked: [EventRoles: Result<(factuality: Factuality, description: String), EventFailure>] = [:]
    }

    func entries(of hit: Hit) -> [GazetteerEntry] { lists[Int(hit.list)].entries }

    /// `term.accepts(hit, entries:)`, with the list compared before the hit's entries are fetched: most (hit, term)
    /// pairs differ in list, and fetching the entries array first cost a retain and a release for each.
    func accepts(_ term: TermReference, _ hit: Hit) -> Bool {
        guard hit.list == term.list else { return false }
        if term.conditions.isEmpty { return true }
        let entry = lists[Int(hit.list)].entries[Int(hit.entry)]
        return term.conditions.allSatisfy { $0.accepts(entry) }
    }

    private mutating func search(
        _ position: Int, _ assignment: inout [Hit?], _ options: Options, _ target: Target, _ state: inout SearchState
    ) {
        guard state.leaves < Self.assignmentBudget else { return }
        let rule = target.rule
        if position == rule.bindings.count {
            state.leaves += 1
            leaf(assignment, target, &state)
            return
        }
        let constraints = rule.bindings[position].constraints
        let later = rule.bindings[position].laterPlace
        var placed = false
        for option in options.starts[position]..<options.starts[position + 1] {
            let hit = options.hits[option]
            if let later, hit.firstToken >= target.unit.endToken {
                // An `or describing` place: its sentence's words say where the unit is, not the unit's own.
                guard let described = assignment[later.binding],
                    placesLater(hit, described, owner: rule.event?.agent.flatMap { assignment[$0] })
                else { continue }
            } else {
                guard constraintsHold(constraints, hit, assignment, target.unit) else { continue }
            }
            placed = true
            assignment[position] = hit
            search(position + 1, &assignment, options, target, &state)
        }
        assignment[position] = nil
        if !placed {
            if rule.mandatory[position] {
                if options.count(of: position) > 0, (state.deepestFailure ?? -1) < position { state.deepestFailure = position }
                return
            }
            search(position + 1, &assignment, options, target, &state)
        }
    }

    private func constraintsHold(_ constraints: [PositionConstraint], _ hit: Hit, _ assignment: [Hit?], _ unit: Segment) -> Bool {
        // A place from the setting (before the unit) is where the sentences before put the story: distances to
        // the unit's words say nothing about it.
        if hit.firstToken < unit.firstToken { return true }
        return constraints.allSatisfy { constraint in
            if let other = assignment[constraint.binding], constraintHolds(constraint, hit, other, unit) { return true }
            return constraint.alternatives.contains { alternative in
                guard let other = assignment[alternative] else { return false }
                return constraintHolds(constraint, hit, other, unit)
            }
        }
    }

    private func constraintHolds(_ constraint: PositionConstraint, _ hit: Hit, _ other: Hit, _ unit: Segment) -> Bool {
        guard constraint.holds(for: hit, relativeTo: other) else { return false }
        if constraint.relation == .describing { return describes(hit, other) }
        guard constraint.withinClause || constraint.outsideAsides else { return true }
        let structure = structures.structure(of: unit, in: text)
        if constraint.outsideAsides, structure.region(hit.firstToken) != 0 { return false }
        return !constraint.withinClause || structure.clause(of: hit.firstToken) == structure.clause(of: other.firstToken)
    }

    private mutating func leaf(_ assignment: [Hit?], _ target: Target, _ state: inout SearchState) {
        let rule = target.rule
        let hits = target.hits
        if let condition = rule.condition, !holds(condition, assignment, hits) {
            state.requireFailed = true
            if explain { state.requireDetail = unmet(condition, assignment, hits, rule) }
            return
        }
        for reject in rule.rejects where rejects(reject, assignment, hits, target.unit) {
            state.rejectedBy = reject.source
            return
        }
        var factuality: Factuality?
        if let event = rule.event {
            let roles = EventRoles(
                verb: assignment[event.verb], agent: event.agent.flatMap { assignment[$0] },
                object: event.object.flatMap { assignment[$0] }, place: event.place.flatMap { assignment[$0] })
            let outcome = state.checked[roles] ?? check(
                event, assignment, target.unit,
                placeTakesSetting: event.place.map { rule.bindings[$0].settingSentences != nil } ?? false)
            state.checked[roles] = outcome
            switch outcome {
            case .success(let reading):
                factuality = reading.factuality
                if explain {
                    explanation.append("\(rule.id) [\(part.rawValue) \(target.unit.start)..<\(target.unit.end)]: event: \(reading.description)")
                }
            case .failure(let failure):
                state.eventFailure = failure.reason
                return
            }
        }
        state.fired += 1
        var found = candidate(rule, assignment, target.unit)
        if let factuality { found.fields.append(MatchField(name: "factuality", value: factuality.rawValue)) }
        candidates.append((target.ruleIndex, found))
    }

    /// The parts of `condition` an assignment does not meet, in words: "no 'place'", "none of 'ai', 'about',
    /// firm[sector=ai]".
    private func unmet(_ condition: RuleCondition, _ assignment: [Hit?], _ hits: ArraySlice<Hit>, _ rule: CompiledRule) -> String {
        func describe(_ condition: RuleCondition) -> String {
            switch condition {
            case .bound(let index, let conditions):
                let name = rule.bindings[index].name
                guard !conditions.isEmpty else { return "'\(name)'" }
                let filter = conditions.map { "\($0.key)\($0.negated ? "!=" : "=")\($0.values.sorted().joined(separator: "|"))" }
                return "\(name)[\(filter.joined(separator: ","))]"
            case .exists: return "a listed word"
            case .not(let inner): return "not \(describe(inner))"
            case .and(let left, let right): return "\(describe(left)) and \(describe(right))"
            case .or(let left, let right): return "\(describe(left)) or \(describe(right))"
            }
        }
        switch condition {
        case .and(let left, let right):
            return [left, right].filter { !holds($0, assignment, hits) }.map { unmet($0, assignment, hits, rule) }
                .joined(separator: "; ")
        case .or:
            return "none of \(describe(condition))"
        case .bound(let index, _) where assignment[index] == nil:
            return "no \(describe(condition))"
        default:
            return "not \(describe(condition))"
        }
    }

    private func holds(_ condition: RuleCondition, _ assignment: [Hit?], _ hits: ArraySlice<Hit>) -> Bool {
        switch condition {
        case .bound(let index, let conditions):
            guard let hit = assignment[index] else { return false }
            let entry = entries(of: hit)[Int(hit.entry)]
            return conditions.allSatisfy { $0.accepts(entry) }
        case .exists(let terms):
            return hits.contains { hit in terms.contains { accepts($0, hit) } }
        case .not(let inner):
            return !holds(inner, assignment, hits)
        case .and(let left, let right):
            return holds(left, assignment, hits) && holds(right, assignment, hits)
        case .or(let left, let right):
            return holds(left, assignment, hits) || holds(right, assignment, hits)
        }
    }

    private func rejects(_ reject: CompiledReject, _ assignment: [Hit?], _ hits: ArraySlice<Hit>, _ unit: Segment) -> Bool {
        // A hit bound to the candidate never vetoes it. A rule has a handful of bindings, so a linear look beats
        // building a Set of them for every leaf of the search.
        return hits.contains { hit in
            guard !assignment.contains(hit), reject.terms.contains(where: { accepts($0, hit) })
            else { return false }
            guard let constraint = reject.constraint else { return true }
            return constraintsHold([constraint], hit, assignment, unit)
        }
    }

    /// A firing, with what dedup and ranking need; the evidence and span texts are cut only for the candidates that
    /// survive dedup (``Candidate/match(rule:text:)``).
    private func candidate(_ rule: CompiledRule, _ assignment: [Hit?], _ unit: Segment) -> Candidate {
        // Arrays sized up front and the one-field dedup key taken as it is: growing the arrays and joining one-element
        // arrays were a quarter of making a candidate.
        let compiledFields = rule.fields
        var fields: [MatchField] = []
        fields.reserveCapacity(compiledFields.count)
        for field in compiledFields {
            if let value = value(of: field.value, assignment) {
                fields.append(MatchField(name: field.name, value: value))
            }
        }
        let dedupFields = rule.dedupFields
        let key: String
        if dedupFields.count == 1 {
            key = fields.first { $0.name == dedupFields[0] }?.value ?? ""
        } else {
            key = dedupFields.map { name in fields.first { $0.name == name }?.value ?? "" }.joined(separator: "\u{1F}")
        }
        var spans: [Candidate.Span] = []
        spans.reserveCapacity(assignment.count)
        var firstToken = Int.max
        for (index, hit) in assignment.enumerated() {
            guard let hit else { continue }
            spans.append(Candidate.Span(binding: index, firstToken: hit.firstToken, endToken: hit.endToken))
            firstToken = min(firstToken, hit.firstToken)
        }
        if spans.isEmpty { firstToken = unit.firstToken }
        let ranks = rule.preferences.map { preference -> Int in
            guard let hit = assignment[preference.binding],
                let value = entries(of: hit)[Int(hit.entry)].attributes[preference.attribute],
                let rank = preference.order.firstIndex(of: value)
            else { return preference.order.count }
            return rank
        }
        return Candidate(
            fields: fields, dedupKey: key, part: part, unit: unit, spans: spans, preferenceRanks: ranks,
            partIndex: partIndex, firstToken: firstToken)
    }

    private func value(of value: FieldValue, _ assignment: [Hit?]) -> String? {
        switch value {
        case .literal(let literal):
            return literal
        case .name(let index):
            guard let hit = assignment[index] else { return nil }
            return entries(of: hit)[Int(hit.entry)].canonical
        case .attribute(let index, let key):
            guard let hit = assignment[index] else { return nil }
            return entries(of: hit)[Int(hit.entry)].attributes[key]
        case .text(let index):
            guard let hit = assignment[index] else { return nil }
            return text.text(from: text.textTokens[hit.firstToken].start, to: text.textTokens[hit.endToken - 1].end)
        }
    }
}
