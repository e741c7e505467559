/// Reading firm names and the phrases that introduce them: where a capitalised name starts and ends, and the
/// appositive that places a firm ("Qingyu Robotics, a start-up from Hangzhou").
extension ReferenceResolver {
    /// The "a"/"an" of an appositive that places its firm with a preposition before the origin at `origin`: ", a
    /// start-up from Hangzhou", ", a robotics company based in Shenzhen", ", an AI lab headquartered in Beijing".
    /// Nil unless an organisation noun stands right before the preposition and only lower-case words lead back to
    /// the article, itself right after a comma.
    func appositiveArticle(beforeOriginAt origin: Int, _ key: (Int) -> String) -> Int? {
        var cursor = origin - 1
        switch key(cursor) {
        case "from": cursor -= 1
        case "in":
            cursor -= 1
            if key(cursor) == "based" || key(cursor) == "headquartered" { cursor -= 1 }
        default: return nil
        }
        // "start-up" is three tokens.
        if key(cursor) == "up", key(cursor - 1) == "-", key(cursor - 2) == "start" {
            cursor -= 2
        } else if !Self.organisationNouns.contains(key(cursor)) {
            return nil
        }
        var steps = 0
        while cursor > 1, steps < 6 {
            cursor -= 1
            steps += 1
            let word = key(cursor)
            if word == "a" || word == "an" { return key(cursor - 1) == "," ? cursor : nil }
            let token = text.textTokens[cursor]
            guard word == "-" || (token.kind == .word && (token.shape == .lower || word == "ai")) else { return nil }
        }
        return nil
    }

    /// Whether the capitalised words before `end` are a trade, not a name: "Beijing-based PC and server maker",
    /// "a Shenzhen-based EV maker" — lowercase words lead on to an organisation noun.
    func describesTrade(after end: Int, _ key: (Int) -> String, _ capitalized: [Bool]) -> Bool {
        var index = end
        while index < min(capitalized.count, end + 4), !capitalized[index], text.textTokens[index].kind == .word {
            if Self.organisationNouns.contains(key(index)) { return true }
            index += 1
        }
        return false
    }

    /// A capitalised name starting at `first`: up to four capitalised tokens, not inside a listed hit.
    func nameSpan(from first: Int, _ key: (Int) -> String, _ capitalized: [Bool], _ covered: [Bool]) -> (Int, Int)? {
        guard first >= 0, first < capitalized.count, !covered[first], !Self.nameStoppers.contains(key(first)),
            !Self.notNames.contains(key(first))
        else { return nil }
        var end = first
        while end < capitalized.count, end - first < 4, capitalized[end] || (key(end) == "." && end + 1 < capitalized.count && !capitalized[end + 1] && text.textTokens[end + 1].start == text.textTokens[end].end && text.textTokens[end + 1].kind == .word), !covered[end],
            end == first || !lineBreak(before: end)
        {
            if key(end) == "." { end += 2; continue }
            end += 1
        }
        // "Technology Co.", "Robotics Inc.": the abbreviation's period belongs to the name.
        if end > first, end < capitalized.count, Self.abbreviatedSuffixes.contains(key(end - 1)), key(end) == ".",
            text.textTokens[end].start == text.textTokens[end - 1].end
        {
            end += 1
        }
        return end > first ? (first, end) : nil
    }

    /// Whether a line ends before token `index` (the tokenizer counts them): a headline ("A Beijing newcomer in
    /// Midtown") and the paragraph after it are never one name.
    func lineBreak(before index: Int) -> Bool {
        index < text.textTokens.count && text.textTokens[index].newlinesBefore > 0
    }

    /// The name an origin at `index` introduces when the name stands before it, or nil: after a founding participle
    /// ("Lingbo Vision, founded in Suzhou in 2024,", "Lingxi is headquartered in Beijing", "Lingxi Robotics, which is
    /// based in Shenzhen,"), in parentheses ("Lingxi Robotics (Beijing)"), or, with an organisation noun after the
    /// origin, in an appositive or a copula ("Lianyun Dynamics, a Shenzhen robot maker", "…, a leading Chinese
    /// developer of", "Harbourline is a Hong Kong company", "…, the Chinese robot maker,", "…, one of China's
    /// fastest-growing robot makers,").
    func nameBefore(
        origin index: Int, originEnd: Int, sawNoun: Bool, _ key: (Int) -> String, _ capitalized: [Bool], _ covered: [Bool],
        _ sentenceStart: [Int]
    ) -> (Int, Int)? {
        func name(endingAt end: Int) -> (Int, Int)? { nameSpanBefore(end, key, capitalized, covered, sentenceStart) }
        if Self.foundingWords.contains(key(index - 2)), key(index - 1) == "in" {
            if key(index - 3) == ",", let span = name(endingAt: index - 3) { return span }
            if ["is", "was"].contains(key(index - 3)) {
                if let span = name(endingAt: index - 3) { return span }
                if key(index - 4) == "which", key(index - 5) == ",", let span = name(endingAt: index - 5) { return span }
            }
        }
        if key(index - 1) == "(", key(originEnd) == ")", let span = name(endingAt: index - 1) { return span }
        guard sawNoun else { return nil }
        // The article may be a few words back: "a leading Chinese developer".
        var article = index - 1
        while article > index - 4, article > 0, !capitalized[article], !["a", "an", ",", "."].contains(key(article)) {
            article -= 1
        }
        if key(article) == "a" || key(article) == "an", key(article - 1) == "," || ["is", "was"].contains(key(article - 1)),
            let span = name(endingAt: article - 1)
        {
            return span
        }
        if key(index - 1) == "the", key(index - 2) == "," { return name(endingAt: index - 2) }
        if key(index - 1) == "of", key(index - 2) == "one", key(index - 3) == "," { return name(endingAt: index - 3) }
        return nil
    }

    /// Whether a key is a year: four digits from 1900 to 2099.
    static func isYear(_ key: String) -> Bool {
        key.count == 4 && (key.hasPrefix("19") || key.hasPrefix("20")) && key.allSatisfy(\.isNumber)
    }

    /// Whether the capitalised name at `first..<end` shows itself a firm's: it ends in a word of the trade ("Tianqiong
    /// Microelectronics", "Lumiwei Robotics") or goes on as firms are introduced (", founded in", ", which", ",
    /// based in") — not a person's ("Li Wei, the company's founder, said").
    func isFirmName(_ first: Int, _ end: Int, _ key: (Int) -> String) -> Bool {
        if Self.genericNameWords.contains(key(end - 1)) && key(end - 1) != "the" { return true }
        guard key(end) == "," else { return false }
        return ["founded", "which", "based", "headquartered", "established"].contains(key(end + 1))
    }

    /// A capitalised name ending just before `end`, with a short form in parentheses skipped: `Beijing Shuzhi
    /// Cognitive Technology ("Shuzhi"), a …`.
    func nameSpanBefore(_ end: Int, _ key: (Int) -> String, _ capitalized: [Bool], _ covered: [Bool], _ sentenceStart: [Int]) -> (Int, Int)? {
        var end = end
        guard end > 0, end <= capitalized.count else { return nil }
        // Past a listing or a release's defined terms: "(HKEX: 2228)", "(\"Shenwei\" or \"the Company\")".
        if key(end - 1) == ")", let open = (max(0, end - 12)..<(end - 1)).last(where: { key($0) == "(" }) {
            end = open
        }
        var first = end
        while first - 1 >= 0, end - first < 4, capitalized[first - 1], !covered[first - 1], first - 1 >= sentenceStart[end - 1],
            !lineBreak(before: first)
        {
            first -= 1
        }
        while first < end, ["The", "In", "On", "At", "A", "An"].contains(text.text(ofToken: first)) { first += 1 }
        // "Separately, the Hangzhou-based e-commerce giant…": a sentence's opening adverb is no name.
        if end - first == 1, first == sentenceStart[first], Self.isSentenceAdverb(key(first)) { return nil }
        return first < end ? (first, end) : nil
    }

    /// Words that open a sentence and link it to the one before: "Separately,", "Meanwhile,", "Earlier,".
    static func isSentenceAdverb(_ key: String) -> Bool {
        (key.hasSuffix("ly") && key.count > 4) || sentenceAdverbs.contains(key)
    }

    static let sentenceAdverbs: Set<String> = [
        "meanwhile", "however", "also", "elsewhere", "still", "earlier", "later", "now", "today", "yesterday",
        "instead", "moreover", "furthermore", "nonetheless", "nevertheless", "indeed", "overall", "likewise",
        "besides", "again", "then", "next", "first", "second", "third", "last", "thus", "hence", "otherwise",
    ]

    /// The longest form the article writes a one-word name in, with words of the trade after it ("Harbourline" →
    /// "Harbourline AI", "Kexin" → "Kexin Robotics"): the span of that form's first occurrence, or the name's own.
    func fullForm(_ first: Int, _ end: Int, _ capitalized: [Bool]) -> (Int, Int) {
        guard end - first == 1 else { return (first, end) }
        let count = text.textTokens.count
        let id = text.textTokens[first].id
        var best = (first, end)
        for index in 0..<count where index != first && (id < 0 || text.textTokens[index].id == id) {
            guard text.tokenText(index, equals: text.text(ofToken: first)) else { continue }
            var stop = index + 1
            while stop < count, stop - index <= 3, capitalized[stop], text.textTokens[stop].newlinesBefore == 0,
                Self.genericNameWords.contains(text.key(ofToken: stop)), !Self.abbreviatedSuffixes.contains(text.key(ofToken: stop))
            {
                stop += 1
            }
            if stop - index > best.1 - best.0 { best = (index, stop) }
        }
        return best
    }
}
