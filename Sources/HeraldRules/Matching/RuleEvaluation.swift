/// Evaluates one rule over the units (sentences, paragraphs) of one analysed text.
///
/// Bindings are assigned in declaration order by backtracking: a binding's constraints only refer to earlier
/// bindings, so each is checked as soon as its hit is chosen. A binding that `require` does not force is left
/// unbound only when no hit satisfies its constraints, which is what `not binding` means.
struct RuleEvaluation {
    /// Enough for any real sentence; a pathological paragraph stops here instead of running away.
    static let assignmentBudget = 20_000

    /// The rule set's lists, for hits' entries (not the whole `RuleSet`: an evaluation is made per candidate rule).
    let lists: [GazetteerList]
    let rule: CompiledRule
    let text: AnalyzedText
    let part: TextPart
    let partIndex: Int
    let explain: Bool
    private(set) var candidates: [Candidate] = []
    private(set) var explanation: [String] = []

    init(lists: [GazetteerList], rule: CompiledRule, text: AnalyzedText, part: TextPart, partIndex: Int, explain: Bool) {
        self.lists = lists
        self.rule = rule
        self.text = text
        self.part = part
        self.partIndex = partIndex
        self.explain = explain
    }

    mutating func evaluate(unit: Segment, hits: ArraySlice<Hit>) {
        // No anchor check here: RuleSet.match passes only the units where one of the rule's anchors hit
        // (UnitHits.units(anchoredOn:)), and reading the rule's anchors was one more cold cache line per rule.
        let options = rule.bindings.map { binding in
            hits.filter { hit in binding.terms.contains { accepts($0, hit) } }
        }
        var assignment = [Hit?](repeating: nil, count: rule.bindings.count)
        var state = SearchState()
        search(0, &assignment, options, unit, hits, &state)
        guard explain else { return }
        let place = "\(rule.id) [\(part.rawValue) \(unit.start)..<\(unit.end)]"
        if state.fired > 0 {
            let fired = candidates.suffix(state.fired).map { candidate in
                candidate.fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            }
            explanation.append("\(place): fired (\(fired.joined(separator: "; ")))")
        } else if let missing = options.indices.first(where: { options[$0].isEmpty && rule.mandatory[$0] }) {
            explanation.append("\(place): no hit for '\(rule.bindings[missing].name)' (\(rule.bindings[missing].source))")
        } else if let reject = state.rejectedBy {
            explanation.append("\(place): rejected by 'reject \(reject)'")
        } else if state.requireFailed {
            explanation.append("\(place): 'require' not satisfied")
        } else if let stuck = state.deepestFailure {
            explanation.append(
                "\(place): no '\(rule.bindings[stuck].name)' where its constraints hold (\(rule.bindings[stuck].source))")
        }
    }

    private struct SearchState {
        var leaves = 0
        var fired = 0
        var rejectedBy: String?
        var requireFailed = false
        var deepestFailure: Int?
    }

    private func entries(of hit: Hit) -> [GazetteerEntry] { lists[Int(hit.list)].entries }

    /// `term.accepts(hit, entries:)`, with the list compared before the hit's entries are fetched: most (hit, term)
    /// pairs differ in list, and fetching the entries array first cost a retain and a release for each.
    private func accepts(_ term: TermReference, _ hit: Hit) -> Bool {
        guard hit.list == term.list else { return false }
        if term.conditions.isEmpty { return true }
        let entry = lists[Int(hit.list)].entries[Int(hit.entry)]
        return term.conditions.allSatisfy { $0.accepts(entry) }
    }

    private mutating func search(
        _ position: Int, _ assignment: inout [Hit?], _ options: [[Hit]], _ unit: Segment, _ hits: ArraySlice<Hit>,
        _ state: inout SearchState
    ) {
        guard state.leaves < Self.assignmentBudget else { return }
        if position == rule.bindings.count {
            state.leaves += 1
            leaf(assignment, unit, hits, &state)
            return
        }
        let binding = rule.bindings[position]
        var placed = false
        for hit in options[position] where constraintsHold(binding, hit, assignment) {
            placed = true
            assignment[position] = hit
            search(position + 1, &assignment, options, unit, hits, &state)
        }
        assignment[position] = nil
        if !placed {
            if rule.mandatory[position] {
                if !options[position].isEmpty, (state.deepestFailure ?? -1) < position { state.deepestFailure = position }
                return
            }
            search(position + 1, &assignment, options, unit, hits, &state)
        }
    }

    private func constraintsHold(_ binding: CompiledBinding, _ hit: Hit, _ assignment: [Hit?]) -> Bool {
        binding.constraints.allSatisfy { constraint in
            guard let other = assignment[constraint.binding] else { return false }
            return constraint.holds(for: hit, relativeTo: other)
        }
    }

    private mutating func leaf(_ assignment: [Hit?], _ unit: Segment, _ hits: ArraySlice<Hit>, _ state: inout SearchState) {
        if let condition = rule.condition, !holds(condition, assignment, hits) {
            state.requireFailed = true
            return
        }
        for reject in rule.rejects where rejects(reject, assignment, hits) {
            state.rejectedBy = reject.source
            return
        }
        state.fired += 1
        candidates.append(candidate(assignment, unit))
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

    private func rejects(_ reject: CompiledReject, _ assignment: [Hit?], _ hits: ArraySlice<Hit>) -> Bool {
        // A hit bound to the candidate never vetoes it. A rule has a handful of bindings, so a linear look beats
        // building a Set of them for every leaf of the search.
        return hits.contains { hit in
            guard !assignment.contains(hit), reject.terms.contains(where: { accepts($0, hit) })
            else { return false }
            guard let constraint = reject.constraint else { return true }
            guard let other = assignment[constraint.binding] else { return false }
            return constraint.holds(for: hit, relativeTo: other)
        }
    }

    /// A firing, with what dedup and ranking need; the evidence and span texts are cut only for the candidates that
    /// survive dedup (``Candidate/match(rule:text:)``).
    private func candidate(_ assignment: [Hit?], _ unit: Segment) -> Candidate {
        var fields: [MatchField] = []
        for field in rule.fields {
            if let value = value(of: field.value, assignment) {
                fields.append(MatchField(name: field.name, value: value))
            }
        }
        let key = rule.dedupFields.map { name in fields.first { $0.name == name }?.value ?? "" }
            .joined(separator: "\u{1F}")
        var spans: [Candidate.Span] = []
        for (index, hit) in assignment.enumerated() {
            guard let hit else { continue }
            spans.append(Candidate.Span(binding: index, firstToken: hit.firstToken, endToken: hit.endToken))
        }
        let ranks = rule.preferences.map { preference -> Int in
            guard let hit = assignment[preference.binding],
                let value = entries(of: hit)[Int(hit.entry)].attributes[preference.attribute],
                let rank = preference.order.firstIndex(of: value)
            else { return preference.order.count }
            return rank
        }
        let firstToken = assignment.compactMap { $0?.firstToken }.min() ?? unit.firstToken
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
