import Foundation
import Testing

@testable import HeraldRules

/// RULES.md teaches the language with examples; they must compile and their `expect` lines must pass.
@Suite("RULES.md examples")
struct DocumentationExamplesTests {
    static let rulesDocument = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("RULES.md").path

    @Test("every rules and list block in RULES.md compiles and every expect passes")
    func examplesPass() throws {
        let outcome = RuleSetLoader().load(Self.rulesDocument)
        #expect(outcome.errors.isEmpty, "\(outcome.errors.map(\.rendered).joined(separator: "\n"))")
        let ruleSet = try #require(outcome.ruleSet)
        #expect(ruleSet.rules.count >= 6)
        #expect(ruleSet.rules.reduce(0) { $0 + $1.expectations.count } >= 15)
    }

    @Test("a diagnostic in a Markdown example points at the document's own line")
    func markdownLines() throws {
        let markdown = "# Doc\n\n```list\nlist A\nx\n```\n\nText.\n\n```rules\nrule r\n    title \"T\"\n    let a = @B\n```\n"
        let (source, root) = MarkdownExamples.source(markdown: markdown, path: "doc.md")
        let outcome = RuleSetLoader(source: source).loadFiles([root])
        let error = try #require(outcome.errors.first)
        #expect(error.description == "doc.md:13:13: error: unknown list '@B'")
    }
}
