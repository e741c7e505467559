/// What a `when` sentence did wrong: each unmapped word with the words its slot knows, missing slots, and the
/// readings of an ambiguous sentence.
extension SentenceCompiler {
    /// One error per unknown word, missing slot or trailing word of the cheapest readings. When those readings
    /// disagree on which slot a word stands in ("a Californian AI team": a place, or an object modifier?), the
    /// error names every slot it could be.
    func unmapped(_ result: SentenceParser.Result, sentence: Syntax.Sentence) -> [Diagnostic] {
        guard !result.readings.isEmpty else {
            return [Diagnostic(.error, at: sentence.span, "cannot read this sentence", hint: grammarHint)]
        }
        var unknown: [Int: [Lexicon.Slot]] = [:]
        var missing: [Int: [Lexicon.Slot]] = [:]
        var extra = Set<Int>()
        for reading in result.readings {
            for part in reading {
                switch part {
                case .entry: continue
                case .unknown(let slot, let index):
                    if !(unknown[index] ?? []).contains(slot) { unknown[index, default: []].append(slot) }
                case .missing(let slot, let index):
                    if !(missing[index] ?? []).contains(slot) { missing[index, default: []].append(slot) }
                case .extra(let index):
                    extra.insert(index)
                }
            }
        }
        // Reported in sentence order; at one word, an unknown word before a missing slot before a trailing word.
        var events: [(Int, Int, Diagnostic)] = []
        for (index, slots) in unknown {
            let word = sentence.words[index]
            let what = slots.map(\.title).joined(separator: " or ")
            let forms = slots.flatMap { lexicon.forms($0) }
            let suggestion = Suggestion.closest(to: word.text, in: forms).map { "did you mean '\($0)'? " } ?? ""
            let known = slots.map { "known \($0.plural): \(knownList($0))" }.joined(separator: "; ")
            events.append((index, 0, Diagnostic(.error, at: word.span, "unknown \(what) '\(word.text)'", hint: suggestion + known)))
        }
        for (index, slots) in missing {
            let what = slots.map(\.title).joined(separator: " or ")
            let span: Syntax.Span
            let place: String
            if index < sentence.words.count {
                span = sentence.words[index].span
                place = index > 0 ? "between '\(sentence.words[index - 1].text)' and '\(sentence.words[index].text)'" : "at the start"
            } else {
                var end = sentence.words[sentence.words.count - 1].span
                end.location.column += end.length
                end.length = 1
                span = end
                place = "at the end"
            }
            let known = slots.map { "known \($0.plural): \(knownList($0))" }.joined(separator: "; ")
            events.append((index, 1, Diagnostic(.error, at: span, "missing \(what) \(place)", hint: known)))
        }
        for index in extra.sorted() where unknown[index] == nil {
            let word = sentence.words[index]
            events.append(
                (index, 2, Diagnostic(
                    .error, at: word.span, "unexpected '\(word.text)' after the end of the sentence",
                    hint: "a sentence ends with its object or with 'in PLACE'; \(grammarHint)")))
        }
        return events.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    /// Several readings of a sentence with every word known. When they split the words the same way and differ
    /// only in which entry a word is, the lexicon defines that word twice; otherwise the sentence splits two ways.
    func ambiguity(_ readings: [[SentenceParser.Part]], sentence: Syntax.Sentence) -> [Diagnostic] {
        let shapes = Set(readings.map { $0.map(shape) })
        if shapes.count == 1 {
            var diagnostics: [Diagnostic] = []
            let count = readings.first?.count ?? 0
            for position in 0..<count {
                let entries = unique(readings.compactMap { reading -> Int? in
                    guard case .entry(_, let entry, _) = reading[position] else { return nil }
                    return entry
                })
                guard entries.count > 1, case .entry(let slot, _, let range) = readings[0][position] else { continue }
                let words = sentence.words[range].map(\.text).joined(separator: " ")
                let readingsText = entries.map { "\(lexicon.entries[$0].span.location) reads it as \(fragment(lexicon.entries[$0]))" }
                diagnostics.append(
                    Diagnostic(
                        .error, at: sentence.words[range.lowerBound].span,
                        "ambiguous \(slot.title) '\(words)': the lexicon defines it \(entries.count) times",
                        hint: readingsText.joined(separator: "; ") + "; keep one entry"))
            }
            return diagnostics
        }
        let common = Set(readings.dropFirst().reduce(Set(readings[0])) { $0.intersection($1) })
        let described = readings.enumerated().map { offset, reading in
            "\(offset + 1)) " + reading.filter { !common.contains($0) }.map { describe($0, sentence: sentence) }.joined(separator: " + ")
        }
        return [
            Diagnostic(
                .error, at: sentence.span, "ambiguous sentence: it can be read \(readings.count) ways",
                hint: described.joined(separator: "; ") + "; reword it, or remove one of the lexicon entries"),
        ]
    }

    private func shape(_ part: SentenceParser.Part) -> String {
        if case .entry(let slot, _, let range) = part { return "\(slot.rawValue)\(range)" }
        return "\(part)"
    }

    private func unique(_ values: [Int]) -> [Int] {
        var seen = Set<Int>()
        return values.filter { seen.insert($0).inserted }
    }

    private func describe(_ part: SentenceParser.Part, sentence: Syntax.Sentence) -> String {
        guard case .entry(let slot, let index, let range) = part else { return "\(part)" }
        let words = sentence.words[range].map(\.text).joined(separator: " ")
        return "\(slot.title) '\(words)' = \(fragment(lexicon.entries[index])) (\(lexicon.entries[index].span.location))"
    }

    func fragment(_ entry: Lexicon.Entry) -> String {
        entry.slot == .nationality ? RulePrinter.conditions(entry.conditions) : RulePrinter.terms(entry.terms)
    }

    private func knownList(_ slot: Lexicon.Slot) -> String {
        let known = lexicon.known(slot)
        guard !known.isEmpty else { return "none (add '\(slot.rawValue) WORD = …' to the lexicon)" }
        let shown = known.prefix(12).joined(separator: ", ")
        return known.count > 12 ? shown + ", …" : shown
    }

    var grammarHint: String {
        "the grammar is: when [a|an|any|the] [NATIONALITY] SUBJECT VERB [a|an|the|its|their|any] [PLACE] [MODIFIER…] "
            + "[OBJECT] [in [the] PLACE]"
    }
}
