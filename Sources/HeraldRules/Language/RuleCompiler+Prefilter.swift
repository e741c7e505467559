/// The prefilter side of compiling a rule: which bindings `require` forces, and the anchor lists a rule is indexed
/// under (a rule cannot fire in a unit where none of them hit).
extension RuleCompiler {
    /// Bindings that must be bound whenever `require` holds; with no `require`, all of them.
    static func mandatory(_ count: Int, _ condition: RuleCondition?) -> [Bool] {
        guard let condition else { return Array(repeating: true, count: count) }
        let forced = mustHold(condition)
        return (0..<count).map { forced.contains($0) }
    }

    static func mustHold(_ condition: RuleCondition) -> Set<Int> {
        switch condition {
        case .bound(let index, _): return [index]
        case .exists, .not: return []
        case .and(let left, let right): return mustHold(left).union(mustHold(right))
        case .or(let left, let right): return mustHold(left).intersection(mustHold(right))
        }
    }

    /// The prefilter: the required binding whose lists are rarest (fewest alias forms), the Lucene Monitor
    /// presearcher idea. A rule cannot fire in a sentence where none of these lists hit.
    func chooseAnchors(_ bindings: [CompiledBinding], mandatory: [Bool]) -> [Int32] {
        var best: (lists: [Int32], weight: Int)?
        // A `describing` binding is found in the sentences after the unit, an `or setting` one may be in those
        // before, an `or describing` one in those after: none says anything of the unit's own hits.
        for (index, binding) in bindings.enumerated()
        where mandatory[index] && !binding.terms.isEmpty && binding.settingSentences == nil && binding.laterPlace == nil
            && !binding.constraints.contains(where: { $0.relation == .describing })
        {
            let lists = Array(Set(binding.terms.map(\.list))).sorted()
            let weight = lists.reduce(0) { $0 + self.lists[Int($1)].aliasCount }
            if let current = best, current.weight <= weight { continue }
            best = (lists, weight)
        }
        return best?.lists ?? []
    }
}

extension String {
    var trimmed: String {
        String(trimmingSpaces)
    }
}
