import Foundation
import HeraldArticle
import HeraldCore
import HeraldRules
import Testing

/// The rules and sample articles shipped in the repository, end to end: what a user sees from `herald check`
/// and `herald match` on a fresh clone.
@Suite("Shipped rules and sample articles")
struct ShippedRulesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func load() throws -> RuleSet {
        let outcome = RuleSetLoader().load(root.appendingPathComponent("Rules").path)
        let rendered = outcome.diagnostics.map(\.rendered).joined(separator: "\n")
        #expect(outcome.diagnostics.isEmpty, "herald check Rules must be clean:\n\(rendered)")
        return try #require(outcome.ruleSet, "\(rendered)")
    }

    static func alerts(in file: URL, ruleSet: RuleSet) throws -> [String: [Alert]] {
        let bytes = try [UInt8](Data(contentsOf: file))
        var byArticle: [String: [Alert]] = [:]
        for article in try ArticleParser().parse(bytes, format: .auto, name: file.lastPathComponent) {
            let key = file.pathExtension == "jsonl" ? "\(file.lastPathComponent)#\(article.id)" : file.lastPathComponent
            byArticle[key] = ruleSet.match(title: article.title, body: article.body).matches.map {
                Alert(match: $0, article: article)
            }
        }
        return byArticle
    }

    @Test("herald check Rules is clean: no error, no warning, every example passes")
    func checkIsClean() throws {
        let ruleSet = try Self.load()
        #expect(ruleSet.rule("cn-us-ai-team")?.title == "Chinese firm opens a US AI team")
        #expect(ruleSet.lists.first { $0.name == "CN_FIRM" }.map(\.entries.count) ?? 0 >= 100)
    }

    @Test("the sample articles in seeds/ produce exactly the alerts listed in seeds/EXPECTED.tsv")
    func seeds() throws {
        let ruleSet = try Self.load()
        let seeds = Self.root.appendingPathComponent("seeds")
        let table = try String(contentsOf: seeds.appendingPathComponent("EXPECTED.tsv"), encoding: .utf8)
        var expected: [String: Set<String>] = [:]
        for line in table.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 4 else { continue }
            expected[columns[0], default: []].formUnion(columns[1] == "-" ? [] : ["\(columns[1]) \(columns[2]) @ \(columns[3])"])
        }
        var actual: [String: Set<String>] = [:]
        let files = try FileManager.default.contentsOfDirectory(atPath: seeds.path).filter {
            $0.hasSuffix(".txt") || $0.hasSuffix(".jsonl")
        }
        for file in files {
            for (key, alerts) in try Self.alerts(in: seeds.appendingPathComponent(file), ruleSet: ruleSet) {
                actual[key] = Set(alerts.map { "\($0.rule) \($0.field("firm") ?? "?") @ \($0.field("place") ?? "?")" })
            }
        }
        #expect(Set(actual.keys) == Set(expected.keys))
        for key in expected.keys.sorted() {
            #expect(actual[key] == expected[key], "\(key)")
        }
    }

    /// The article the project started from. It lives in the shared seeds folder beside the repository
    /// (`../shared/seeds`), not in it; `HERALD_SHARED_SEEDS` names another folder.
    static let originalSeedFile: URL = {
        let folder = ProcessInfo.processInfo.environment["HERALD_SHARED_SEEDS"].map { URL(fileURLWithPath: $0) }
            ?? root.deletingLastPathComponent().appendingPathComponent("shared/seeds")
        return folder.appendingPathComponent("000_ebc3bd981fbd0bc7.txt")
    }()

    static var originalSeedMissing: Comment {
        Comment(
            rawValue: "SKIPPED: \(originalSeedFile.path) is missing, so the article that started the project was not "
                + "checked; it lives in ../shared/seeds beside the repository (or set HERALD_SHARED_SEEDS)")
    }

    // A visible skip, not a silent pass: without the file the run reports this test as skipped, with the reason.
    @Test(
        "the article that started the project: Alibaba (Sunnyvale), ByteDance, Meituan and Moonshot AI; not Baidu",
        .enabled(if: FileManager.default.fileExists(atPath: originalSeedFile.path), originalSeedMissing))
    func originalSeed() throws {
        let file = Self.originalSeedFile
        let ruleSet = try Self.load()
        let alerts = try #require(try Self.alerts(in: file, ruleSet: ruleSet).values.first)
        let firms = Dictionary(uniqueKeysWithValues: alerts.map { ($0.field("firm") ?? "?", $0) })
        #expect(Set(firms.keys) == ["Alibaba", "ByteDance", "Meituan", "Moonshot AI"])
        #expect(firms["Alibaba"]?.field("place") == "Sunnyvale")
        #expect(firms["Alibaba"]?.field("state") == "CA")
        #expect(firms["Moonshot AI"]?.field("place") == "San Francisco")
        #expect(alerts.allSatisfy { $0.rule == "cn-us-ai-team" && $0.severity == .high })
        #expect(alerts.first?.article.source == "FT.com")
    }
}
