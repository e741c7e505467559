@testable import HeraldRules

/// The tokenizer as it was before it read UTF-8 directly (commit 350f701), kept as the reference the fast one must
/// agree with token for token.
struct ReferenceTokenizer {

    /// Tokenises `text`. Offsets in the result count Unicode scalars of `text`.
    func tokenize(_ text: String) -> [Token] {
        tokenize(scalars: Array(text.unicodeScalars))
    }

    /// Tokenises an array of scalars; offsets in the result index into `scalars`.
    func tokenize(scalars: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(scalars.count / 5)
        var words = 0
        var newlines = 0
        var index = 0
        let count = scalars.count

        func append(_ kind: Token.Kind, _ start: Int, _ end: Int) {
            let (text, key) = Self.textAndKey(scalars[start..<end])
            tokens.append(
                Token(kind: kind, start: start, end: end, text: text, key: key, wordIndex: words, newlinesBefore: newlines))
            if kind == .word || kind == .number || kind == .cjk { words += 1 }
            newlines = 0
        }

        while index < count {
            let scalar = scalars[index]
            if scalar == "\n" {
                newlines += 1
                index += 1
                continue
            }
            if CharacterClass.isSkippable(scalar) {
                index += 1
                continue
            }
            if CharacterClass.isCJK(scalar) {
                append(.cjk, index, index + 1)
                index += 1
                continue
            }
            if CharacterClass.isWordScalar(scalar) {
                let start = index
                var end = scanWord(scalars, from: index)
                // An acronym ("U.S", "A.I") takes its final period: "U.S." is one token, as in the lists.
                if end < count, scalars[end] == ".", Self.isDottedAcronym(scalars[start..<end]) {
                    end += 1
                }
                let isNumber = scalars[start..<end].allSatisfy { !CharacterClass.isAlphabetic($0) }
                append(isNumber ? .number : .word, start, end)
                index = end
                // A possessive 's (straight or curly apostrophe) becomes its own, non-word token.
                if index + 1 < count, CharacterClass.isApostrophe(scalars[index]),
                    scalars[index + 1] == "s" || scalars[index + 1] == "S",
                    index + 2 >= count || !CharacterClass.isWordScalar(scalars[index + 2])
                {
                    append(.possessive, index, index + 2)
                    index += 2
                }
                continue
            }
            append(.punctuation, index, index + 1)
            index += 1
        }
        return tokens
    }

    /// Scans a word: letters, digits and marks, joined by an apostrophe before a letter ("didn't", "O'Brien"),
    /// or by a period or comma between two word characters ("JD.com", "3.5", "12,416").
    private func scanWord(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        let count = scalars.count
        while index < count {
            let scalar = scalars[index]
            if scalar.isASCII {
                // ASCII letters and digits: the common case, decided without the general classification.
                let value = scalar.value
                let lower = value | 0x20
                if (lower >= 0x61 && lower <= 0x7A) || (value >= 0x30 && value <= 0x39) {
                    index += 1
                    continue
                }
            } else if CharacterClass.isWordScalar(scalar) && !CharacterClass.isCJK(scalar) {
                index += 1
                continue
            }
            guard index + 1 < count, index > start else { break }
            let next = scalars[index + 1]
            if CharacterClass.isApostrophe(scalar) {
                // Stop before a possessive 's so it can be split off.
                let possessive =
                    (next == "s" || next == "S") && (index + 2 >= count || !CharacterClass.isWordScalar(scalars[index + 2]))
                if possessive || !CharacterClass.isAlphabetic(next) { break }
                index += 1
                continue
            }
            if scalar == "." && CharacterClass.isWordScalar(next) && !CharacterClass.isCJK(next) {
                index += 1
                continue
            }
            if scalar == "," && CharacterClass.isDigit(next) && CharacterClass.isDigit(scalars[index - 1]) {
                index += 1
                continue
            }
            break
        }
        return index
    }

    /// "U.S", "A.I", "e.g": single letters separated by periods.
    private static func isDottedAcronym(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        guard scalars.count >= 3 else { return false }
        var expectLetter = true
        for scalar in scalars {
            if expectLetter {
                guard CharacterClass.isAlphabetic(scalar) else { return false }
            } else {
                guard scalar == "." else { return false }
            }
            expectLetter.toggle()
        }
        return !expectLetter
    }

    static func textAndKey(_ scalars: ArraySlice<Unicode.Scalar>) -> (String, String) {
        let text = Tokenizer.normalizedText(scalars)
        return (text, Tokenizer.lowercase(text))
    }
}

/// The segmenter as it was before it read tokens in place (commit 350f701): the reference for the fast one.
struct ReferenceSegmenter {

    func segment(_ tokens: [Token]) -> (sentences: [Segment], paragraphs: [Segment]) {
        var sentences: [Segment] = []
        var paragraphs: [Segment] = []
        guard !tokens.isEmpty else { return ([], []) }
        var sentenceStart = 0
        var paragraphStart = 0

        func close(_ start: Int, _ end: Int, into list: inout [Segment]) {
            guard end > start else { return }
            list.append(Segment(firstToken: start, endToken: end, start: tokens[start].start, end: tokens[end - 1].end))
        }

        for index in 1..<tokens.count {
            // Fields are read in place: copying a `Token` retains its two strings, once per token per check.
            let newlines = tokens[index].newlinesBefore
            let lastSentenceEnd = lastSentenceEnder(before: index, in: tokens, from: sentenceStart)
            let paragraphBreak =
                newlines >= 2 || (newlines == 1 && lastSentenceEnd)
                || (newlines == 1 && looksLikeHeading(tokens, sentenceStart, index))
            if paragraphBreak {
                close(sentenceStart, index, into: &sentences)
                close(paragraphStart, index, into: &paragraphs)
                sentenceStart = index
                paragraphStart = index
                continue
            }
            // Closing quotes and brackets stay with the sentence they close.
            if isCloser(tokens, index) { continue }
            if lastSentenceEnd && isSentenceBoundary(tokens, next: index) {
                close(sentenceStart, index, into: &sentences)
                sentenceStart = index
            }
        }
        close(sentenceStart, tokens.count, into: &sentences)
        close(paragraphStart, tokens.count, into: &paragraphs)
        return (sentences, paragraphs)
    }

    /// Whether the tokens just before `index` (skipping closing quotes and brackets) end with sentence punctuation.
    private func lastSentenceEnder(before index: Int, in tokens: [Token], from start: Int) -> Bool {
        var cursor = index - 1
        while cursor > start, isCloser(tokens, cursor) {
            cursor -= 1
        }
        switch tokens[cursor].kind {
        case .punctuation: return Self.isEnder(tokens[cursor].text)
        // An acronym token keeps its own period ("U.S."): it may end a sentence.
        case .word: return tokens[cursor].text.unicodeScalars.last == "."
        default: return false
        }
    }

    /// Decides whether the period before token `next` ends a sentence, given what precedes and follows it.
    private func isSentenceBoundary(_ tokens: [Token], next: Int) -> Bool {
        var cursor = next - 1
        while cursor > 0, isCloser(tokens, cursor) {
            cursor -= 1
        }
        let ender = tokens[cursor]
        let following = tokens[next]
        // Where the sentence goes on in lower case, the mark was not its end ("approx. five", "\"Really!\" he said").
        if let first = following.text.unicodeScalars.first, Self.isLowercase(first) { return false }
        if ender.text != "." && ender.text.unicodeScalars.last != "." { return true }  // ! ? 。
        if ender.kind == .punctuation && ender.text != "." { return true }
        let before: Token? = ender.kind == .word ? ender : (cursor > 0 ? tokens[cursor - 1] : nil)
        guard let word = before, word.kind == .word else { return true }
        if ender.kind == .punctuation, word.end != ender.start { return true }  // "word ." with a space
        let key = word.key.unicodeScalars.last == "." ? String(word.key.dropLast()) : word.key
        // An initial: "John F. Kennedy".
        if Self.isOneCharacter(key), let scalar = word.text.unicodeScalars.first, Self.isUppercase(scalar) { return false }
        if Abbreviations.neverFinal.contains(key) { return false }
        if Abbreviations.mayBeFinal.contains(key) || word.text.unicodeScalars.last == "." {
            // "in the U.S. The company…" ends; "U.S. Senator Smith" does not.
            return following.kind == .word && Abbreviations.sentenceStarters.contains(following.key)
        }
        return true
    }

    // Case and length checks answered for ASCII without the Unicode tables or grapheme breaking; they run at every
    // sentence end of every article.
    private static func isLowercase(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (scalar.value >= 0x61 && scalar.value <= 0x7A) : scalar.properties.isLowercase
    }

    private static func isUppercase(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (scalar.value >= 0x41 && scalar.value <= 0x5A) : scalar.properties.isUppercase
    }

    /// `text.count == 1`: one byte is one character, and several ASCII bytes are several characters.
    private static func isOneCharacter(_ text: String) -> Bool {
        let bytes = text.utf8.count
        if bytes == 1 { return true }
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return false }
        return text.count == 1
    }

    /// A short line with no sentence punctuation followed by a line break, such as a heading, is its own paragraph.
    private func looksLikeHeading(_ tokens: [Token], _ start: Int, _ index: Int) -> Bool {
        index - start <= 12 && !tokens[start..<index].contains { $0.text == "," }
    }

    /// A closing quote or bracket. A straight quote closes only when attached to what precedes it;
    /// after a space it opens the next sentence.
    private func isCloser(_ tokens: [Token], _ index: Int) -> Bool {
        guard tokens[index].kind == .punctuation, let closer = Self.singleScalar(tokens[index].text), Self.isCloser(closer)
        else { return false }
        if closer == "\"" || closer == "'" {
            return index > 0 && tokens[index - 1].end == tokens[index].start
        }
        return true
    }

    /// The scalar of a one-scalar text. Enders and closers are single scalars, so checking the scalar replaces
    /// hashing the token's text into a `Set<String>` for every token of every article.
    private static func singleScalar(_ text: String) -> Unicode.Scalar? {
        var scalars = text.unicodeScalars.makeIterator()
        guard let first = scalars.next(), scalars.next() == nil else { return nil }
        return first
    }

    /// A member of `enders`.
    private static func isEnder(_ text: String) -> Bool {
        switch singleScalar(text) {
        case ".", "!", "?", "。", "！", "？", "…": return true
        default: return false
        }
    }

    /// A member of `closers`.
    private static func isCloser(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\"", "'", ")", "]", "}", "」", "』", "）": return true
        default: return false
        }
    }

}
/// The resolver as it was before the one-pass version (commit 350f701): the reference it must agree with.
enum ReferenceHitResolver {
    static func resolve(_ raw: [Hit], entityLists: [Bool]) -> [Hit] {
        guard !raw.isEmpty else { return [] }
        // Leftmost-longest per list; different entries with the very same span are all kept (an ambiguous alias).
        let sorted = raw.sorted {
            ($0.list, $0.firstToken, -$0.tokenLength, $0.entry) < ($1.list, $1.firstToken, -$1.tokenLength, $1.entry)
        }
        var kept: [Hit] = []
        kept.reserveCapacity(sorted.count)
        var lastOfList: Hit?
        for hit in sorted {
            if let last = lastOfList, last.list == hit.list, last.overlaps(hit) {
                guard last.firstToken == hit.firstToken && last.endToken == hit.endToken else { continue }
            }
            kept.append(hit)
            lastOfList = hit
        }
        let entities = kept.filter { Int($0.list) < entityLists.count && entityLists[Int($0.list)] }
        var visible = kept
        if !entities.isEmpty {
            visible = kept.filter { hit in
                !entities.contains { entity in
                    entity.list != hit.list && entity.contains(hit) && entity.tokenLength > hit.tokenLength
                }
            }
        }
        return visible.sorted { ($0.firstToken, $0.endToken, $0.list, $0.entry) < ($1.firstToken, $1.endToken, $1.list, $1.entry) }
    }
}
