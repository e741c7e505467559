import Foundation
import HeraldArticle
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

    @Test("alerts made from an encoded article write the same lines as alerts made from the article")
    func encodedArticle() throws {
        let article = Article(
            id: "a\"1", title: "Tab\there", body: "Intro.\n\nAlibaba opened in Sunnyvale.", source: "S",
            url: "https://example.com/1", published: "2024-01-02T03:04:05Z")
        let date = Date(timeIntervalSince1970: 1_700_000_000.5)
        let matches = try ruleSet().match(title: article.title, body: article.body).matches
        #expect(!matches.isEmpty)
        let encoded = EncodedArticle(article, matchedAt: date)
        for (id, match) in zip([0, 7] as [UInt64], matches + matches) {
            var plain = Alert(match: match, article: article, id: id, matchedAt: date)
            var shared = Alert(match: match, encodedArticle: encoded, id: id)
            #expect(shared.key == plain.key)
            #expect(shared.jsonLineBytes() == plain.jsonLineBytes())
            #expect(shared.jsonLineBytesWithoutNewline() == plain.jsonLineBytesWithoutNewline())
            #expect(shared.jsonLine() == plain.jsonLine())
            // Changed afterwards, an alert writes what it holds now, not the encoding it was made with.
            for change in [{ (alert: inout Alert) in alert.matchedAt = date.addingTimeInterval(1) },
                           { (alert: inout Alert) in alert.article.title = "Other" }] {
                change(&plain)
                change(&shared)
                #expect(shared.jsonLine() == plain.jsonLine())
            }
        }
    }

    @Test("the alert key is the first 16 hex digits of SHA-256 over rule, content id and dedup key")
    func alertKey() {
        for (rule, content, key) in [("r1", "0123456789abcdef", "Alibaba\u{1F}Sunnyvale"), ("", "", ""), ("règle", "c", "中")] {
            let expected = String(SHA256Digest.hex("\(rule)\u{0}\(content)\u{0}\(key)").prefix(16))
            #expect(Alert.key(rule: rule, contentID: content, dedupKey: key) == expected)
        }
        #expect(SHA256Digest.hexPrefix(of: Array("abc".utf8), digits: 64) == SHA256Digest.hex("abc"))
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

    @Test("JSON nesting deeper than the writer's 64-level bit stack keeps every comma")
    func deepNesting() throws {
        var writer = JSONWriter()
        writer.beginArray()
        for level in 0..<100 {
            writer.int(nil, level)
            writer.beginArray()
        }
        for level in 0..<100 {
            writer.endArray()
            writer.int(nil, level)
        }
        writer.endArray()
        var expected = "["
        for level in 0..<100 { expected += "\(level),[" }
        for level in 0..<100 { expected += "]," + "\(level)" }
        expected += "]"
        #expect(writer.string == expected)
        #expect(try JSONSerialization.jsonObject(with: Data(writer.bytes)) is [Any])
    }

    @Test("JSON integers are written like String(value)")
    func integers() {
        for value in [0, 7, -1, 10, 99, 100, 1_234_567, -9_876_543_210, Int.max, Int.min] {
            var writer = JSONWriter()
            writer.int(nil, value)
            #expect(writer.string == String(value))
        }
    }

    @Test("JSON escaping, eight bytes at a time, agrees with escaping byte by byte at every position")
    func escapingEveryPosition() throws {
        let pieces = ["a", "\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{7F}", "é", "中", " ", "z", "\t", "~", "\u{20}"]
        var state: UInt64 = 5
        for length in 0..<40 {
            for _ in 0..<20 {
                var value = ""
                for _ in 0..<length {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    value += pieces[Int(state >> 33) % pieces.count]
                }
                var bytes: [UInt8] = []
                JSONWriter.appendQuoted(value, to: &bytes)
                var expected: [UInt8] = [0x22]
                for byte in value.utf8 {
                    switch byte {
                    case 0x22: expected += [0x5C, 0x22]
                    case 0x5C: expected += [0x5C, 0x5C]
                    case 0x0A: expected += [0x5C, UInt8(ascii: "n")]
                    case 0x0D: expected += [0x5C, UInt8(ascii: "r")]
                    case 0x09: expected += [0x5C, UInt8(ascii: "t")]
                    case 0..<0x20, 0x7F: expected += Array(String(format: "\\u%04x", byte).utf8)
                    default: expected.append(byte)
                    }
                }
                expected.append(0x22)
                #expect(bytes == expected, "\(value.debugDescription)")
            }
        }
    }
}
