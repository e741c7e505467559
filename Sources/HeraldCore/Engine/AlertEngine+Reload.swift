import HeraldRules

/// What a reload changed, by rule id.
public struct RuleSetChange: Sendable, Hashable {
    /// Rule ids new in this rule set.
    public var added: [String]
    /// Rule ids no longer loaded.
    public var removed: [String]
    /// Rules whose text differs, or one of whose lists does.
    public var changed: [String]
    /// The new rule set's hash.
    public var hash: String
    /// How many rules are now loaded.
    public var ruleCount: Int
    /// Lists added, removed or edited; the rules that use them are in ``changed``.
    public var listsChanged: [String] = []
    /// What the new rules would have raised over the last day's archived articles, against what was sent
    /// (`nil` when there is no archive to run over).
    public var backtest: BacktestDigest?

    /// Creates a change report.
    public init(added: [String], removed: [String], changed: [String], hash: String, ruleCount: Int) {
        self.added = added
        self.removed = removed
        self.changed = changed
        self.hash = hash
        self.ruleCount = ruleCount
    }
}

/// One rule as `RULE <id>` shows it: its metadata and the rule as written.
public struct RuleDetail: Sendable, Hashable {
    /// The rule id.
    public var id: String
    /// The rule's title.
    public var title: String
    /// Its severity name.
    public var severity: String
    /// Its tags.
    public var tags: [String]
    /// The file and line the rule starts at.
    public var location: String
    /// The rule as written.
    public var source: String
}

extension AlertEngine {
    /// Swaps in `newRules` in one step (an actor call: no article sees half of each) and reports what changed.
    public func install(_ newRules: RuleSet) -> RuleSetChange {
        // Rules compare by fingerprint, text and lists: editing only a list changes the rules that use it.
        let current = ruleSet
        let old = Dictionary(current.rules.map { ($0.id, current.fingerprint(of: $0)) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(newRules.rules.map { ($0.id, newRules.fingerprint(of: $0)) }, uniquingKeysWith: { first, _ in first })
        let oldLists = current.listSignatures
        let newLists = newRules.listSignatures
        replace(ruleSet: newRules)
        var change = RuleSetChange(
            added: new.keys.filter { old[$0] == nil }.sorted(),
            removed: old.keys.filter { new[$0] == nil }.sorted(),
            changed: new.keys.filter { old[$0] != nil && old[$0] != new[$0] }.sorted(),
            hash: newRules.hash, ruleCount: newRules.rules.count)
        change.listsChanged = Set(oldLists.keys).union(newLists.keys).filter { oldLists[$0] != newLists[$0] }.sorted()
        return change
    }

    /// The loaded rule set's hash, for `STATS`.
    public var ruleSetHash: String { ruleSet.hash }

    /// One loaded rule, for `RULE <id>`.
    public func ruleDetail(_ id: String) -> RuleDetail? {
        guard let rule = ruleSet.rule(id) else { return nil }
        return RuleDetail(
            id: rule.id, title: rule.title, severity: rule.severity.rawValue, tags: rule.tags,
            location: "\(rule.location)", source: rule.source)
    }
}
