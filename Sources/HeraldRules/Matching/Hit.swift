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

    /// Text order: by first token, then end, list and entry. The order the resolver returns hits in, which every
    /// binary search over hits relies on.
    static func inTextOrder(_ left: Hit, _ right: Hit) -> Bool {
        (left.firstToken, left.endToken, left.list, left.entry) < (right.firstToken, right.endToken, right.list, right.entry)
    }
}

extension RandomAccessCollection where Element == Hit, Index == Int {
    /// The index of the first hit starting at or after `token`, by binary search: the hits must be sorted by first
    /// token (``Hit/inTextOrder(_:_:)``).
    func firstIndex(startingAtOrAfter token: Int) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = (low + high) / 2
            if self[middle].firstToken < token { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

