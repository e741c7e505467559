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

            With --config FILE, the server config file is checked first (syntax, table and key names, types, \
            ranges, feed URLs; each problem as file:line:col with a caret), then the rule folder it names, unless \
            DIR is given.

            Exit status: 0 when there is no error (and, with --strict, no warning); 1 otherwise.
            """
    )

    @Argument(help: "The rule folder, or a single .rules file (default: the config's rules, else Rules).")
    public var directory: String?

    @Option(help: ArgumentHelp("Also validate this server config file, and check the rule folder it names.", valueName: "file"))
    public var config: String?

    @Flag(help: "Treat warnings as errors.")
    public var strict = false

    public init() {}

    public func run() throws {
        var rulesPath = directory ?? "Rules"
        var configErrors = 0
        if let config {
            let (settings, diagnostics) = ServerSettings.load(configFile: config)
            for diagnostic in diagnostics { StandardStreams.error(diagnostic.rendered) }
            configErrors = diagnostics.count
            if let settings {
                print("config \(config): ok (listens on \(settings.host):\(settings.port), rules \(settings.rules), "
                    + "data \(settings.data), \(settings.feeds.count) feed\(settings.feeds.count == 1 ? "" : "s")"
                    + "\(settings.watch.map { ", watching \($0)" } ?? ""))")
                if directory == nil { rulesPath = settings.rules }
            }
        }
        let outcome = RuleSetLoader().load(rulesPath)
        for diagnostic in outcome.diagnostics {
            StandardStreams.error(diagnostic.rendered)
        }
        let errors = outcome.errors.count + configErrors
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
