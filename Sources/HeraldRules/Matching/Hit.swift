/// An occurrence of a list entry in analysed text.
public struct Hit: Sendable, Hashable {
    public var list: Int32
    public var entry: Int32
    /// First token of the occurrence.
    public var firstToken: Int
    /// One past its last token.
    public var endToken: Int
    /// Word index of its first word, for proximity.
    public var firstWord: Int
    /// Word index of its last word.
    public var lastWord: Int

    var tokenLength: Int { endToken - firstToken }

    func contains(_ other: Hit) -> Bool {
        firstToken <= other.firstToken && other.endToken <= endToken
    }

    func overlaps(_ other: Hit) -> Bool {
        firstToken < other.endToken && other.firstToken < endToken
    }
}
