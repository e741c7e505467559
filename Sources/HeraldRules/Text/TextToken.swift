/// A token as the matcher keeps it: offsets, classification and its phrase-index id, but no `String`s.
///
/// Building a `Token`'s `text` and `key` for every token of every article was the largest single cost of matching
/// (docs/perf-journal.md). An ASCII token's text is the bytes `utf8[byteStart..<byteEnd]` of the article and its key is
/// those bytes lowercased, so neither is stored; a non-ASCII token (NFKC, folded quotes) keeps its normalised text
/// and key in ``AnalyzedText``'s side arrays at `normalized`.
struct TextToken: Sendable {
    /// Scalar offsets into the original text, as in ``Token``.
    var start: Int
    var end: Int
    /// UTF-8 offsets of the same span.
    var byteStart: Int
    var byteEnd: Int
    var wordIndex: Int
    var newlinesBefore: Int32
    /// The token's id in the phrase index's vocabulary, or -1 when no alias has this token.
    var id: Int32
    /// For a token whose normalised text is a single scalar, that scalar's value (the segmenter's enders and
    /// closers are single scalars); `TextToken.noMark` otherwise.
    var mark: UInt32
    /// Index of the normalised text and key in the side arrays, or -1 for an ASCII token (text = its bytes).
    var normalized: Int32
    var kind: Token.Kind
    /// The letter case of the normalised text, for the phrase index's case checks.
    var shape: CaseShape
    /// Whether the normalised text ends with a period (an acronym such as "U.S.").
    var endsWithPeriod: Bool

    static let noMark = UInt32.max

    var isWordLike: Bool {
        kind == .word || kind == .number || kind == .cjk
    }
}

/// The letter case of a token's text. Two tokens with the same key (the same letters, lowercased) and an ASCII text of
/// the same shape, other than `mixed`, have the same text: a case check compares shapes instead of strings.
enum CaseShape: UInt8, Sendable {
    /// No capital letter.
    case lower
    /// At least one capital, no lowercase letter ("AI", "U.S.").
    case upper
    /// A capital first byte, lowercase letters and no other capital ("Velcora").
    case capitalized
    /// Any other mix ("iPhone", "McDonald").
    case mixed
    /// Not ASCII: compared as strings.
    case other

    /// The shape of ASCII text given what its bytes hold.
    @inline(__always)
    init(uppers: Int, lowers: Int, firstIsUpper: Bool) {
        if uppers == 0 {
            self = .lower
        } else if lowers == 0 {
            self = .upper
        } else if firstIsUpper && uppers == 1 {
            self = .capitalized
        } else {
            self = .mixed
        }
    }

    /// The shape of ASCII text given its letter masks (``Tokenizer/analyze(_:vocabulary:)``: the top bit of each byte
    /// that is a capital or a lowercase letter), the first eight bytes' capitals apart from the rest's: the same
    /// shape as from the counts, for `firstUppers == 0x80` says that the first byte is the one capital of the word.
    @inline(__always)
    init(firstUppers: UInt64, laterUppers: UInt64, lowers: UInt64) {
        if firstUppers | laterUppers == 0 {
            self = .lower
        } else if lowers == 0 {
            self = .upper
        } else if firstUppers == 0x80 && laterUppers == 0 {
            self = .capitalized
        } else {
            self = .mixed
        }
    }

    init(of text: String) {
        var uppers = 0
        var lowers = 0
        for byte in text.utf8 {
            if byte >= 0x80 {
                self = .other
                return
            }
            if byte >= 0x41 && byte <= 0x5A { uppers += 1 }
            if byte >= 0x61 && byte <= 0x7A { lowers += 1 }
        }
        let first = text.utf8.first ?? 0
        self.init(uppers: uppers, lowers: lowers, firstIsUpper: first >= 0x41 && first <= 0x5A)
    }
}
