import HeraldCore
import Logging

extension HeraldServer {
    /// Recompiles and installs the rules through ``HeraldServerConfiguration/reloadRules`` (for `RELOAD` and
    /// SIGHUP); `nil` when no reload is configured. A failed reload leaves the old rules serving.
    public func reloadRules() async -> ReloadOutcome? {
        guard let reload = configuration.reloadRules else { return nil }
        let outcome = await reload()
        switch outcome {
        case .reloaded(let change):
            statistics.ruleSetLoaded(hash: change.hash, reload: true)
            logger.notice(
                "rules reloaded",
                metadata: [
                    "hash": "\(change.hash)", "rules": "\(change.ruleCount)", "added": "\(change.added.count)",
                    "removed": "\(change.removed.count)", "changed": "\(change.changed.count)",
                ])
        case .failed(let diagnostics):
            statistics.reloadFailed()
            let (errors, warnings) = diagnostics.counts
            logger.error(
                "reload failed; the old rules stay loaded",
                metadata: [
                    "errors": "\(errors)", "warnings": "\(warnings)",
                    "first": "\(diagnostics.first { $0.severity == .error }?.text ?? diagnostics.first?.text ?? "-")",
                ])
        }
        return outcome
    }
}

/// `herald serve` was asked to listen beyond loopback with no authentication configured.
public struct ProtectedModeError: Error, CustomStringConvertible {
    /// The address that was refused.
    public var host: String

    /// Creates the error for `host`.
    public init(host: String) {
        self.host = host
    }

    /// What to configure instead.
    public var description: String {
        "refusing to listen on \(host) with no authentication configured (protected mode): anyone who can reach "
            + "the port would get every role. Create tokens with `herald token add NAME --roles subscribe` and "
            + "pass --auth-file, or listen on 127.0.0.1"
    }
}
