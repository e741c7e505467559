/// Splits a token stream into sentences and paragraphs.
///
/// A paragraph ends at a blank line, or at a line break after sentence-ending punctuation (scraped text often has
/// one paragraph per line). A sentence ends at `.`, `!`, `?` or their CJK forms, except where a period belongs to an
/// abbreviation ("Sen.", "Calif.", "U.S.") or an initial ("John F. Kennedy") and the text goes on as the same sentence.
public struct Segmenter: Sendable {
    public init() {}

    public func segment(_ tokens: [Token]) -> (sentences: [Segment], paragraphs: [Segment]) {
        segment(TokenArray(tokens: tokens))
    }

    func segment(_ text: AnalyzedText) -> (sentences: [Segment], paragraphs: [Segment]) {
        segment(AnalyzedTokens(text: text))
    }

    private func segment<Tokens: SegmenterTokens>(_ tokens: Tokens) -> (sentences: [Segment], paragraphs: [Segment]) {
        var sentences: [Segment] = []
        var paragraphs: [Segment] = []
        guard tokens.count > 0 else { return ([], []) }
        var sentenceStart = 0
        var paragraphStart = 0

        func close(_ start: Int, _ end: Int, into list: inout [Segment]) {
            guard end > start else { return }
            list.append(Segment(firstToken: start, endToken: end, start: tokens.start(start), end: tokens.end(end - 1)))
        }

        for index in 1..<tokens.count {
            let newlines = tokens.newlinesBefore(index)
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
    private func lastSentenceEnder<Tokens: SegmenterTokens>(before index: Int, in tokens: Tokens, from start: Int) -> Bool {
        var cursor = index - 1
        while cursor > start, isCloser(tokens, cursor) {
            cursor -= 1
        }
        switch tokens.kind(cursor) {
        case .punctuation: return tokens.mark(cursor).map(Self.isEnder) ?? false
        // An acronym token keeps its own period ("U.S."): it may end a sentence.
        case .word: return tokens.endsWithPeriod(cursor)
        default: return false
        }
    }

    /// Decides whether the period before token `next` ends a sentence, given what precedes and follows it.
    /// Runs at every sentence end: it reads marks and flags in place and builds a key `String` only for a word short
    /// enough to be an abbreviation or an initial.
    private func isSentenceBoundary<Tokens: SegmenterTokens>(_ tokens: Tokens, next: Int) -> Bool {
        var cursor = next - 1
        while cursor > 0, isCloser(tokens, cursor) {
            cursor -= 1
        }
        // Where the sentence goes on in lower case, the mark was not its end ("approx. five", "\"Really!\" he said").
        if let first = tokens.firstScalar(next), Self.isLowercase(first) { return false }
        let enderIsPeriod = tokens.mark(cursor) == "."
        if !enderIsPeriod && !tokens.endsWithPeriod(cursor) { return true }  // ! ? 。
        let enderKind = tokens.kind(cursor)
        if enderKind == .punctuation && !enderIsPeriod { return true }
        let before: Int? = enderKind == .word ? cursor : (cursor > 0 ? cursor - 1 : nil)
        guard let word = before, tokens.kind(word) == .word else { return true }
        if enderKind == .punctuation, tokens.end(word) != tokens.start(cursor) { return true }  // "word ." with a space
        let isAbbreviation: Bool
        if let length = tokens.asciiByteCount(word),
            length - (tokens.endsWithPeriod(word) ? 1 : 0) > Abbreviations.longest
        {
            // Longer than any abbreviation, and (ASCII, several letters) not an initial.
            isAbbreviation = false
        } else {
            let wordKey = tokens.key(word)
            let key = wordKey.unicodeScalars.last == "." ? String(wordKey.dropLast()) : wordKey
            // An initial: "John F. Kennedy".
            if Self.isOneCharacter(key), let scalar = tokens.firstScalar(word), Self.isUppercase(scalar) { return false }
            if Abbreviations.neverFinal.contains(key) { return false }
            isAbbreviation = Abbreviations.mayBeFinal.contains(key)
        }
        if isAbbreviation || tokens.endsWithPeriod(word) {
            // "in the U.S. The company…" ends; "U.S. Senator Smith" does not.
            return tokens.kind(next) == .word && Abbreviations.sentenceStarters.contains(tokens.key(next))
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
    private func looksLikeHeading<Tokens: SegmenterTokens>(_ tokens: Tokens, _ start: Int, _ index: Int) -> Bool {
        index - start <= 12 && !(start..<index).contains { tokens.mark($0) == "," }
    }

    /// A closing quote or bracket. A straight quote closes only when attached to what precedes it;
    /// after a space it opens the next sentence.
    private func isCloser<Tokens: SegmenterTokens>(_ tokens: Tokens, _ index: Int) -> Bool {
        guard tokens.kind(index) == .punctuation, let closer = tokens.mark(index), Self.isCloser(closer) else { return false }
        if closer == "\"" || closer == "'" {
            return index > 0 && tokens.end(index - 1) == tokens.start(index)
        }
        return true
    }

    /// The scalar of a one-scalar text. Enders and closers are single scalars, so checking the scalar replaces
    /// hashing the token's text into a `Set<String>` for every token of every article.
    static func singleScalar(_ text: String) -> Unicode.Scalar? {
        var scalars = text.unicodeScalars.makeIterator()
        guard let first = scalars.next(), scalars.next() == nil else { return nil }
        return first
    }

    /// A member of `enders`.
    static func isEnder(_ text: String) -> Bool {
        singleScalar(text).map(isEnder) ?? false
    }

    private static func isEnder(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
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

    static let enders: Set<String> = [".", "!", "?", "。", "！", "？", "…"]
    static let closers: Set<String> = ["\"", "'", ")", "]", "}", "」", "』", "）"]
}

/// What the segmenter reads of a token stream, in place: the checks run on every token and at every sentence end,
/// so they must not build strings; `key(_:)` builds one only for a short word before a period.
private protocol SegmenterTokens {
    var count: Int { get }
    func kind(_ index: Int) -> Token.Kind
    func start(_ index: Int) -> Int
    func end(_ index: Int) -> Int
    func newlinesBefore(_ index: Int) -> Int
    /// The token's normalised text when it is a single scalar.
    func mark(_ index: Int) -> Unicode.Scalar?
    /// Whether the normalised text ends with a period (whatever the kind).
    func endsWithPeriod(_ index: Int) -> Bool
    /// The first scalar of the normalised text.
    func firstScalar(_ index: Int) -> Unicode.Scalar?
    /// The UTF-8 length of an ASCII token's text, `nil` when it is not known to be ASCII.
    func asciiByteCount(_ index: Int) -> Int?
    func key(_ index: Int) -> String
}

/// The tokens of an ``AnalyzedText``, read in place.
private struct AnalyzedTokens: SegmenterTokens {
    let text: AnalyzedText

    var count: Int { text.textTokens.count }
    func kind(_ index: Int) -> Token.Kind { text.textTokens[index].kind }
    func start(_ index: Int) -> Int { text.textTokens[index].start }
    func end(_ index: Int) -> Int { text.textTokens[index].end }
    func newlinesBefore(_ index: Int) -> Int { Int(text.textTokens[index].newlinesBefore) }
    func mark(_ index: Int) -> Unicode.Scalar? {
        let mark = text.textTokens[index].mark
        return mark == TextToken.noMark ? nil : Unicode.Scalar(mark)
    }
    func endsWithPeriod(_ index: Int) -> Bool { text.textTokens[index].endsWithPeriod }
    func firstScalar(_ index: Int) -> Unicode.Scalar? {
        let token = text.textTokens[index]
        if token.normalized >= 0 { return text.normalizedTexts[Int(token.normalized)].unicodeScalars.first }
        return token.byteEnd > token.byteStart ? Unicode.Scalar(text.utf8[token.byteStart]) : nil
    }
    func asciiByteCount(_ index: Int) -> Int? {
        let token = text.textTokens[index]
        return token.normalized >= 0 ? nil : token.byteEnd - token.byteStart
    }
    func key(_ index: Int) -> String { text.key(ofToken: index) }
}

/// Public ``Token``s, for the public `segment(_:)`.
private struct TokenArray: SegmenterTokens {
    let tokens: [Token]

    var count: Int { tokens.count }
    func kind(_ index: Int) -> Token.Kind { tokens[index].kind }
    func start(_ index: Int) -> Int { tokens[index].start }
    func end(_ index: Int) -> Int { tokens[index].end }
    func newlinesBefore(_ index: Int) -> Int { tokens[index].newlinesBefore }
    func mark(_ index: Int) -> Unicode.Scalar? { Segmenter.singleScalar(tokens[index].text) }
    func endsWithPeriod(_ index: Int) -> Bool { tokens[index].text.unicodeScalars.last == "." }
    func firstScalar(_ index: Int) -> Unicode.Scalar? { tokens[index].text.unicodeScalars.first }
    func asciiByteCount(_ index: Int) -> Int? { nil }
    func key(_ index: Int) -> String { tokens[index].key }
}
