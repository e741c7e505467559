import HeraldCore

/// What recompiling the rules produced. `herald serve` supplies the recompiling (the server knows no rule syntax).
public enum ReloadOutcome: Sendable {
    /// The new rules compiled and were swapped in.
    case reloaded(RuleSetChange)
    /// The rules have errors; every diagnostic, warnings included, in the order the compiler gave them. The old
    /// rules stay loaded.
    case failed(diagnostics: [ReloadDiagnostic])
}

/// One diagnostic of a failed reload: its severity, so errors and warnings are counted apart (as `herald check`
/// counts them), and its text as `file:line:col: severity: message`.
public struct ReloadDiagnostic: Sendable, Hashable {
    /// An error keeps the rule set from loading; a warning does not.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// Whether this is an error or a warning.
    public var severity: Severity
    /// `file:line:col: severity: message`.
    public var text: String

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ text: String) {
        self.severity = severity
        self.text = text
    }
}

extension [ReloadDiagnostic] {
    /// How many are errors and how many warnings.
    var counts: (errors: Int, warnings: Int) {
        let errors = count { $0.severity == .error }
        return (errors, count - errors)
    }

    /// "2 errors and 1 warning", "1 error": the counts as `RELOAD`'s reply and the log state them.
    var summary: String {
        let (errors, warnings) = counts
        let errorText = "\(errors) error\(errors == 1 ? "" : "s")"
        guard warnings > 0 else { return errorText }
        return "\(errorText) and \(warnings) warning\(warnings == 1 ? "" : "s")"
    }
}
