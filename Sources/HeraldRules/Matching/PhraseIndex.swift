/// All list aliases and rule phrases compiled into one token trie, so a single pass over an article finds every
/// hit of every list at once; the cost grows with the article, not with the number of lists or rules.
///
/// The trie is flat (built by ``PhraseIndexBuilder``): a step from the root is an array index, a deeper step a
/// search in a short sorted run; nothing is hashed or reference-counted per step. The scan is bound by memory
/// latency, so what one step reads lies together: a node's child and pattern runs in one 16-byte record, a child's
/// token and node side by side, a pattern's list, entry and case-check run in one record, case checks as one byte.
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

    private struct Node {
        var childStart: Int32
        var childEnd: Int32
        var patternStart: Int32
        var patternEnd: Int32
    }

    private struct Child {
        var token: Int32
        var node: Int32
    }

    private struct PatternRecord {
        var list: Int32
        var entry: Int32
        /// The pattern's run in `caseCodes`; empty when no token of the alias has a case rule.
        var checkStart: Int32
        var checkEnd: Int32
    }

    /// A case check reduced to the ``CaseShape``s it accepts. The token being checked has the same key as the
    /// alias token (the same id), so for ASCII texts comparing shapes is comparing the strings.
    private enum CaseCode: UInt8 {
        case any
        /// Exactly the alias's capitalisation, which is `Capitalized`.
        case capitalized
        /// All capitals: the alias is written so, or it is `Capitalized` and headline capitals are accepted.
        case upper
        case capitalizedOrUpper
        /// Compare the strings of `caseChecks` (non-ASCII or mixed-case aliases).
        case strings

        init(_ check: CaseCheck?) {
            guard let check else {
                self = .any
                return
            }
            let upperAllowed = check.upper != check.exact
            // `upper` is `exact.uppercased()` when allowed: for ASCII, the same letters all in capitals.
            guard !upperAllowed || check.upper.utf8.allSatisfy({ $0 < 0x80 }) else {
                self = .strings
                return
            }
            switch CaseShape(of: check.exact) {
            case .upper: self = .upper
            case .capitalized: self = upperAllowed ? .capitalizedOrUpper : .capitalized
            case .lower, .mixed, .other: self = .strings
            }
        }
    }

    /// Token key → token id.
    private(set) var vocabulary = TokenVocabulary()
    /// Token id → the record of the root's child for it (an empty record when there is none): a copy of its entry in
    /// `nodes`, so that the first step of a match, taken at every known token, is one load and not two dependent
    /// cache misses (the root-child index, then the node). Only up to the last token with a child: the builder numbers
    /// the tokens that start an alias first, and a token past the end starts nothing.
    private var rootRecords: [Node] = []
    private var nodes: [Node] = [Node(childStart: 0, childEnd: 0, patternStart: 0, patternEnd: 0)]
    /// Each node's children sorted by token.
    private var children: [Child] = []
    private var patterns: [PatternRecord] = []
    private var caseCodes: [CaseCode] = []
    /// The checks behind `caseCodes`, compared as strings where the code says so.
    private var caseChecks: [CaseCheck?] = []
    private(set) var patternCount = 0
    /// The key of every pattern's first token, by list: what ``ArticlePrefilter`` looks for.
    private(set) var firstKeys: [Int32: Set<String>] = [:]

    /// An empty index: matches nothing.
    init() {}

    /// `childStart` and `patternStart` hold each node's first index into `childTokens`/`childNodes` and `patterns`,
    /// with one extra entry at the end.
    init(
        vocabulary: TokenVocabulary, rootChildren: [Int32], childStart: [Int32], childTokens: [Int32],
        childNodes: [Int32], patternStart: [Int32], patterns: [Pattern], patternCount: Int, firstKeys: [Int32: Set<String>] = [:]
    ) {
        self.vocabulary = vocabulary
        self.firstKeys = firstKeys
        let nodes = (0..<childStart.count - 1).map { node in
            Node(
                childStart: childStart[node], childEnd: childStart[node + 1], patternStart: patternStart[node],
                patternEnd: patternStart[node + 1])
        }
        self.nodes = nodes
        let empty = Node(childStart: 0, childEnd: 0, patternStart: 0, patternEnd: 0)
        let rootEnd = (rootChildren.lastIndex { $0 >= 0 } ?? -1) + 1
        self.rootRecords = rootChildren[..<rootEnd].map { $0 >= 0 ? nodes[Int($0)] : empty }
        self.children = zip(childTokens, childNodes).map { Child(token: $0, node: $1) }
        for pattern in patterns {
            let start = Int32(caseCodes.count)
            if pattern.caseChecks.contains(where: { $0 != nil }) {
                caseCodes += pattern.caseChecks.map(CaseCode.init)
                caseChecks += pattern.caseChecks
            }
            self.patterns.append(
                PatternRecord(list: pattern.list, entry: pattern.entry, checkStart: start, checkEnd: Int32(caseCodes.count)))
        }
        self.patternCount = patternCount
    }

    /// Every raw occurrence of every pattern in `text`, before overlap resolution. The text must have been analysed
    /// with this index's vocabulary: token ids are looked up while tokenising.
    func scan(_ text: AnalyzedText) -> [Hit] {
        let tokens = text.textTokens
        var hits: [Hit] = []
        let rootCount = UInt32(truncatingIfNeeded: rootRecords.count)
        for start in tokens.indices {
            let id = tokens[start].id
            // Unknown tokens (-1) and tokens that start no alias, in one unsigned comparison.
            guard UInt32(bitPattern: id) < rootCount else { continue }
            var record = rootRecords[Int(id)]
            var cursor = start + 1
            while true {
                for position in Int(record.patternStart)..<Int(record.patternEnd) {
                    let pattern = patterns[position]
                    guard pattern.checkStart == pattern.checkEnd || caseMatches(pattern, text: text, from: start) else {
                        continue
                    }
                    hits.append(
                        Hit(
                            list: pattern.list, entry: pattern.entry, firstToken: start, endToken: cursor,
                            firstWord: tokens[start].wordIndex, lastWord: Self.lastWord(tokens, start, cursor)))
                }
                guard record.childStart < record.childEnd, cursor < tokens.count, tokens[cursor].id >= 0 else { break }
                let node = child(of: record, token: tokens[cursor].id)
                guard node >= 0 else { break }
                record = nodes[Int(node)]
                cursor += 1
            }
        }
        return hits
    }

    /// The child of a (non-root) node for a token, or -1: a linear look through short runs, binary search otherwise.
    private func child(of node: Node, token: Int32) -> Int32 {
        var low = Int(node.childStart)
        var high = Int(node.childEnd)
        while high - low > 8 {
            let middle = (low + high) / 2
            let child = children[middle]
            if child.token == token { return child.node }
            if child.token < token { low = middle + 1 } else { high = middle }
        }
        while low < high {
            if children[low].token == token { return children[low].node }
            low += 1
        }
        return -1
    }

    private static func lastWord(_ tokens: [TextToken], _ start: Int, _ end: Int) -> Int {
        let last = tokens[end - 1]
        return last.isWordLike ? last.wordIndex : max(tokens[start].wordIndex, last.wordIndex - 1)
    }

    private func caseMatches(_ pattern: PatternRecord, text: AnalyzedText, from start: Int) -> Bool {
        let first = Int(pattern.checkStart)
        for index in first..<Int(pattern.checkEnd) {
            let code = caseCodes[index]
            if code == .any { continue }
            let token = start + index - first
            let shape = text.textTokens[token].shape
            switch code {
            case .any: continue
            case .capitalized where shape != .other: if shape != .capitalized { return false }
            case .upper where shape != .other: if shape != .upper { return false }
            case .capitalizedOrUpper where shape != .other: if shape != .capitalized && shape != .upper { return false }
            default:
                guard let check = caseChecks[index] else { continue }
                if !text.tokenText(token, equals: check.exact) && !text.tokenText(token, equals: check.upper) { return false }
            }
        }
        return true
    }
}
