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
///
/// Everything is kept in flat arrays with offsets, and a part's lists are a sorted array searched by halving: a
/// `Set` of the part's lists and a dictionary of arrays of arrays of arrays cost a hash per hit, an allocation per
/// part and a cache miss per array header, which made this test about a fifth of what it saves.
struct ReferenceGates: Sendable {
    /// For each list, the rules filed under it: `filedRules[filedStarts[list] ..< filedStarts[list + 1]]`.
    private let filedStarts: [Int32]
    private let filedRules: [Int32]
    /// For each rule the pass can affect, its gates `ruleGates[rule] ..< ruleGates[rule + 1]`; each gate the lists of
    /// one binding it cannot fire without, `gateLists[gateStarts[gate] ..< gateStarts[gate + 1]]`.
    private let ruleGates: [Int32]
    private let gateStarts: [Int32]
    private let gateLists: [Int32]
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
        let listCount = max(lists.count, Int(rulesByList.keys.max() ?? -1) + 1)
        var filedStarts: [Int32] = [0]
        var filedRules: [Int32] = []
        filedStarts.reserveCapacity(listCount + 1)
        for list in 0..<listCount {
            filedRules += rulesByList[Int32(list)] ?? []
            filedStarts.append(Int32(filedRules.count))
        }
        var ruleGates: [Int32] = [0]
        var gateStarts: [Int32] = [0]
        var gateLists: [Int32] = []
        for gatesOfRule in gates {
            for gate in gatesOfRule {
                gateLists += gate
                gateStarts.append(Int32(gateLists.count))
            }
            ruleGates.append(Int32(gateStarts.count - 1))
        }
        self.filedStarts = filedStarts
        self.filedRules = filedRules
        self.ruleGates = ruleGates
        self.gateStarts = gateStarts
        self.gateLists = gateLists
        self.always = always
    }

    /// Whether any rule may need the reference pass in a text part with these hits.
    func mayNeedReferences(_ hits: [Hit]) -> Bool {
        if always { return true }
        guard !hits.isEmpty else { return false }
        // The part's lists, ascending, each once.
        var hitLists = hits.map(\.list)
        hitLists.sort()
        var kept = 1
        for index in 1..<hitLists.count where hitLists[index] != hitLists[kept - 1] {
            hitLists[kept] = hitLists[index]
            kept += 1
        }
        hitLists.removeLast(hitLists.count - kept)
        for list in hitLists {
            let index = Int(list)
            guard index >= 0, index + 1 < filedStarts.count else { continue }
            for position in Int(filedStarts[index])..<Int(filedStarts[index + 1]) {
                if passes(Int(filedRules[position]), hitLists) { return true }
            }
        }
        return false
    }

    /// Whether every gate of rule `rule` has one of its lists among `hitLists` (ascending).
    private func passes(_ rule: Int, _ hitLists: [Int32]) -> Bool {
        for gate in Int(ruleGates[rule])..<Int(ruleGates[rule + 1]) {
            var found = false
            for position in Int(gateStarts[gate])..<Int(gateStarts[gate + 1]) where Self.contains(hitLists, gateLists[position]) {
                found = true
                break
            }
            if !found { return false }
        }
        return true
    }

    /// Whether `sorted` (ascending) holds `list`, by halving.
    private static func contains(_ sorted: [Int32], _ list: Int32) -> Bool {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < list { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && sorted[low] == list
    }
}
