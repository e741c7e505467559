/// All list aliases and rule phrases compiled into one token trie, so a single pass over an article finds every
/// hit of every list at once; the cost grows with the article, not with the number of lists or rules.
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

    struct Node: Sendable {
        var children: [Int32: Int32] = [:]
        var patterns: [Pattern] = []
    }

    private(set) var vocabulary: [String: Int32] = [:]
    private(set) var nodes: [Node] = [Node()]
    private(set) var patternCount = 0

    /// Adds the tokens of one alias, with the case rule it must satisfy.
    mutating func insert(tokens: [Token], list: Int32, entry: Int32, caseMode: CaseMode) {
        guard !tokens.isEmpty else { return }
        var node: Int32 = 0
        var checks: [CaseCheck?] = []
        for token in tokens {
            let id: Int32
            if let known = vocabulary[token.key] {
                id = known
            } else {
                id = Int32(vocabulary.count)
                vocabulary[token.key] = id
            }
            if let child = nodes[Int(node)].children[id] {
                node = child
            } else {
                let child = Int32(nodes.count)
                nodes.append(Node())
                nodes[Int(node)].children[id] = child
                node = child
            }
            checks.append(Self.caseCheck(for: token, mode: caseMode))
        }
        let pattern = Pattern(list: list, entry: entry, caseChecks: checks)
        if !nodes[Int(node)].patterns.contains(pattern) {
            nodes[Int(node)].patterns.append(pattern)
            patternCount += 1
        }
    }

    private static func caseCheck(for token: Token, mode: CaseMode) -> CaseCheck? {
        switch mode {
        case .insensitive:
            return nil
        case .sensitive:
            return token.text == token.key ? nil : CaseCheck(exact: token.text, upper: token.text)
        case .smart:
            // A lowercase alias matches any case; one written with capitals must keep them (or be all capitals).
            guard token.text != token.key else { return nil }
            return CaseCheck(exact: token.text, upper: token.text.uppercased())
        }
    }

    /// Every raw occurrence of every pattern in `tokens`, before overlap resolution.
    func scan(_ tokens: [Token], in range: Range<Int>? = nil) -> [Hit] {
        let range = range ?? tokens.indices
        var ids = [Int32](repeating: -1, count: tokens.count)
        for index in range {
            ids[index] = vocabulary[tokens[index].key] ?? -1
        }
        var hits: [Hit] = []
        for start in range where ids[start] >= 0 {
            var node: Int32 = 0
            var cursor = start
            while cursor < range.upperBound, ids[cursor] >= 0, let child = nodes[Int(node)].children[ids[cursor]] {
                node = child
                cursor += 1
                for pattern in nodes[Int(node)].patterns
                where Self.caseMatches(pattern.caseChecks, tokens: tokens, from: start) {
                    hits.append(
                        Hit(
                            list: pattern.list, entry: pattern.entry, firstToken: start, endToken: cursor,
                            firstWord: tokens[start].wordIndex, lastWord: Self.lastWord(tokens, start, cursor)))
                }
            }
        }
        return hits
    }

    private static func lastWord(_ tokens: [Token], _ start: Int, _ end: Int) -> Int {
        let last = tokens[end - 1]
        return last.isWordLike ? last.wordIndex : max(tokens[start].wordIndex, last.wordIndex - 1)
    }

    private static func caseMatches(_ checks: [CaseCheck?], tokens: [Token], from start: Int) -> Bool {
        for (offset, check) in checks.enumerated() {
            guard let check else { continue }
            let text = tokens[start + offset].text
            if text != check.exact && text != check.upper { return false }
        }
        return true
    }
}
