/// A run of tokens — a sentence or a paragraph — with its place in the original text.
public struct Segment: Sendable, Hashable {
    /// Index of the first token of the segment.
    public var firstToken: Int
    /// One past the index of the last token of the segment.
    public var endToken: Int
    /// Scalar offset of the segment's first character in the original text.
    public var start: Int
    /// Scalar offset one past the segment's last character.
    public var end: Int

    public var tokenRange: Range<Int> { firstToken..<endToken }
}
