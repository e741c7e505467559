/// A text split into tokens, sentences and paragraphs, ready for matching.
public struct AnalyzedText: Sendable {
    /// The original text as scalars: every offset indexes into this.
    public let scalars: [Unicode.Scalar]
    public let tokens: [Token]
    public let sentences: [Segment]
    public let paragraphs: [Segment]

    public init(_ text: String, tokenizer: Tokenizer = Tokenizer(), segmenter: Segmenter = Segmenter()) {
        let scalars = Array(text.unicodeScalars)
        let tokens = tokenizer.tokenize(scalars: scalars)
        self.scalars = scalars
        self.tokens = tokens
        (self.sentences, self.paragraphs) = segmenter.segment(tokens)
    }

    /// The original text between two scalar offsets.
    public func text(from start: Int, to end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[max(0, start)..<min(end, scalars.count)])
        return String(view)
    }

    /// The original text of a segment.
    public func text(of segment: Segment) -> String {
        text(from: segment.start, to: segment.end)
    }
}
