/// Collects every alias into a trie of dictionaries while a rule set compiles; `build()` flattens it into the
/// array-based ``PhraseIndex`` that articles are scanned with. Building wants cheap insertion, scanning wants no
/// hashing and no reference counting per step, so the two shapes are kept apart.
struct PhraseIndexBuilder {
    private struct Node {
        var children: [Int32: Int32] = [:]
        var patterns: [PhraseIndex.Pattern] = []
    }

    private var vocabulary: [String: Int32] = [:]
    private var nodes: [Node] = [Node()]
    private var patternCount = 0
    private var firstKeys: [Int32: Set<String>] = [:]

    /// Adds the tokens of one alias, with the case rule it must satisfy.
    mutating func insert(tokens: [Token], list: Int32, entry: Int32, caseMode: CaseMode) {
        guard let first = tokens.first else { return }
        firstKeys[list, default: []].insert(first.key)
        var node: Int32 = 0
        var checks: [PhraseIndex.CaseCheck?] = []
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
        let pattern = PhraseIndex.Pattern(list: list, entry: entry, caseChecks: checks)
        if !nodes[Int(node)].patterns.contains(pattern) {
            nodes[Int(node)].patterns.append(pattern)
            patternCount += 1
        }
    }

    private static func caseCheck(for token: Token, mode: CaseMode) -> PhraseIndex.CaseCheck? {
        switch mode {
        case .insensitive:
            return nil
        case .sensitive:
            return token.text == token.key ? nil : PhraseIndex.CaseCheck(exact: token.text, upper: token.text)
        case .smart:
            // A lowercase alias matches any case; one written with capitals must keep them (or be all capitals).
            guard token.text != token.key else { return nil }
            return PhraseIndex.CaseCheck(exact: token.text, upper: token.text.uppercased())
        }
    }

    /// The flat index: the root's children in an array indexed by token id (the root is where every scan step
    /// starts), every other node's children as a sorted run of (token, child) pairs, patterns as runs too.
    ///
    /// Tokens are renumbered so that those starting an alias come first: the scan then tells from a token's id
    /// alone whether a match can start there, without loading the root's (empty) record for every other token of the
    /// vocabulary ("of", "new", the later words of names), and the root's records are fewer and closer together.
    func build() -> PhraseIndex {
        // Old id → new id: the root's children in their old order, then every other token in its old order.
        var renumbered = [Int32](repeating: -1, count: vocabulary.count)
        var next: Int32 = 0
        for token in nodes[0].children.keys.sorted() {
            renumbered[Int(token)] = next
            next += 1
        }
        for token in renumbered.indices where renumbered[token] < 0 {
            renumbered[token] = next
            next += 1
        }
        var rootChildren = [Int32](repeating: -1, count: vocabulary.count)
        for (token, child) in nodes[0].children { rootChildren[Int(renumbered[Int(token)])] = child }
        var childStart: [Int32] = [0]
        var childTokens: [Int32] = []
        var childNodes: [Int32] = []
        var patternStart: [Int32] = [0]
        var patterns: [PhraseIndex.Pattern] = []
        childStart.reserveCapacity(nodes.count + 1)
        patternStart.reserveCapacity(nodes.count + 1)
        for (position, node) in nodes.enumerated() {
            if position > 0 {
                for (token, child) in node.children.map({ (renumbered[Int($0.key)], $0.value) }).sorted(by: { $0.0 < $1.0 }) {
                    childTokens.append(token)
                    childNodes.append(child)
                }
            }
            childStart.append(Int32(childTokens.count))
            patterns += node.patterns
            patternStart.append(Int32(patterns.count))
        }
        var keys = [String](repeating: "", count: vocabulary.count)
        for (key, id) in vocabulary { keys[Int(renumbered[Int(id)])] = key }
        return PhraseIndex(
            vocabulary: TokenVocabulary(keys: keys), rootChildren: rootChildren, childStart: childStart, childTokens: childTokens,
            childNodes: childNodes, patternStart: patternStart, patterns: patterns, patternCount: patternCount,
            firstKeys: firstKeys)
    }
}
