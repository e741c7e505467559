import Foundation
import HeraldRules
import Testing

@testable import HeraldCore

@Suite("Alerts and the alert engine")
struct AlertTests {
    static let rules = """
        include "l.list"
        rule r1
            title "Firm in place"
            severity high
            tags a, b
            let firm = @FIRM
            let place = @PLACE
            emit firm=firm, place=place
        """
    static let lists = "list FIRM\nAlibaba\nlist PLACE\nSunnyvale\n"

    func ruleSet() throws -> RuleSet {
        try #require(RuleSetLoader(source: InMemoryRuleSource(["r/m.rules": Self.rules, "r/l.list": Self.lists])).load("r").ruleSet)
    }

    @Test("an alert line is one JSON object in the documented shape")
    func shape() throws {
        let article = Article(id: "a\"1", title: "Tab\there", body: "Intro.\n\nAlibaba opened in Sunnyvale.", source: "S")
        let match = try #require(try ruleSet().match(title: article.title, body: article.body).matches.first)
        let alert = Alert(match: match, article: article, id: 42, matchedAt: Date(timeIntervalSince1970: 1_700_000_000.5))
        let line = alert.jsonLine()
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["v"] as? Int == 1)
        #expect(object["type"] as? String == "alert")
        #expect(object["id"] as? Int == 42)
        #expect(object["rule"] as? String == "r1")
        #expect(object["severity"] as? String == "high")
        #expect(object["tags"] as? [String] == ["a", "b"])
        #expect(object["fields"] as? [String: String] == ["firm": "Alibaba", "place": "Sunnyvale"])
        let evidence = try #require(object["evidence"] as? [String: Any])
        #expect(evidence["text"] as? String == "Alibaba opened in Sunnyvale.")
        #expect(evidence["start"] as? Int == 8)
        let spans = try #require(evidence["spans"] as? [String: [String: Any]])
        #expect(spans["place"]?["start"] as? Int == 26)
        let articleObject = try #require(object["article"] as? [String: Any])
        #expect(articleObject["id"] as? String == "a\"1")
        #expect(articleObject["title"] as? String == "Tab\there")
        #expect(object["matched_at"] as? String == "2023-11-14T22:13:20.500Z")
        #expect(line.hasPrefix("{\"v\":1,\"type\":\"alert\",\"id\":42,"))
    }

    @Test("JSON strings escape quotes, backslashes and control characters")
    func escaping() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("k", "q\"b\\n\n\u{1}\u{7F}é")
        writer.endObject()
        #expect(writer.string == "{\"k\":\"q\\\"b\\\\n\\n\\u0001\\u007fé\"}")
        let decoded = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: String]
        #expect(decoded?["k"] == "q\"b\\n\n\u{1}\u{7F}é")
    }
}
