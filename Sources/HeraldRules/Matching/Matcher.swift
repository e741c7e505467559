extension RuleSet {
    /// Matches one article against every rule and returns one match per rule and dedup key.
    ///
    /// The title is analysed as a text of its own; for each part, one scan of the phrase index finds every list
    /// hit, the prefilter picks the rules anchored on the lists that hit, and each such rule is evaluated only in
    /// the sentences (or paragraphs) where an anchor hit.
    public func match(title: String?, body: String, explain: Bool = false) -> MatchReport {
        var best: [Int: [String: Candidate]] = [:]
        var explanation: [String] = []
        var candidateRules = Set<Int>()
        let parts: [(String, TextPart)] = [(title ?? "", .title), (body, .body)]
        var analyzedParts: [AnalyzedText?] = [nil, nil]
        for (partIndex, (text, part)) in parts.enumerated() where !text.isEmpty {
            let analyzed = AnalyzedText(text, vocabulary: index.vocabulary)
            analyzedParts[partIndex] = analyzed
            let hits = HitResolver.resolve(index.scan(analyzed), entityLists: entityLists)
            let selected = selectRules(hits)
            candidateRules.formUnion(selected)
            var unitHits: [UnitHits?] = [nil, nil, nil]
            for ruleIndex in selected {
                let rule = rules[ruleIndex]
                let scope = rule.scope
                let slot = scope == .sentence ? 0 : scope == .paragraph ? 1 : 2
                let cut = unitHits[slot] ?? UnitHits(units: units(of: scope, part: part, in: analyzed), hits: hits)
                unitHits[slot] = cut
                var evaluation = RuleEvaluation(
                    lists: lists, rule: rule, text: analyzed, part: part, partIndex: partIndex, explain: explain)
                for unit in cut.units(anchoredOn: rule.anchors) {
                    evaluation.evaluate(unit: cut.units[unit], hits: cut.hits(in: unit))
                }
                explanation += evaluation.explanation
                for candidate in evaluation.candidates {
                    if let current = best[ruleIndex]?[candidate.dedupKey], !candidate.isBetter(than: current) {
                        continue
                    }
                    best[ruleIndex, default: [:]][candidate.dedupKey] = candidate
                }
            }
        }
        // Evidence and span texts are cut only now, for the candidates that won dedup.
        var winners: [(rule: Int, candidate: Candidate)] = []
        for (ruleIndex, byKey) in best {
            for candidate in byKey.values { winners.append((ruleIndex, candidate)) }
        }
        let matches = winners.sorted { $0.candidate.precedes($1.candidate) }
            .compactMap { winner in
                analyzedParts[winner.candidate.partIndex].map { winner.candidate.match(rule: rules[winner.rule], text: $0) }
            }
        return MatchReport(matches: matches, explanation: explanation, candidateRules: candidateRules.count)
    }

    /// The prefilter: the unanchored rules and those anchored on a list that hit, ascending, each once.
    private func selectRules(_ hits: [Hit]) -> [Int] {
        var selected = unanchoredRules
        var lists = hits.map(\.list)
        lists.sort()
        var previous: Int32 = -1
        for list in lists where list != previous {
            previous = list
            if Int(list) < rulesByAnchor.count { selected += rulesByAnchor[Int(list)] }
        }
        selected.sort()
        var unique: [Int] = []
        unique.reserveCapacity(selected.count)
        for rule in selected where unique.last != rule { unique.append(rule) }
        return unique
    }

    private func units(of scope: Scope, part: TextPart, in text: AnalyzedText) -> [Segment] {
        guard let first = text.textTokens.first, let last = text.textTokens.last else { return [] }
        let whole = Segment(firstToken: 0, endToken: text.textTokens.count, start: first.start, end: last.end)
        if part == .title { return [whole] }
        switch scope {
        case .sentence: return text.sentences
        case .paragraph: return text.paragraphs
        case .article: return [whole]
        }
    }
}

/// A possible firing before dedup, with what ranks it against others of the same key.
struct Candidate {
    /// A bound hit, as tokens; its text is cut once the candidate has won.
    struct Span {
        var binding: Int
        var firstToken: Int
        var endToken: Int
    }

    var fields: [MatchField]
    /// The values of the rule's dedup fields, joined.
    var dedupKey: String
    var part: TextPart
    var unit: Segment
    var spans: [Span]
    var preferenceRanks: [Int]
    /// (part, first token): earlier wins ties, and alerts come out in text order. Two integers, not an array: one
    /// allocation less per candidate.
    var partIndex: Int
    var firstToken: Int

    func isBetter(than other: Candidate) -> Bool {
        if preferenceRanks != other.preferenceRanks { return preferenceRanks.lexicographicallyPrecedes(other.preferenceRanks) }
        return precedes(other)
    }

    /// Whether this candidate comes first in text order.
    func precedes(_ other: Candidate) -> Bool {
        (partIndex, firstToken) < (other.partIndex, other.firstToken)
    }

    /// The match, with the evidence and span texts cut from `text`, the analysed part the candidate was found in.
    func match(rule: CompiledRule, text: AnalyzedText) -> RuleMatch {
        let bound = spans.map { span in
            let start = text.textTokens[span.firstToken].start
            let end = text.textTokens[span.endToken - 1].end
            return BoundSpan(name: rule.bindings[span.binding].name, start: start, end: end, text: text.text(from: start, to: end))
        }
        return RuleMatch(
            rule: rule, fields: fields, part: part, evidence: text.text(of: unit), evidenceStart: unit.start,
            evidenceEnd: unit.end, spans: bound, dedupKey: dedupKey)
    }
}
