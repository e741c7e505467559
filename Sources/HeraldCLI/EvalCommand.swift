import ArgumentParser
import Foundation
import HeraldCore
import HeraldRules

/// `herald eval DIR…`: score the rules against a labelled corpus (eval/README.md).
public struct EvalCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score rules against a labelled article corpus: precision, recall, F1, every miss and false alert.",
        discussion: """
            Each DIR holds article files and a labels.tsv (file, rule, firm, place, class, style, note: one line per \
            expected alert, '-' in rule for an article that must raise none); eval/README.md describes the format. \
            For each labelled rule, prints precision, recall and F1, the articles right per class, and then every \
            miss and false alert with the reason --explain gives.

            --summary prints the figures only: use it on a held-out part, whose articles must not be read while \
            tuning.

            Exit status: 0 when the corpus was read and scored; 1 if the rules do not compile or the corpus cannot \
            be read; 2 when --min-precision or --min-recall is not reached.
            """
    )

    @Option(name: .long, help: "The rule folder to load.")
    public var rules: String = "Rules"

    @Option(name: .customLong("label-as"), help: "Score RULE=LABELLED: rule RULE against the labels of LABELLED.")
    public var labelAs: [String] = []

    @Flag(help: "Print the figures only, no article names or texts.")
    public var summary = false

    @Option(name: .customLong("min-precision"), help: "Exit 2 when a scored rule's precision is below this.")
    public var minPrecision: Double?

    @Option(name: .customLong("min-recall"), help: "Exit 2 when a scored rule's recall is below this.")
    public var minRecall: Double?

    @Argument(help: "Corpus folders, each with a labels.tsv.")
    public var directories: [String] = []

    public init() {}

    public func validate() throws {
        if directories.isEmpty { throw ValidationError("Give at least one corpus folder (for example eval/dev).") }
        for pair in labelAs where pair.split(separator: "=").count != 2 {
            throw ValidationError("--label-as takes RULE=LABELLED, not '\(pair)'.")
        }
    }

    public func run() throws {
        let outcome = RuleSetLoader().load(rules)
        for diagnostic in outcome.errors { StandardStreams.error(diagnostic.rendered) }
        guard let ruleSet = outcome.ruleSet else { throw ExitCode.failure }
        var mapping: [String: String] = [:]
        for pair in labelAs {
            let parts = pair.split(separator: "=").map(String.init)
            guard ruleSet.rule(parts[0]) != nil else {
                StandardStreams.error("herald: --label-as: no rule '\(parts[0])' in \(rules)")
                throw ExitCode.failure
            }
            mapping[parts[0]] = parts[1]
        }
        var belowTarget = false
        for directory in directories {
            let evaluation: Evaluation
            do {
                evaluation = try Evaluation.run(ruleSet, directory: directory, labelAs: mapping, explain: !summary)
            } catch {
                StandardStreams.error("herald: \(error.description)")
                throw ExitCode.failure
            }
            print(EvaluationReport(evaluation, title: directory, details: !summary).text)
            for score in evaluation.scores {
                if let minPrecision, score.precision < minPrecision { belowTarget = true }
                if let minRecall, score.recall < minRecall { belowTarget = true }
            }
        }
        if belowTarget { throw ExitCode(2) }
    }
}
