import Foundation
import HeraldArticle
import HeraldRules
import Testing

/// The byte-level prefilter (HeraldRules' `ArticlePrefilter`) skips articles no rule can fire on; it must never
/// skip one that gives an alert. With `explain` the matcher reads every article in full, so the shipped rules must
/// give the same alerts either way on every article of the labelled corpus and the seed.
@Suite("Article prefilter on the labelled corpus")
struct ArticlePrefilterCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("the shipped rules give the same alerts with and without the prefilter on every corpus and seed article")
    func sameAlerts() throws {
        let outcome = RuleSetLoader().load(Self.root.appendingPathComponent("Rules").path)
        let ruleSet = try #require(outcome.ruleSet)
        let parser = ArticleParser()
        var articles = 0
        var alerts = 0
        for folder in ["eval/dev", "eval/heldout", "seeds"] {
            let directory = Self.root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".txt") {
                let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                let article = try parser.parseText(text)
                let filtered = ruleSet.match(title: article.title, body: article.body, published: article.published)
                let full = ruleSet.match(title: article.title, body: article.body, published: article.published, explain: true)
                #expect(
                    filtered.matches.map { "\($0.rule.id) \($0.fields)" } == full.matches.map { "\($0.rule.id) \($0.fields)" },
                    "\(folder)/\(name)")
                articles += 1
                alerts += full.matches.count
            }
        }
        #expect(articles > 350)
        #expect(alerts > 100)
    }
}
