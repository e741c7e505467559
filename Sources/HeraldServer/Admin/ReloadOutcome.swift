import HeraldCore

/// What recompiling the rules produced. `herald serve` supplies the recompiling (the server knows no rule syntax).
public enum ReloadOutcome: Sendable {
    /// The new rules compiled and were swapped in.
    case reloaded(RuleSetChange)
    /// The rules have errors; each diagnostic as `file:line:col: error: message`. The old rules stay loaded.
    case failed(diagnostics: [String])
}
