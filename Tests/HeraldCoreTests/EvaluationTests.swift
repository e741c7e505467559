import Foundation
import HeraldRules
import Testing

@testable import HeraldCore

/// `herald eval`'s labels and scoring: a bad labels file is an error that names its line, and an alert counts only
/// with the right rule, firm and one of the places.
@Suite("Evaluation labels and scoring")
struct EvaluationTests {
    static let header = "file\trule\tfirm\tplace\tclass\tstyle\tnote\n"

    @Test("labels: alternatives with '|', several alerts per article, near misses with '-'")
    func parse() throws {
        let articles = try EvaluationLabels.parse(
            Self.header + "a.txt\tr\tAlibaba\tSanta Clara|Silicon Valley\tplace\twire\tn\n"
                + "a.txt\tr\tTencent\tAustin\tplace\twire\tn\n" + "b.txt\t-\t-\t-\tfactuality\tlocal\tdenial\n",
            name: "labels.tsv")
        #expect(articles.count == 2)
        #expect(articles[0].expected.count == 2)
        #expect(articles[0].expected[0].places == ["Santa Clara", "Silicon Valley"])
        #expect(articles[1].expected.isEmpty && articles[1].articleClass == "factuality")
    }

    @Test("bad labels are errors naming the line")
    func badLabels() {
        #expect(throws: EvaluationLabels.Error.self) { try EvaluationLabels.parse("name\tx\n", name: "l.tsv") }
        do {
            _ = try EvaluationLabels.parse(Self.header + "a.txt\tr\n", name: "l.tsv")
            Issue.record("a two-column line must fail")
        } catch {
            #expect(error.description == "l.tsv:2: 2 columns, expected at least 4 (file, rule, firm, place)")
        }
        do {
            _ = try EvaluationLabels.parse(Self.header + "a.txt\tr\tAlibaba\tAustin\n" + "a.txt\t-\t-\t-\n", name: "l.tsv")
            Issue.record("an article cannot be both")
        } catch {
            #expect(error.description == "l.tsv:3: 'a.txt' has expected alerts and a '-' line")
        }
    }

    @Test("scoring: the wrong place is a false alert and a miss; each expected alert is used once")
    func scoring() throws {
        let article = try #require(
            try EvaluationLabels.parse(Self.header + "a.txt\tr\tAlibaba\tSunnyvale\n", name: "l").first)
        func raised(_ firm: String, _ place: String) -> Evaluation.RaisedAlert {
            Evaluation.RaisedAlert(rule: "r", firm: firm, place: place, fields: [], evidence: "")
        }
        let right = Evaluation.score(article, raised: [raised("Alibaba", "Sunnyvale")], explanation: [])
        #expect(right.isRight)
        let wrongPlace = Evaluation.score(article, raised: [raised("Alibaba", "Austin")], explanation: [])
        #expect(wrongPlace.missed.count == 1 && wrongPlace.falseAlerts.count == 1)
        let twice = Evaluation.score(article, raised: [raised("Alibaba", "Sunnyvale"), raised("Alibaba", "Sunnyvale")], explanation: [])
        #expect(twice.found.count == 1 && twice.falseAlerts.count == 1)
    }

    @Test("a corpus folder without labels.tsv, or naming a missing article, is a clear error")
    func missingFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try Evaluation.run(.empty, directory: folder.path)
            Issue.record("no labels.tsv must fail")
        } catch {
            #expect(error.description.hasSuffix("labels.tsv: cannot read the corpus labels"))
        }
        try (Self.header + "gone.txt\t-\t-\t-\n").write(to: folder.appendingPathComponent("labels.tsv"), atomically: true, encoding: .utf8)
        do {
            _ = try Evaluation.run(.empty, directory: folder.path)
            Issue.record("a missing article must fail")
        } catch {
            #expect(error.description.hasSuffix("gone.txt: labelled in labels.tsv but cannot be read"))
        }
    }
}
