/// A text split into tokens, sentences and paragraphs, ready for matching.
///
/// The text is kept as UTF-8 and its tokens as offsets into it (``TextToken``): strings are built only for what a
/// match quotes (evidence, spans) and for the rare non-ASCII token. Offsets seen from outside count Unicode scalars.
public struct AnalyzedText: Sendable {
    /// The original text as UTF-8.
    let utf8: [UInt8]
    /// The tokens, with their phrase-index ids when the text was analysed for a phrase index.
    let textTokens: [TextToken]
    /// Normalised text and key of the non-ASCII tokens (`TextToken.normalized` indexes these).
    let normalizedTexts: [String]
    let normalizedKeys: [String]
    /// Scalar offset → UTF-8 offset (one extra entry at the end); empty for ASCII text, where they are equal.
    private let scalarOffsets: [Int]
    let scalarCount: Int
    public private(set) var sentences: [Segment] = []
    public private(set) var paragraphs: [Segment] = []

    /// Analyses `text` without a phrase index (token ids are all -1). `tokenizer` is kept for source compatibility:
    /// a `Tokenizer` has no settings, and analysis uses its UTF-8 path directly.
    public init(_ text: String, tokenizer: Tokenizer = Tokenizer(), segmenter: Segmenter = Segmenter()) {
        self.init(text, vocabulary: nil, segmenter: segmenter)
    }

    /// Analyses `text`, looking each token up in `vocabulary` while tokenising.
    init(_ text: String, vocabulary: TokenVocabulary?, segmenter: Segmenter = Segmenter()) {
        let utf8 = Array(text.utf8)
        let output = utf8.withUnsafeBufferPointer { Tokenizer.analyze($0, vocabulary: vocabulary) }
        self.utf8 = utf8
        self.textTokens = output.tokens
        self.normalizedTexts = output.texts
        self.normalizedKeys = output.keys
        self.scalarCount = output.scalarCount
        if output.isASCII {
            scalarOffsets = []
        } else {
            var offsets: [Int] = []
            offsets.reserveCapacity(output.scalarCount + 1)
            for (offset, byte) in utf8.enumerated() where byte & 0xC0 != 0x80 { offsets.append(offset) }
            offsets.append(utf8.count)
            scalarOffsets = offsets
        }
        (self.sentences, self.paragraphs) = segmenter.segment(self)
    }

    /// The original text as scalars: every offset indexes into this.
    public var scalars: [Unicode.Scalar] { Array(String(decoding: utf8, as: UTF8.self).unicodeScalars) }

    /// The tokens, with their text and key.
    public var tokens: [Token] { textTokens.indices.map(token(at:)) }

    /// Token `index` with its text and key built.
    func token(at index: Int) -> Token {
        let token = textTokens[index]
        return Token(
            kind: token.kind, start: token.start, end: token.end, text: text(ofToken: index), key: key(ofToken: index),
            wordIndex: token.wordIndex, newlinesBefore: Int(token.newlinesBefore))
    }

    /// The normalised text of a token, in its original case.
    func text(ofToken index: Int) -> String {
        let token = textTokens[index]
        if token.normalized >= 0 { return normalizedTexts[Int(token.normalized)] }
        return String(decoding: utf8[token.byteStart..<token.byteEnd], as: UTF8.self)
    }

    /// The lookup key of a token: its text lowercased.
    func key(ofToken index: Int) -> String {
        let token = textTokens[index]
        if token.normalized >= 0 { return normalizedKeys[Int(token.normalized)] }
        return Tokenizer.textAndKey(ascii: utf8[token.byteStart..<token.byteEnd]).1
    }

    /// Whether a token's normalised text is `other`, compared without building the token's text.
    func tokenText(_ index: Int, equals other: String) -> Bool {
        // Out of range is "no": the event checks look a token or two past a hit, which may end the text.
        guard textTokens.indices.contains(index) else { return false }
        let token = textTokens[index]
        if token.normalized >= 0 { return normalizedTexts[Int(token.normalized)] == other }
        // Most tokens differ in length: that test is one subtraction, the byte comparison a generic loop.
        guard other.utf8.count == token.byteEnd - token.byteStart else { return false }
        return other.utf8.elementsEqual(utf8[token.byteStart..<token.byteEnd])
    }

    /// The UTF-8 offset of a scalar offset.
    private func byteOffset(_ scalar: Int) -> Int {
        scalarOffsets.isEmpty ? scalar : scalarOffsets[scalar]
    }

    /// The original text between two scalar offsets.
    public func text(from start: Int, to end: Int) -> String {
        let upper = min(end, scalarCount)
        let lower = max(0, start)
        return String(decoding: utf8[byteOffset(lower)..<byteOffset(upper)], as: UTF8.self)
    }

    /// The original text of a segment.
    public func text(of segment: Segment) -> String {
        text(from: segment.start, to: segment.end)
    }
}
