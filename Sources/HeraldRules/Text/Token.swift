/// One unit of analysed text: a word, a number, a CJK character or a punctuation mark.
///
/// Offsets count Unicode scalar values (code points) into the original text, the way Python indexes strings,
/// so a client can quote the exact span it was shown.
public struct Token: Sendable, Hashable {
    /// What a token is made of; only word-like tokens count towards proximity distances.
    public enum Kind: UInt8, Sendable {
        case word
        case number
        /// A Han, kana or Hangul character: CJK text has no spaces, so each character is matched on its own.
        case cjk
        case punctuation
        /// The `'s` split off a possessive, so "Silicon Valley's" still matches "Silicon Valley".
        case possessive
    }

    public var kind: Kind
    /// First scalar of the token in the original text.
    public var start: Int
    /// One past the last scalar of the token in the original text.
    public var end: Int
    /// The token after NFKC normalisation and quote/dash folding, in its original case.
    public var text: String
    /// `text` lowercased: what the phrase index looks up.
    public var key: String
    /// Number of word-like tokens before this one; proximity is measured in these.
    public var wordIndex: Int
    /// Line breaks between the previous token and this one (2 or more is a blank line).
    public var newlinesBefore: Int

    /// Whether the token counts as a word for proximity (`within N`).
    public var isWordLike: Bool {
        kind == .word || kind == .number || kind == .cjk
    }
}
