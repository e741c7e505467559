import ArgumentParser
import Foundation
import HeraldRules
import HeraldServer
import Testing

@testable import HeraldCLI

@Suite("herald command line")
struct CommandLineTests {
    @Test("herald --help lists every subcommand with its abstract")
    func help() {
        let help = HeraldCommand.helpMessage()
        for name in ["serve", "check", "explain", "match", "publish", "sub"] {
            #expect(help.contains("  \(name) "), "\(name) missing from:\n\(help)")
        }
        #expect(help.contains("USAGE: herald <subcommand>"))
    }

    @Test("subcommands parse with their options")
    func parsing() throws {
        let check = try #require(try HeraldCommand.parseAsRoot(["check", "MyRules", "--strict"]) as? CheckCommand)
        #expect(check.directory == "MyRules")
        #expect(check.strict)
        let match = try #require(
            try HeraldCommand.parseAsRoot(["match", "--rules", "R", "--format", "json", "--explain", "a.jsonl", "-"]) as? MatchCommand)
        #expect(match.rules == "R")
        #expect(match.format == .json)
        #expect(match.explain)
        #expect(match.files == ["a.jsonl", "-"])
        let serve = try #require(try HeraldCommand.parseAsRoot(["serve", "--port", "0", "--rules", "R"]) as? ServeCommand)
        #expect(serve.port == 0)
        #expect(serve.rules == "R")
    }

    @Test("user errors are reported, not crashes")
    func userErrors() {
        #expect(throws: (any Error).self) { try HeraldCommand.parseAsRoot(["match"]) }
        #expect(throws: (any Error).self) { try HeraldCommand.parseAsRoot(["match", "--format", "xml", "a"]) }
        #expect(throws: (any Error).self) { try HeraldCommand.parseAsRoot(["frobnicate"]) }
        let message = HeraldCommand.message(for: ValidationError("Give at least one article file, or '-' for standard input."))
        #expect(message.contains("article file"))
    }

    @Test("herald serve hands RELOAD each diagnostic with its severity: 2 errors and 2 warnings stay apart")
    func reloadDiagnosticsKeepSeverity() {
        let outcome = RuleSetLoader(
            source: InMemoryRuleSource([
                "r/x.list": "list UNUSED_A\nalpha\nlist UNUSED_B\nbeta\n",
                "r/b.rules": """
                    include "x.list"
                    rule broken
                        title "Broken"
                        let z = "zebra"
                        require nothing_defined
                    rule broken-two
                        title "Broken two"
                        let z = "zebra"
                        require also_undefined
                    """,
            ])
        ).load("r")
        #expect(outcome.errors.count == 2 && outcome.warnings.count == 2, "\(outcome.diagnostics)")
        let diagnostics = ServeCommand.reloadDiagnostics(outcome.diagnostics)
        #expect(diagnostics.map(\.severity) == outcome.diagnostics.map { $0.severity == .error ? .error : .warning })
        #expect(diagnostics.filter { $0.severity == .warning }.count == 2)
        #expect(diagnostics.map(\.text) == outcome.diagnostics.map { $0.description + ($0.hint.map { " (hint: \($0))" } ?? "") })
    }

    @Test("RELOAD's diagnostics keep herald check's did-you-mean hints")
    func reloadDiagnosticsKeepHints() {
        let outcome = RuleSetLoader(
            source: InMemoryRuleSource([
                "r/a.rules": "include \"f.list\"\nrule r\n    title \"t\"\n    let firm = @FIRMM\n",
                "r/f.list": "list FIRM kind=entity\nApple\n",
            ])
        ).load("r")
        let diagnostics = ServeCommand.reloadDiagnostics(outcome.diagnostics)
        #expect(diagnostics.contains { $0.text.hasSuffix("unknown list '@FIRMM' (hint: did you mean '@FIRM'?)") }, "\(diagnostics)")
    }

    @Test("every subcommand's --help reads like a man page: abstract and discussion")
    func subcommandHelp() {
        for command in HeraldCommand.configuration.subcommands {
            let help = command.helpMessage(columns: 100)
            #expect(help.contains("OVERVIEW:"), "\(command)")
            #expect(help.count > 400, "\(command) help is too thin")
        }
    }
}
