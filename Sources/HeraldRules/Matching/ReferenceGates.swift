/// Tells, from a text part's list hits, whether the reference pass can change any alert there.
///
/// On real news most articles name no watched firm or place, and the reference pass was a fifth of matching time.
/// A rule the pass can affect (one with an event, or a binding on a list whose hits references make) still cannot
/// fire where one of the bindings it cannot do without, and that no reference or gap phrase can supply, has no hit.
/// So the pass runs only where some such rule has a hit for every one of those bindings.
///
/// Each rule is filed under the lists of one of its gates (the rarest), so a part is checked
/// against the rules filed under the lists it hit, not against every rule: at 10,000 rules, checking them all
/// was a tenth of matching time.
struct ReferenceGates: Sendable {
    /// For each rule the pass can affect, the lists of each binding it cannot fire without.
    private let gates: [[[Int32]]]
    /// The rules (indices into `gates`) filed under each list.
    private let rulesByList: [Int32: [Int32]]
    /// Whether a rule the pass can affect has no gate: then the pass always runs.
    private let always: Bool

    init(rules: [CompiledRule], lists: [GazetteerList], sequences: [TermSequence]) {
        let madeLater = Set(sequences.map(\.list)).union(lists.indices.filter { lists[$0].isReferable }.map { Int32($0) })
        var gates: [[[Int32]]] = []
        var always = false
        for rule in rules {
            let named = rule.bindings.flatMap { $0.terms.map(\.list) } + rule.anchors
            guard rule.event != nil || named.contains(where: madeLater.contains) else { continue }
            let ruleGates = rule.indispensableTerms.compactMap { terms -> [Int32]? in
                let lists = terms.map(\.list)
                return lists.contains(where: madeLater.contains) ? nil : Array(Set(lists)).sorted()
            }
            if ruleGates.isEmpty {
                always = true
            } else {
                gates.append(ruleGates)
            }
        }
        // Each rule under its rarest gate: the one whose lists the fewest rules' gates name ("OPEN_VERB" is in
        // thousands, a rule's own quoted phrase in one).
        var uses: [Int32: Int] = [:]
        for ruleGates in gates { for gate in ruleGates { for list in gate { uses[list, default: 0] += 1 } } }
        var rulesByList: [Int32: [Int32]] = [:]
        for (position, ruleGates) in gates.enumerated() {
            let cost = { (gate: [Int32]) in gate.reduce(0) { $0 + (uses[$1] ?? 0) } }
            guard let key = ruleGates.min(by: { cost($0) < cost($1) }) else { continue }
            for list in key { rulesByList[list, default: []].append(Int32(position)) }
        }
        self.gates = gates
        self.rulesByList = rulesByList
        self.always = always
    }

    /// Whether any rule may need the reference pass in a text part with these hits.
    func mayNeedReferences(_ hits: [Hit]) -> Bool {
        if always { return true }
        var hitLists = Set<Int32>()
        for hit in hits { hitLists.insert(hit.list) }
        for list in hitLists {
            for rule in rulesByList[list] ?? [] where gates[Int(rule)].allSatisfy({ $0.contains(where: hitLists.contains) }) {
                return true
            }
        }
        return false
    }
}
