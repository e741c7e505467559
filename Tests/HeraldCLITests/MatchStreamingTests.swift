import Foundation
import Testing

/// `herald match` on archives: any size in bounded memory (the article limit is per article), gzip, bad lines
/// reported with their line and skipped, `--jobs` keeping input order, and a summary on standard error.
@Suite("herald match streaming", .timeLimit(.minutes(5)))
struct MatchStreamingTests {
    /// One small keyword rule, so a file over the 10 MiB article limit is matched in seconds by a debug build.
    static func rules() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-match-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            list FIRM kind=entity
            Zebracorp                 country=US
            """.write(to: folder.appendingPathComponent("firms.list"), atomically: true, encoding: .utf8)
        try """
            include "firms.list"

            rule zebra
                title "Zebracorp in the news"
                severity info
                let firm = @FIRM
            """.write(to: folder.appendingPathComponent("test.rules"), atomically: true, encoding: .utf8)
        return folder.path
    }

    static func article(_ index: Int, matching: Bool) -> String {
        let body = matching ? "Zebracorp said on Tuesday it had hired staff." : "Nothing to see in story \(index)."
        return #"{"id":"a\#(index)","title":"Story \#(index)","body":"\#(body) \#(String(repeating: "Filler text. ", count: 40))"}"#
    }

    /// About 11 MB of JSON lines: over the 10 MiB article limit as a whole, every 50th article matching.
    static func archive() throws -> (path: String, matching: [String], count: Int) {
        var text = ""
        var matching: [String] = []
        var index = 0
        while text.utf8.count < 11_000_000 {
            let matches = index % 50 == 0
            if matches { matching.append("a\(index)") }
            text += article(index, matching: matches) + "\n"
            index += 1
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-archive-\(UUID().uuidString).jsonl").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, matching, index)
    }

    static func alertIDs(_ stdout: String) throws -> [String] {
        try stdout.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let article = try #require(object["article"] as? [String: Any])
            return try #require(article["id"] as? String)
        }
    }

    @Test("a JSON-lines file over the article limit is matched whole, in order, with one and two jobs and gzipped")
    func largeArchive() async throws {
        let rules = try Self.rules()
        let (path, matching, count) = try Self.archive()
        let one = try await HeraldProcess.run(["match", "--rules", rules, "--jobs", "1", path])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(try Self.alertIDs(one.stdout) == matching)
        #expect(one.stderr.hasPrefix("herald match: \(count) articles, \(matching.count) alerts, 0 errors; 11.0 MB"), "\(one.stderr)")

        let two = try await HeraldProcess.run(["match", "--rules", rules, "--jobs", "2", "--quiet", path])
        #expect(two.status == 0)
        #expect(try Self.alertIDs(two.stdout) == matching)
        #expect(two.stderr.isEmpty, "--quiet prints no summary: \(two.stderr)")

        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-k", "-f", path]
        try gzip.run()
        gzip.waitUntilExit()
        let zipped = try await HeraldProcess.run(["match", "--rules", rules, "--quiet", path + ".gz"])
        #expect(zipped.status == 0, "\(zipped.stderr)")
        #expect(try Self.alertIDs(zipped.stdout) == matching)
    }

    @Test("bad lines are reported with file and line, the rest is matched, and the exit status says so")
    func badLines() async throws {
        let rules = try Self.rules()
        let input = [
            Self.article(1, matching: true), "{not json", Self.article(3, matching: true), #"{"title":""}"#,
            Self.article(5, matching: true),
        ].joined(separator: "\n")
        let result = try await HeraldProcess.run(["match", "--rules", rules, "--format", "json", "-"], input: input)
        #expect(result.status == 1)
        #expect(try Self.alertIDs(result.stdout) == ["a1", "a3", "a5"])
        #expect(result.stderr.contains("herald: <stdin>:2: malformed JSON"), "\(result.stderr)")
        #expect(result.stderr.contains("herald: <stdin>:4: an article needs a non-empty"), "\(result.stderr)")
        #expect(result.stderr.contains("3 articles, 3 alerts, 2 errors"), "\(result.stderr)")
    }

    @Test("an input with no articles, a missing file, a missing rule folder and --jobs 0 are clear errors")
    func emptyAndMissing() async throws {
        let rules = try Self.rules()
        let empty = try await HeraldProcess.run(["match", "--rules", rules, "--format", "json", "-"], input: "\n\n")
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("<stdin>: no articles in the input"), "\(empty.stderr)")
        let missing = try await HeraldProcess.run(["match", "--rules", rules, "/nonexistent/archive.jsonl"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read /nonexistent/archive.jsonl"), "\(missing.stderr)")
        // A rule folder that is not there, or a file given as one: said in words, not as a Foundation error.
        let noRules = try await HeraldProcess.run(["match", "--rules", "/nonexistent/Rules", "-"], input: "")
        #expect(noRules.status != 0)
        #expect(noRules.stderr.contains("cannot read rule folder: /nonexistent/Rules does not exist"), "\(noRules.stderr)")
        #expect(!noRules.stderr.contains("NSCocoaErrorDomain"))
        let notFolder = try await HeraldProcess.run(["match", "--rules", "/etc/hostname", "-"], input: "")
        #expect(notFolder.stderr.contains("/etc/hostname is not a folder"), "\(notFolder.stderr)")
        let jobs = try await HeraldProcess.run(["match", "--rules", rules, "--jobs", "0", "-"])
        #expect(jobs.status != 0)
        #expect(jobs.stderr.contains("--jobs must be 1 or more"), "\(jobs.stderr)")
    }
}
