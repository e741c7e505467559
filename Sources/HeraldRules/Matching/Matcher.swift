extension RuleSet {
    /// Matches one article against every rule and returns one match per rule and dedup key.
    ///
    /// The title is analysed as a text of its own; for each part, one scan of the phrase index finds every list
    /// hit, the prefilter picks the rules anchored on the lists that hit, and each such rule is evaluated only in
    /// the sentences (or paragraphs) where an anchor hit. `published` (ISO-8601, as articles carry it) dates the
    /// article, so that an event the text dates years earlier reads as historical.
    public func match(title: String?, body: String, published: String? = nil, explain: Bool = false) -> MatchReport {
        // Every candidate of every rule, in the order found, deduplicated below. A flat array rather than a dictionary
        // per rule keyed by dedup key: an article yields a handful of candidates, and allocating the two dictionary
        // levels (with a generic metadata lookup for each storage) and hashing the keys cost more than sorting them.
        // An article no rule can fire on is not even tokenised; with --explain every rule says why it did not fire.
        if !explain, let prefilter, prefilter.turnsAway(title: title ?? "", body: body) {
            return MatchReport(matches: [], explanation: [], candidateRules: 0)
        }
        var found: [(rule: Int, candidate: Candidate)] = []
        var explanation: [String] = []
        var selectedInTitle: [Int] = []
        var selectedInBody: [Int] = []
        let parts: [(String, TextPart)] = [(title ?? "", .title), (body, .body)]
        var analyzedParts: [AnalyzedText?] = [nil, nil]
        var headline: [ReferenceResolver.HeadlineFirm] = []
        var headlinePlaces: [(list: Int32, entry: Int32)] = []
        for (partIndex, (text, part)) in parts.enumerated() where !text.isEmpty {
            let analyzed = AnalyzedText(text, vocabulary: index.vocabulary)
            analyzedParts[partIndex] = analyzed
            var hits = HitResolver.resolve(index.scan(analyzed), entityLists: entityLists, maskLists: maskLists)
            var articleLists = lists
            if part == .title, let referenceModel {
                headline = ReferenceResolver.headlineFirms(in: analyzed, hits: hits, model: referenceModel)
            }
            if part == .body, let referenceModel, referenceGates.mayNeedReferences(hits) {
                let references = ReferenceResolver(
                    model: referenceModel, lists: lists, text: analyzed, hits: hits, headline: headline
                ).resolve()
                if !references.remapped.isEmpty {
                    for position in hits.indices {
                        if let entry = references.remapped[ReferenceResolver.Result.key(hits[position].list, hits[position].entry)] {
                            hits[position].entry = entry
                        }
                    }
                }
                if !references.hits.isEmpty {
                    hits += references.hits.map { hit in
                        var hit = hit
                        if let entry = references.remapped[ReferenceResolver.Result.key(hit.list, hit.entry)] { hit.entry = entry }
                        return hit
                    }
                    hits.sort(by: Hit.inTextOrder)
                }
                for (list, entries) in references.entries {
                    let original = lists[Int(list)]
                    var extended = GazetteerList(
                        name: original.name, isEntity: original.isEntity, isPhrase: original.isPhrase,
                        entries: original.entries + entries, aliasCount: original.aliasCount, location: original.location)
                    extended.isReferable = true
                    extended.isMask = original.isMask
                    extended.originList = original.originList
                    articleLists[Int(list)] = extended
                }
            }
            if part == .body {
                let bare = QualifiedNames.hits(in: analyzed, hits: hits, entityLists: entityLists)
                if !bare.isEmpty {
                    hits += bare
                    hits.sort(by: Hit.inTextOrder)
                }
            }
            if !sequences.isEmpty {
                let sequenceHits = sequences.flatMap { $0.hits(in: hits, lists: articleLists, sentences: analyzed.sentences) }
                if !sequenceHits.isEmpty {
                    hits += sequenceHits
                    hits.sort(by: Hit.inTextOrder)
                }
            }
            if part == .title { headlinePlaces = RuleEvaluation.headlineSettingCandidates(hits, in: analyzed, lists: lists) }
            let selected = selectRules(hits)
            if part == .title { selectedInTitle = selected } else { selectedInBody = selected }
            guard !selected.isEmpty else { continue }
            var unitHits: [UnitHits?] = [nil, nil, nil]
            var evaluation = RuleEvaluation(
                lists: articleLists, text: analyzed, part: part, partIndex: partIndex, explain: explain,
                publishedYear: published.flatMap { Int($0.prefix(4)) }, partHits: hits,
                headlinePlaces: part == .body ? headlinePlaces : [])
            for ruleIndex in selected {
                let rule = rules[ruleIndex]
                let scope = rule.scope
                let slot = scope == .sentence ? 0 : scope == .paragraph ? 1 : 2
                let cut = unitHits[slot] ?? UnitHits(units: units(of: scope, part: part, in: analyzed), hits: hits)
                unitHits[slot] = cut
                for unit in cut.units(anchoredOn: rule.anchors) {
                    evaluation.evaluate(rule, ruleIndex: ruleIndex, unit: cut.units[unit], hits: cut.hits(in: unit))
                }
            }
            explanation += evaluation.explanation
            found += evaluation.candidates
        }
        let winners = Self.deduplicated(found)
        // Evidence and span texts are cut only now, for the candidates that won dedup.
        let matches = winners.compactMap { winner in
            analyzedParts[winner.candidate.partIndex].map { winner.candidate.match(rule: rules[winner.rule], text: $0) }
        }
        return MatchReport(
            matches: matches, explanation: explanation,
            candidateRules: Self.unionCount(selectedInTitle, selectedInBody))
    }

    /// One candidate per rule and dedup key, the best (``Candidate/isBetter(than:)``, earliest found on a tie), in
    /// text order; candidates tied on position come out by rule, then in the order found.
    private static func deduplicated(_ found: [(rule: Int, candidate: Candidate)]) -> [(rule: Int, candidate: Candidate)] {
        guard found.count > 1 else { return found }
        // Grouped by (rule, key), each group in the order found, so keeping a later candidate only when it is better
        // picks the same winner as replacing a dictionary entry in that order did.
        let grouped = found.indices.sorted { left, right in
            if found[left].rule != found[right].rule { return found[left].rule < found[right].rule }
            let leftKey = found[left].candidate.dedupKey
            let rightKey = found[right].candidate.dedupKey
            if leftKey != rightKey { return leftKey < rightKey }
            return left < right
        }
        var winners: [Int] = []
        winners.reserveCapacity(grouped.count)
        for position in grouped {
            if let last = winners.last, found[last].rule == found[position].rule,
                found[last].candidate.dedupKey == found[position].candidate.dedupKey
            {
                if found[position].candidate.isBetter(than: found[last].candidate) { winners[winners.count - 1] = position }
            } else {
                winners.append(position)
            }
        }
        winners.sort { left, right in
            if found[left].candidate.precedes(found[right].candidate) { return true }
            if found[right].candidate.precedes(found[left].candidate) { return false }
            return (found[left].rule, left) < (found[right].rule, right)
        }
        return winners.map { found[$0] }
    }

    /// The number of distinct rules in two ascending lists without repeats (the candidate rules of title and body).
    private static func unionCount(_ first: [Int], _ second: [Int]) -> Int {
        var count = 0
        var left = 0
        var right = 0
        while left < first.count, right < second.count {
            if first[left] < second[right] {
                left += 1
            } else if second[right] < first[left] {
                right += 1
            } else {
                left += 1
                right += 1
            }
            count += 1
        }
        return count + (first.count - left) + (second.count - right)
    }

    /// The prefilter: the unanchored rules and those anchored on a list that hit, ascending, each once.
    private func selectRules(_ hits: [Hit]) -> [Int] {
        var selected = unanchoredRules
        var lists = hits.map(\.list)
        lists.sort()
        var previous: Int32 = -1
        for list in lists where list != previous {
            previous = list
            let index = Int(list)
            guard index >= 0, index + 1 < anchorStarts.count else { continue }
            let start = anchorStarts[index]
            let end = anchorStarts[index + 1]
            if start < end { selected += anchoredRules[start..<end] }
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
        // The body reports; a headline compresses ("near Seattle" for a team in Bellevue): at equal rank the body's
        // candidate wins.
        if part != other.part { return part == .body }
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
