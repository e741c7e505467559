import Foundation

/// Prints a parsed rule in the ordinary rule syntax, one clause per line in a fixed order: what `herald explain`
/// shows. The text compiles back to an equivalent rule (given the same lists and macros), so an analyst can copy a
/// `when` sentence's compiled form and refine it by hand.
enum RulePrinter {
    static func print(_ rule: Syntax.Rule) -> String {
        var lines: [String] = []
        if let sentence = rule.sentence { lines.append("# when \(sentence.text)") }
        lines.append("rule \(rule.id)")
        func clause(_ keyword: String, _ text: String) {
            lines.append("    " + keyword.padding(8) + " " + text)
        }
        if let title = rule.title { clause("title", quoted(title)) }
        if let severity = rule.severity { clause("severity", severity) }
        if !rule.tags.isEmpty { clause("tags", rule.tags.joined(separator: ", ")) }
        if let scope = rule.scope { clause("scope", scope) }
        let width = rule.bindings.map(\.name.count).max() ?? 0
        for binding in rule.bindings {
            var constraints = binding.constraints.map { " " + constraint($0) }.joined()
            if let setting = binding.setting {
                constraints += setting == RuleFileParser.settingSentences ? " or setting" : " or setting within \(setting)"
            }
            if let later = binding.laterPlace {
                constraints += " or describing \(later.binding)" + (later.within.map { " within \($0)" } ?? "")
            }
            lines.append("    let \(binding.name.padding(width)) = \(terms(binding.terms))\(constraints)")
        }
        if let require = rule.require { clause("require", expression(require, parent: .top)) }
        for reject in rule.rejects {
            clause("reject", terms(reject.terms) + (reject.constraint.map { " " + constraint($0) } ?? ""))
        }
        if let event = rule.event {
            var text = event.verb
            if let agent = event.agent { text += " agent \(agent)" }
            if let object = event.object { text += " object \(object)" }
            if let place = event.place { text += " at \(place)" }
            clause("event", text)
        }
        if let factuality = rule.factuality { clause("factuality", factuality.joined(separator: ", ")) }
        if !rule.fields.isEmpty { clause("emit", rule.fields.map { "\($0.name)=\(value($0.value))" }.joined(separator: ", ")) }
        if rule.dedup != nil || rule.dedupWindow != nil {
            var text = (rule.dedup ?? []).joined(separator: ", ")
            if let window = rule.dedupWindow { text += (text.isEmpty ? "" : " ") + "window \(duration(window))" }
            clause("dedup", text)
        }
        if let throttle = rule.throttle { clause("throttle", "\(throttle.count) per \(duration(throttle.seconds))") }
        for preference in rule.preferences {
            clause("prefer", "\(preference.binding).\(preference.attribute) \(preference.order.map(word).joined(separator: " > "))")
        }
        for expectation in rule.expectations {
            let fields = expectation.fields.map { " \($0.0)=\(word($0.1))" }.joined()
            let headline = expectation.headline.map { " headline " + quoted($0) } ?? ""
            clause("expect", (expectation.shouldMatch ? "match  " : "nomatch") + " " + quoted(expectation.text) + headline + fields)
        }
        return lines.joined(separator: "\n")
    }

    static func terms(_ terms: [Syntax.Term]) -> String {
        terms.map(term).joined(separator: " | ")
    }

    static func term(_ term: Syntax.Term) -> String {
        switch term {
        case .list(let name, let conditions, _): "@" + name + self.conditions(conditions)
        case .macro(let name, _): "$" + name
        case .phrase(let text, _): quoted(text)
        case .sequence(let parts, let gaps, _):
            parts.indices.map { index in (index > 0 ? "~\(gaps[index - 1]) " : "") + Self.term(parts[index]) }
                .joined(separator: " ")
        }
    }

    static func conditions(_ conditions: [Syntax.Condition]) -> String {
        guard !conditions.isEmpty else { return "" }
        let parts = conditions.map { "\($0.key)\($0.negated ? "!=" : "=")\($0.values.map(word).joined(separator: "|"))" }
        return "[" + parts.joined(separator: ", ") + "]"
    }

    static func constraint(_ constraint: Syntax.Constraint) -> String {
        let other = constraint.alternatives.isEmpty
            ? constraint.binding : "(" + ([constraint.binding] + constraint.alternatives).joined(separator: " | ") + ")"
        return "\(constraint.relation.rawValue) \(other)"
            + (constraint.withinClause ? " within clause" : constraint.within.map { " within \($0)" } ?? "")
            + (constraint.outsideAsides ? " outside asides" : "")
    }

    private enum Context { case top, and, or, not }

    private static func expression(_ expression: Syntax.Expression, parent: Context) -> String {
        switch expression {
        case .binding(let name, let conditions, _):
            return name + self.conditions(conditions)
        case .terms(let terms, _):
            return self.terms(terms)
        case .not(let inner):
            return "not " + self.expression(inner, parent: .not)
        case .and(let left, let right):
            let text = self.expression(left, parent: .and) + " and " + self.expression(right, parent: .and)
            return parent == .not ? "(\(text))" : text
        case .or(let left, let right):
            let text = self.expression(left, parent: .or) + " or " + self.expression(right, parent: .or)
            return parent == .and || parent == .not ? "(\(text))" : text
        }
    }

    private static func value(_ value: Syntax.Value) -> String {
        switch value {
        case .name(let binding): binding
        case .attribute(let binding, let key): "\(binding).\(key)"
        case .text(let binding): "\(binding).text"
        case .literal(let text): quoted(text)
        }
    }

    /// A value as a bare word when the lexer would read it back as one, quoted otherwise.
    private static func word(_ text: String) -> String {
        let bare = !text.isEmpty && text.allSatisfy(LineLexer.isWordCharacter)
        return bare ? text : quoted(text)
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The largest unit that divides a duration: 86400 → 1d.
    static func duration(_ seconds: Int) -> String {
        for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)] where seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
