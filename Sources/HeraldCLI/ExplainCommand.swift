import ArgumentParser
import Foundation
import HeraldRules

/// `herald explain RULE`: print one rule in the ordinary rule syntax, a `when` sentence compiled.
public struct ExplainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Print a rule in the ordinary rule syntax, a 'when' sentence compiled to let/require/reject.",
        discussion: """
            Loads the rule folder like `herald check` and prints rule RULE to standard output as ordinary clauses, \
            one per line in a fixed order: title, severity, tags, scope, let, require, reject, emit, dedup, \
            throttle, prefer, expect.

            For a rule written as an English sentence (`when a Chinese firm opens a US AI team`, see RULES.md, \
            "Rules as English sentences") it prints the bindings, conditions and vetoes the sentence compiles to, \
            after a `# when …` comment: the rule Herald actually runs. For a hand-written rule it prints the rule \
            normalised. Either way the text, pasted into a rule file that includes the same lists (and macros), \
            compiles to an equivalent rule, so it is a starting point for refining a sentence by hand.

            The rule folder must compile: errors are printed to standard error as `herald check` prints them, and \
            nothing is printed to standard output. Rules in subfolders are not loaded with their parent; point \
            --rules at the subfolder (for example Rules/sentences).

            Exit status: 0 when the rule was printed; 1 when the folder has errors or has no such rule.
            """
    )

    @Argument(help: "The id of the rule to print.")
    public var rule: String

    @Option(name: .long, help: "The rule folder, or a single .rules file.")
    public var rules: String = "Rules"

    public init() {}

    public func run() throws {
        let explanation = RuleSetLoader().explain(rule: rule, in: rules)
        let errors = explanation.outcome.errors
        for diagnostic in errors { StandardStreams.error(diagnostic.rendered) }
        guard errors.isEmpty else {
            StandardStreams.error("\(errors.count) error\(errors.count == 1 ? "" : "s"): fix them with 'herald check \(rules)' first")
            throw ExitCode.failure
        }
        guard let text = explanation.text else {
            var message = "error: no rule '\(rule)' in \(rules)"
            if let folder = subfolder(holding: rule) {
                message += "\n  hint: it is in a subfolder, which is loaded on its own: herald explain \(rule) --rules \(folder)"
            } else if let closest = RuleSetLoader.closestRuleID(to: rule, in: explanation.ruleIDs) {
                message += "\n  hint: did you mean '\(closest)'?"
            } else {
                message += "\n  hint: rules in subfolders are loaded only with --rules pointing at them"
            }
            StandardStreams.error(message)
            throw ExitCode.failure
        }
        print(text)
    }

    /// The subfolder of the rule folder that defines `id` (such as Rules/sentences), so the error can say where
    /// the rule is instead of only that it is not at the top.
    func subfolder(holding id: String) -> String? {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: rules) else { return nil }
        for name in names.sorted() {
            let path = (rules as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
                let files = try? manager.contentsOfDirectory(atPath: path), files.contains(where: { $0.hasSuffix(".rules") })
            else { continue }
            if RuleSetLoader().explain(rule: id, in: path).text != nil { return path }
        }
        return nil
    }
}
