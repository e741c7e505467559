import Foundation
import Testing

/// `herald match --explain` as a user reads it: each line names its file and article, a failed `require` says what
/// was missing, and a rule a sentence compiled shows its rejects whole.
@Suite("herald match --explain output", .timeLimit(.minutes(2)))
struct ExplainOutputTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("several inputs: every line says which file and which article it is about")
    func linesNameTheirArticle() async throws {
        let seeds = Self.root.appendingPathComponent("seeds").path
        let result = try await HeraldProcess.run([
            "match", "--explain", "--rules", Self.root.appendingPathComponent("Rules").path, seeds + "/articles.jsonl",
            seeds + "/09-xpeng-design-studio.txt",
        ])
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("explain: ") }
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix("explain: \(seeds)/articles.jsonl#") || $0.hasPrefix("explain: \(seeds)/09-") })
        #expect(lines.contains { $0.contains("articles.jsonl#minimax-texas-presence: cn-us-ai-team") })
        #expect(lines.contains {
            $0.contains("09-xpeng-design-studio.txt: cn-us-ai-team")
                && $0.contains("'require' not satisfied: none of 'ai' or 'about' or 'main' or 'later' or team[ai=yes] or firm[sector=ai|autonomous]")
        })
    }

    @Test("a sentence rule's reject reads as the clause it compiled to")
    func sentenceRejects() async throws {
        let result = try await HeraldProcess.run([
            "match", "--explain", "--rules", Self.root.appendingPathComponent("Rules/sentences").path,
            Self.root.appendingPathComponent("seeds/07-baidu-sunnyvale-retreat.txt").path,
        ])
        #expect(result.stderr.contains("rejected by 'reject @RETREAT_VERB near verb within clause'"), "\(result.stderr)")
    }
}
