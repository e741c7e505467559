import Foundation
import HeraldCore
import HeraldRules
import HeraldServer
import Testing

/// The issue's acceptance scenario: the real `Rules/` folder, the articles in `seeds/`, published over TLS, and
/// the alert lines a subscriber receives compared with `seeds/EXPECTED.tsv`.
@Suite("Seed scenario", .timeLimit(.minutes(1)))
struct SeedScenarioTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Expectation: Hashable, CustomStringConvertible {
        var source: String
        var rule: String
        var firm: String
        var place: String
        var description: String { "\(source) \(rule) \(firm) → \(place)" }
    }

    static func expectations() throws -> [Expectation] {
        let text = try String(contentsOf: root.appendingPathComponent("seeds/EXPECTED.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 4, columns[1] != "-" else { return nil }
            return Expectation(source: columns[0], rule: columns[1], firm: columns[2], place: columns[3])
        }
    }

    @Test("publishing every seed article over TLS delivers exactly the expected alerts")
    func seeds() async throws {
        let outcome = RuleSetLoader().load(Self.root.appendingPathComponent("Rules").path)
        let ruleSet = try #require(outcome.ruleSet, "Rules/ does not load: \(outcome.errors.map(\.description))")
        let certificates = try TestCertificates.shared.get()
        let expected = try Self.expectations()
        try await TestServer.run(engine: try await TestEngine.make(ruleSet), certificates: certificates) { server in
            let subscriber = try await TestClient.connected(to: server)
            try await subscriber.request("SUB *")
            let publisher = try await TestClient.connected(to: server)
            var received: [Expectation] = []

            func collect(_ ok: [String: Any], source: String) async throws {
                for _ in 0..<(ok["alerts"] as? Int ?? 0) {
                    let alert = try await subscriber.expect("alert")
                    let fields = alert["fields"] as? [String: Any] ?? [:]
                    received.append(
                        Expectation(
                            source: source, rule: alert["rule"] as? String ?? "?",
                            firm: fields["firm"] as? String ?? "?", place: fields["place"] as? String ?? "?"))
                }
            }

            let seeds = Self.root.appendingPathComponent("seeds")
            let files = try FileManager.default.contentsOfDirectory(atPath: seeds.path)
                .filter { $0.hasSuffix(".txt") }.sorted()
            for file in files {
                let text = try String(contentsOf: seeds.appendingPathComponent(file), encoding: .utf8)
                try await publisher.send("ARTICLE")
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    try await publisher.send(line.hasPrefix(".") ? "." + line : String(line))
                }
                let ok = try await publisher.request(".")
                #expect(ok["command"] as? String == "article")
                try await collect(ok, source: file)
            }
            let jsonl = try String(contentsOf: seeds.appendingPathComponent("articles.jsonl"), encoding: .utf8)
            for line in jsonl.split(separator: "\n") where !line.isEmpty {
                let ok = try await publisher.request("PUB " + line)
                try await collect(ok, source: "articles.jsonl#\(ok["article"] as? String ?? "?")")
            }
            #expect(Set(received) == Set(expected))
            #expect(received.count == expected.count)
            await subscriber.expectNothing()
            await subscriber.close()
            await publisher.close()
        }
    }
}
