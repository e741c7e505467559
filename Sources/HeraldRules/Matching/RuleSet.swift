/// A compiled, immutable rule set: lists, the phrase index over all of them, and the rules with their prefilter.
///
/// A `RuleSet` is a value: a server swaps a new one in atomically on reload while matches in flight finish
/// against the old one.
public struct RuleSet: Sendable {
    public let rules: [CompiledRule]
    public let lists: [GazetteerList]
    /// A hash of every source file that made this rule set (16 hex digits), to tell rule sets apart.
    public let hash: String
    /// Files the rule set was loaded from, in load order.
    public let files: [String]

    let index: PhraseIndex
    let entityLists: [Bool]
    /// Which lists are masks (`kind=mask`): their hits hide same-span hits of other lists too.
    let maskLists: [Bool]
    /// For each list (by index), the rules anchored on it, ascending: `anchoredRules[anchorStarts[list] ..<
    /// anchorStarts[list + 1]]`. Arrays, not a dictionary, because every list that hits in an article is looked up;
    /// two flat arrays, not an array per list, because at 10,000 rules each lookup of a list's own array was a cache
    /// miss on its header before the one on its rules.
    let anchoredRules: [Int]
    let anchorStarts: [Int]
    /// Rules with nothing to prefilter on: evaluated for every article.
    let unanchoredRules: [Int]
    /// Origins of the entity lists' firms, when a rule has an `event` clause: references are resolved only then.
    let referenceModel: ReferenceResolver.Model?
    /// Gap phrases (`"cut" ~4 @JOBS`), whose hits are made from their parts' hits before rules are selected.
    let sequences: [TermSequence]
    /// Which text parts the reference pass can change an alert in (``ReferenceGates``).
    let referenceGates: ReferenceGates
    /// Tells from an article's bytes that no rule can fire on it (nil when that cannot be told for this rule set).
    let prefilter: ArticlePrefilter?

    init(
        rules: [CompiledRule], lists: [GazetteerList], index: PhraseIndex, hash: String, files: [String],
        sequences: [TermSequence] = []
    ) {
        self.sequences = sequences
        self.rules = rules
        self.lists = lists
        self.index = index
        self.hash = hash
        self.files = files
        self.entityLists = lists.map(\.isEntity)
        self.maskLists = lists.map(\.isMask)
        var byAnchor = [[Int]](repeating: [], count: lists.count)
        var unanchored: [Int] = []
        for (position, rule) in rules.enumerated() {
            if rule.anchors.isEmpty {
                unanchored.append(position)
            }
            for anchor in Set(rule.anchors) where Int(anchor) < byAnchor.count { byAnchor[Int(anchor)].append(position) }
        }
        var anchoredRules: [Int] = []
        var anchorStarts: [Int] = [0]
        anchorStarts.reserveCapacity(byAnchor.count + 1)
        for rulesOfList in byAnchor {
            anchoredRules += rulesOfList
            anchorStarts.append(anchoredRules.count)
        }
        self.anchoredRules = anchoredRules
        self.anchorStarts = anchorStarts
        self.unanchoredRules = unanchored
        self.referenceModel = rules.contains { $0.event != nil } ? ReferenceResolver.Model(lists: lists) : nil
        self.prefilter = ArticlePrefilter.make(
            rules: rules, lists: lists, firstKeys: index.firstKeys, sequences: sequences,
            origins: referenceModel?.lists.flatMap { $0.origins.map { (phrase: $0.key, country: $0.value) } } ?? [],
            originLists: referenceModel?.lists.compactMap(\.originList) ?? [])
        self.referenceGates = ReferenceGates(rules: rules, lists: lists, sequences: sequences)
    }

    /// A fingerprint of what makes `rule` behave: its text and the lists it names (with the lists that introduce
    /// their firms by origin). A reload compares these, so a rule whose list was edited counts as changed though
    /// its own text did not change.
    public func fingerprint(of rule: CompiledRule) -> String {
        var hasher = FNV1a()
        hasher.add(rule.source)
        for list in listsUsed(by: rule).sorted() where list < lists.count {
            hasher.add("\u{0}\(lists[list].name)=\(lists[list].signature)")
        }
        return hasher.hex
    }

    /// The indices of the lists a rule names in its bindings and rejects, and their origin lists.
    func listsUsed(by rule: CompiledRule) -> Set<Int> {
        var used = Set<Int>()
        for binding in rule.bindings { for term in binding.terms { used.insert(Int(term.list)) } }
        for reject in rule.rejects { for term in reject.terms { used.insert(Int(term.list)) } }
        for anchor in rule.anchors { used.insert(Int(anchor)) }
        for list in used where list < lists.count {
            if let origin = lists[list].originList { used.insert(Int(origin)) }
        }
        return used
    }

    /// Named lists (not the anonymous ones of quoted phrases) by name, with their signatures.
    public var listSignatures: [String: String] {
        var signatures: [String: String] = [:]
        for list in lists where !list.isPhrase { signatures[list.name] = list.signature }
        return signatures
    }

    /// An empty rule set: matches nothing.
    public static let empty = RuleSet(rules: [], lists: [], index: PhraseIndex(), hash: "0000000000000000", files: [])

    /// Looks a rule up by id.
    public func rule(_ id: String) -> CompiledRule? { rules.first { $0.id == id } }

    /// Number of entries over all named lists (phrase lists excluded).
    public var entryCount: Int { lists.filter { !$0.isPhrase }.reduce(0) { $0 + $1.entries.count } }

    /// Number of alias forms indexed, inflections included.
    public var patternCount: Int { index.patternCount }

    /// A copy holding only one rule, for running that rule's `expect` examples in isolation.
    func restricted(to ruleIndex: Int) -> RuleSet {
        RuleSet(rules: [rules[ruleIndex]], lists: lists, index: index, hash: hash, files: files, sequences: sequences)
    }
}
