/// The factuality check of an event: ConText-style cues with their scopes (``FactualityCues``), old years and
/// time frames that make it history.
extension EventAnalysis {
    /// What the sentence says of the event at `verb`, and the cue that says it (nil for plain assertion).
    func factuality(of verb: Hit, agent: Hit?, object: Hit? = nil) -> (Factuality, cue: String?) {
        let s = structure
        var best: (Factuality, String?) = (.asserted, nil)
        func consider(_ kind: Factuality, _ cue: String) {
            if kind.strength > best.0.strength { best = (kind, cue) }
        }
        var index = s.first
        while index < s.end {
            let key = s.key(index)
            // Every cue starting here, longest first: a pseudo-cue among the longest hides the rest ("not only"); a
            // phrase may be a backward cue and start a forward one ("was barred" after the event, "barred from"
            // before it), so each is tried in its own direction.
            let found = FactualityCues.byFirstWord[key]?.filter { matches($0.words, at: index) } ?? []
            guard let longest = found.first else {
                index += 1
                continue
            }
            index += longest.words.count
            if longest.kind == nil { continue }
            for cue in found where cue.kind != nil {
                if let reading = reading(of: cue, at: index - longest.words.count, verb: verb, object: object) {
                    consider(reading.0, reading.1)
                }
            }
        }
        if best.0.strength < Factuality.historical.strength, let year = oldYear(near: verb) {
            consider(.historical, "'in \(year)' in its clause, two or more years before the article")
        }
        if best.0.strength < Factuality.historical.strength, let frame = openingFrame(before: verb) {
            consider(.historical, "'\(frame)' opening the sentence")
        }
        return best
    }

    /// What one cue at `index` says of the event at `verb`, if it reaches it.
    private func reading(of cue: FactualityCues.Cue, at index: Int, verb: Hit, object: Hit?) -> (Factuality, String)? {
        let s = structure
        let cueEnd = index + cue.words.count
        guard var kind = cue.kind else { return nil }
        let phrase = cue.words.joined(separator: " ")
        // A cue in an aside ("Alibaba, which is not listed in New York, opened…") speaks of the aside.
        guard s.region(index) == s.region(verb.firstToken) else { return nil }
        // "in May 2024" is a month.
        if phrase == "may", Self.dateWords.contains(s.key(index - 1)) || Int(s.key(index + 1)) != nil { return nil }
        switch cue.direction {
        case .forward:
            guard cueEnd <= verb.firstToken else { return nil }
            // ConText's window: a cue reaches a few clauses, not a whole long sentence; a denial of a report
            // reaches through the report ("denied a report that the company was setting up…").
            let window = ["denied", "denies", "deny", "denying", "dismissed", "refuted"].contains(phrase) ? 24 : 14
            if text.textTokens[verb.firstToken].wordIndex - text.textTokens[cueEnd - 1].wordIndex > window { return nil }
            if (cueEnd..<verb.firstToken).contains(where: { FactualityCues.terminators.contains(s.key($0)) }) { return nil }
            // "…, and whose founder has not yet visited America, has opened": a cue in a relative clause ends with
            // it, at its comma.
            if let relative = (s.first..<index).last(where: { ["which", "who", "whose"].contains(s.key($0)) }),
                !(relative..<index).contains(where: { s.key($0) == "," }),
                (cueEnd..<verb.firstToken).contains(where: { s.key($0) == "," })
            {
                return nil
            }
            // "Rather than rent space, Zhipu AI built its own lab": the road not taken is a phrase, ended by its comma.
            if phrase == "rather than" || phrase == "instead of", (cueEnd..<verb.firstToken).contains(where: { s.key($0) == "," }) {
                return nil
            }
            // "said it would open" reports a plan; "would" on its own supposes one.
            // So does "said on Thursday that the Guangzhou-based company would open": the reporting verb just
            // before the "that" whose clause "would" is in.
            if phrase == "would" {
                func reported(_ range: Range<Int>) -> Bool { range.contains { FactualityCues.reporting.contains(s.key($0)) } }
                let that = (max(s.first, index - 12)..<index).last { s.key($0) == "that" }
                if reported(max(s.first, index - 6)..<index) || that.map({ reported(max(s.first, $0 - 4)..<$0) }) == true {
                    kind = .announced
                }
            }
            return (kind, "'\(phrase)' before the verb, reaching forward to it")
        case .backward:
            guard index >= verb.endToken else { return nil }
            // Back to the start of the sentence, across "but" ("considered it but decided against it"), not
            // across other terminators ("opened a lab in Austin, while a plan for Boston was shelved").
            let between = verb.endToken..<index
            if between.contains(where: { FactualityCues.terminators.contains(s.key($0)) && s.key($0) != "but" }) { return nil }
            // "hired people from start-ups that have folded": a relative clause on the object of a preposition such
            // as "from" speaks of that noun; on the unit or its place ("opened a lab in Austin that it later
            // closed") it speaks of the event.
            if let object, let relative = between.last(where: { ["that", "which", "who", "whose"].contains(s.key($0)) }),
                relative > object.endToken,
                let preposition = (max(object.endToken, relative - 8)..<relative).last(where: { Self.prepositions.contains(s.key($0)) }),
                !Self.locative.contains(s.key(preposition)), s.key(preposition) != "in"
            {
                return nil
            }
            return (kind, "'\(phrase)' after the verb, reaching back to it")
        }
    }

    private func matches(_ words: [String], at index: Int) -> Bool {
        guard index + words.count <= structure.end else { return false }
        for (offset, word) in words.enumerated() where structure.key(index + offset) != word { return false }
        return true
    }

    /// A time frame that opens the sentence and dates it years back, "Eight years ago," or "In 2017,": it dates
    /// every clause after it ("Eight years ago, its second floor was home to …: an AI office opened by Yitu"), up
    /// to a word that moves the story on ("but", "now", "this year").
    private func openingFrame(before verb: Hit) -> String? {
        let s = structure
        guard let comma = (s.first..<min(s.end, s.first + 6)).first(where: { s.key($0) == "," }), comma < verb.firstToken
        else { return nil }
        let words = (s.first..<comma).map { s.key($0) }
        let agoFrame = words.count >= 2 && words.last == "ago" && ["years", "decades", "decade"].contains(words[words.count - 2])
        var yearFrame = false
        if words.count == 2, words[0] == "in", let year = Int(words[1]), let published = publishedYear {
            yearFrame = year >= 1950 && year <= published - 2
        }
        guard agoFrame || yearFrame else { return nil }
        let movesOn = (comma..<verb.firstToken).contains { index in
            Self.storyMovesOn.contains(s.key(index))
                || (["this", "last"].contains(s.key(index)) && Self.timeUnits.contains(s.key(index + 1)))
        }
        if movesOn { return nil }
        return words.joined(separator: " ")
    }

    /// Words after an opening time frame that bring the story to another time.
    static let storyMovesOn: Set<String> = ["but", "now", "today", "recently", "since", "later", "yet", "however", "still", "again"]
    /// "this year", "last month": with "this" or "last", a time that is not the frame's.
    static let timeUnits: Set<String> = ["year", "month", "week", "quarter", "spring", "summer", "autumn", "fall", "winter"]

    /// A year at least two before publication in the verb's clause ("opened a lab in 2017").
    private func oldYear(near verb: Hit) -> Int? {
        guard let published = publishedYear else { return nil }
        let s = structure
        let clause = s.clause(of: verb.firstToken)
        // "in 2017, when several start-ups set up teams in California": the "when" clause is that year's.
        func dates(_ index: Int) -> Bool {
            s.key(index + 1) == "," && s.key(index + 2) == "when" && verb.firstToken > index + 2
                && !(index + 3..<verb.firstToken).contains { FactualityCues.terminators.contains(s.key($0)) || Self.storyMovesOn.contains(s.key($0)) }
        }
        for index in s.first..<s.end where s.clause(of: index) == clause || abs(index - verb.firstToken) <= 6 || dates(index) {
            let key = s.key(index)
            guard key.count == 4, let year = Int(key), year >= 1950, year <= published - 2 else { continue }
            // "by 2019" and "since 2019" do not date the opening itself.
            let before = s.key(index - 1)
            guard ["in", "of", "back", "late", "early", "mid", "until", "around", "during"].contains(before)
                || Self.months.contains(before) || s.key(index - 2) == "in"
            else { continue }
            return year
        }
        return nil
    }

    /// Months and weekdays: capitalised, but never part of a firm's name.
    static let calendarNames: Set<String> = months.union([
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ])

    static let dateWords: Set<String> = ["in", "since", "of", "early", "late", "mid", "until", "by", "last", "this", "next", "from", "on"]

    static let months: Set<String> = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]
}
