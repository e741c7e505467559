/// Compiling a rule's `emit` clause: each field names a binding, one of its attributes, its text, or a literal.
extension RuleCompiler {
    /// The fields of an alert; without `emit`, every binding's canonical name.
    mutating func compileFields(
        _ rule: Syntax.Rule, names: [String: Int], bindings: [CompiledBinding]
    ) -> [CompiledField] {
        guard !rule.fields.isEmpty else {
            return bindings.enumerated().map { CompiledField(name: $0.element.name, value: .name($0.offset)) }
        }
        var fields: [CompiledField] = []
        for field in rule.fields {
            func target(_ name: String) -> Int? {
                if let index = names[name] { return index }
                let hint = Suggestion.closest(to: name, in: names.keys).map { "did you mean '\($0)'?" }
                diagnostics.append(Diagnostic(.error, at: field.span, "unknown binding '\(name)' in emit", hint: hint))
                return nil
            }
            switch field.value {
            case .literal(let value):
                fields.append(CompiledField(name: field.name, value: .literal(value)))
            case .name(let name):
                if let index = target(name) { fields.append(CompiledField(name: field.name, value: .name(index))) }
            case .text(let name):
                if let index = target(name) { fields.append(CompiledField(name: field.name, value: .text(index))) }
            case .attribute(let name, let key):
                guard let index = target(name) else { continue }
                if unresolved.contains(name) { continue }
                let keys = attributeKeys(of: bindings[index])
                guard keys.contains(key) else {
                    let hint = Suggestion.closest(to: key, in: keys).map { "did you mean '\(name).\($0)'?" }
                        ?? "use \(name), \(name).text or one of: \(keys.sorted().map { "\(name).\($0)" }.joined(separator: ", "))"
                    diagnostics.append(Diagnostic(.error, at: field.span, "'\(name)' has no attribute '\(key)'", hint: hint))
                    continue
                }
                fields.append(CompiledField(name: field.name, value: .attribute(index, key)))
            }
        }
        return fields
    }
}
