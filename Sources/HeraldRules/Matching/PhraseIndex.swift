/// All list aliases and rule phrases compiled into one token trie, so a single pass over an article finds every
/// hit of every list at once; the cost grows with the article, not with the number of lists or rules.
///
/// The trie is flat (built by ``PhraseIndexBuilder``): a step from the root is an array index, a deeper step a
/// search in a short sorted run; nothing is hashed or reference-counted per step.
struct PhraseIndex: Sendable {
    /// A token of an alias that must match in a given letter case; `nil` in `Pattern.caseChecks` means any case.
    struct CaseCheck: Sendable, Hashable {
        var exact: String
        /// The all-capitals form also accepted (headline style); equal to `exact` when not allowed.
        var upper: String
    }

    struct Pattern: Sendable, Hashable {
        var list: Int32
        var entry: Int32
        var caseChecks: [CaseCheck?]
    }

    /// Token key → token id.
    private(set) var vocabulary = TokenVocabulary()
    /// Token id → the root's child for it, or -1.
    private var rootChildren: [Int32] = []
    /// Node → first index of its children in `childTokens`/`childNodes` (one extra entry at the end).
    private var childStart: [Int32] = [0, 0]
    private var childTokens: [Int32] = []
    private var childNodes: [Int32] = []
    /// Node → first index of the patterns ending at it (one extra entry at the end).
    private var patternStart: [Int32] = [0, 0]
    /// The patterns as parallel arrays: reaching into each pattern's own `caseChecks` array was a cache miss per
    /// candidate pattern, the single hottest instruction of the scan.
    private var patternLists: [Int32] = []
    private var patternEntries: [Int32] = []
    /// Pattern → first index of its case checks in `caseChecks` (one extra entry); an empty run when no token of
    /// the alias has a case rule, which is most of them.
    private var checkStart: [Int32] = [0]
    private var caseChecks: [CaseCheck?] = []
    private(set) var patternCount = 0

    /// An empty index: matches nothing.
    init() {}

    init(
        vocabulary: TokenVocabulary, rootChildren: [Int32], childStart: [Int32], childTokens: [Int32],
        childNodes: [Int32], patternStart: [Int32], patterns: [Pattern], patternCount: Int
    ) {
        self.vocabulary = vocabulary
        self.rootChildren = rootChildren
        self.childStart = childStart
        self.childTokens = childTokens
        self.childNodes = childNodes
        self.patternStart = patternStart
        self.patternLists = patterns.map(\.list)
        self.patternEntries = patterns.map(\.entry)
        for pattern in patterns {
            if pattern.caseChecks.contains(where: { $0 != nil }) { caseChecks += pattern.caseChecks }
            checkStart.append(Int32(caseChecks.count))
        }
        self.patternCount = patternCount
    }

    /// Every raw occurrence of every pattern in `text`, before overlap resolution. The text must have been analysed
    /// with this index's vocabulary: token ids are looked up while tokenising.
    func scan(_ text: AnalyzedText) -> [Hit] {
        let tokens = text.textTokens
        var hits: [Hit] = []
        for start in tokens.indices {
            let id = tokens[start].id
            guard id >= 0 else { continue }
            var node = rootChildren[Int(id)]
            var cursor = start + 1
            while node >= 0 {
                for position in Int(patternStart[Int(node)])..<Int(patternStart[Int(node) + 1])
                where caseMatches(position, text: text, from: start) {
                    hits.append(
                        Hit(
                            list: patternLists[position], entry: patternEntries[position], firstToken: start,
                            endToken: cursor, firstWord: tokens[start].wordIndex, lastWord: Self.lastWord(tokens, start, cursor)))
                }
                guard cursor < tokens.count, tokens[cursor].id >= 0 else { break }
                node = child(of: node, token: tokens[cursor].id)
                cursor += 1
            }
        }
        return hits
    }

    /// The child of a (non-root) node for a token, or -1: a linear look through short runs, binary search otherwise.
    private func child(of node: Int32, token: Int32) -> Int32 {
        var low = Int(childStart[Int(node)])
        var high = Int(childStart[Int(node) + 1])
        while high - low > 8 {
            let middle = (low + high) / 2
            if childTokens[middle] == token { return childNodes[middle] }
            if childTokens[middle] < token { low = middle + 1 } else { high = middle }
        }
        while low < high {
            if childTokens[low] == token { return childNodes[low] }
            low += 1
        }
        return -1
    }

    private static func lastWord(_ tokens: [TextToken], _ start: Int, _ end: Int) -> Int {
        let last = tokens[end - 1]
        return last.isWordLike ? last.wordIndex : max(tokens[start].wordIndex, last.wordIndex - 1)
    }

    private func caseMatches(_ pattern: Int, text: AnalyzedText, from start: Int) -> Bool {
        let first = Int(checkStart[pattern])
        for index in first..<Int(checkStart[pattern + 1]) {
            guard let check = caseChecks[index] else { continue }
            let token = start + index - first
            if !text.tokenText(token, equals: check.exact) && !text.tokenText(token, equals: check.upper) { return false }
        }
        return true
    }
}
