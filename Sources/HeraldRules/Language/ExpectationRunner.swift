/// Runs each rule's `expect match|nomatch "…"` examples against that rule alone; a failure is an error at the
/// `expect` line, so a rule set whose own examples fail is never loaded.
enum ExpectationRunner {
    static func run(_ ruleSet: RuleSet) -> [Diagnostic] {
        var failures: [Diagnostic] = []
        for (index, rule) in ruleSet.rules.enumerated() where !rule.expectations.isEmpty {
            let single = ruleSet.restricted(to: index)
            for expectation in rule.expectations {
                let report = single.match(title: expectation.headline, body: expectation.text, explain: true)
                let diagnostic = { (message: String, hint: String?) in
                    Diagnostic(
                        .error, at: expectation.location, length: expectation.length, message, hint: hint,
                        sourceLine: expectation.sourceLine)
                }
                if expectation.shouldMatch {
                    guard let first = report.matches.first else {
                        failures.append(
                            diagnostic(
                                "expected rule '\(rule.id)' to match, but it did not",
                                report.explanation.first.map { "why: \(Self.reason($0))" }))
                        continue
                    }
                    for (name, value) in expectation.fields {
                        let values = report.matches.compactMap { $0.field(name) }
                        if !values.contains(value) {
                            failures.append(
                                diagnostic(
                                    "expected \(name)=\(value), but the rule emitted \(name)=\(first.field(name) ?? "nothing")",
                                    nil))
                        }
                    }
                } else if let match = report.matches.first {
                    let fields = match.fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
                    failures.append(diagnostic("expected rule '\(rule.id)' not to match, but it fired (\(fields))", nil))
                }
            }
        }
        return failures
    }

    /// Drops the "rule [part range]: " prefix of an explanation line.
    private static func reason(_ line: String) -> String {
        guard let colon = line.range(of: "]: ") else { return line }
        return String(line[colon.upperBound...])
    }
}
