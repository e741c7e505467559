import ArgumentParser
import HeraldRules

/// `herald check [DIR]`: compile a rule folder, run its examples, report every problem.
public struct CheckCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compile a rule folder, run every 'expect' example, and report problems.",
        discussion: """
            Loads every *.rules file in DIR and whatever they include, compiles lists, macros and rules, then runs \
            each rule's `expect match` / `expect nomatch` examples against that rule alone.

            Problems are printed to standard error as `file:line:col: error: message`, followed by the source line \
            with a caret under the problem and a hint (for example a did-you-mean for a misspelt list name). \
            Warnings cover unused lists and macros, filters that no entry satisfies, and rules with nothing to \
            prefilter on. A rule written as an English sentence (`when a Chinese firm opens a US AI team`) is read \
            against the lexicon its file includes: each word the lexicon cannot map is reported with the words its \
            slot knows, and an ambiguous word or sentence with each reading. A summary (rules, lists, entries, \
            rule-set hash) goes to standard output.

            Exit status: 0 when there is no error (and, with --strict, no warning); 1 otherwise.
            """
    )

    @Argument(help: "The rule folder, or a single .rules file.")
    public var directory: String = "Rules"

    @Flag(help: "Treat warnings as errors.")
    public var strict = false

    public init() {}

    public func run() throws {
        let outcome = RuleSetLoader().load(directory)
        for diagnostic in outcome.diagnostics {
            StandardStreams.error(diagnostic.rendered)
        }
        let errors = outcome.errors.count
        let warnings = outcome.warnings.count
        if let ruleSet = outcome.ruleSet {
            let lists = ruleSet.lists.filter { !$0.isPhrase }
            let examples = ruleSet.rules.reduce(0) { $0 + $1.expectations.count }
            print(
                "\(ruleSet.rules.count) rules, \(lists.count) lists, \(ruleSet.entryCount) entries "
                    + "(\(ruleSet.patternCount) patterns), \(examples) examples passed, rule set \(ruleSet.hash)")
        }
        print("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        if errors > 0 || (strict && warnings > 0) { throw ExitCode.failure }
    }
}
