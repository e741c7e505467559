import ArgumentParser
import Foundation
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

    @Test("every subcommand's --help reads like a man page: abstract and discussion")
    func subcommandHelp() {
        for command in HeraldCommand.configuration.subcommands {
            let help = command.helpMessage(columns: 100)
            #expect(help.contains("OVERVIEW:"), "\(command)")
            #expect(help.count > 400, "\(command) help is too thin")
        }
    }
}
