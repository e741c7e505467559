/// A text split into tokens, sentences and paragraphs, ready for matching.
public struct AnalyzedText: Sendable {
    /// The original text as scalars: every offset indexes into this.
    public let scalars: [Unicode.Scalar]
    public let tokens: [Token]
    public let sentences: [Segment]
    public let paragraphs: [Segment]

    public init(_ text: String, tokenizer: Tokenizer = Tokenizer(), segmenter: Segmenter = Segmenter()) {
        let scalars = Self.scalars(of: text)
        let tokens = tokenizer.tokenize(scalars: scalars)
        self.scalars = scalars
        self.tokens = tokens
        (self.sentences, self.paragraphs) = segmenter.segment(tokens)
    }

    /// The scalars of a text. ASCII text (most news) is widened byte by byte, which skips UTF-8 decoding and the
    /// separate pass that counting the scalars costs.
    static func scalars(of text: String) -> [Unicode.Scalar] {
        let ascii: [Unicode.Scalar]? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return bytes.map { Unicode.Scalar($0) }
        } ?? nil
        return ascii ?? Array(text.unicodeScalars)
    }

    /// The original text between two scalar offsets.
    ///
    /// Evidence sentences and spans are cut for every candidate, so ASCII text is copied as bytes: appending scalars
    /// one by one to a `String` was a visible share of matching time.
    public func text(from start: Int, to end: Int) -> String {
        let slice = scalars[max(0, start)..<min(end, scalars.count)]
        guard slice.allSatisfy({ $0.isASCII }) else {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: slice)
            return String(view)
        }
        return String(unsafeUninitializedCapacity: slice.count) { buffer in
            for (offset, scalar) in slice.enumerated() { buffer[offset] = UInt8(truncatingIfNeeded: scalar.value) }
            return slice.count
        }
    }

    /// The original text of a segment.
    public func text(of segment: Segment) -> String {
        text(from: segment.start, to: segment.end)
    }
}
