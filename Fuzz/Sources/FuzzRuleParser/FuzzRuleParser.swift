import HeraldRules

/// Feeds arbitrary bytes to the rule loader as a rule file and, split at the first NUL, as a list file.
/// Any outcome is fine (diagnostics are expected); a crash, a hang or a leak is the finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRuleParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parts = bytes.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
    let rules = parts.first.map { String(decoding: $0, as: UTF8.self) } ?? ""
    let lists = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : "list L\nAlibaba country=CN\n"
    let outcome = RuleSetLoader(source: InMemoryRuleSource(["f/a.rules": "include \"l.list\"\n" + rules, "f/l.list": lists]))
        .load("f")
    if let ruleSet = outcome.ruleSet {
        // A rule set that compiles must also match without trouble, on its own source as text.
        _ = ruleSet.match(title: String(rules.prefix(200)), body: rules + "\n\n" + lists)
    }
    for diagnostic in outcome.diagnostics { _ = diagnostic.rendered }
    return 0
}
