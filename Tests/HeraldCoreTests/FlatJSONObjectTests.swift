import Foundation
@testable import HeraldArticle
import Testing

@testable import HeraldCore

/// The fast article reader must agree with `JSONSerialization` byte for byte whenever it answers, and step aside
/// (so the general path gives its error) whenever it cannot.
@Suite("Flat JSON articles")
struct FlatJSONObjectTests {
    static let valid = [
        #"{"title":"Zebra seen","body":"A zebra was seen."}"#,
        #"  { "title" : "x" , "body" : "y" , "source" : null }  "#,
        #"{}"#,
        #"{"t":"esc \" \\ \/ \b \f \n \r \t end"}"#,
        #"{"t":"\u00e9t\u00C9 \u4e2d\u6587 \ud83e\udd93 zebra"}"#,
        #"{"t":"já está — “quoted” 中文 🦓"}"#,
        #"{"id":"a1","title":"","body":"","url":"https://example.com/a?b=1&c=2"}"#,
        "{\"title\":\"tab\",\t\"body\":\"line\"\r\n}",
        #"{"t":"\u0000 nul"}"#,
    ]

    static let notFlat = [
        #"{"id":42,"title":"x"}"#,  // a number: the general path turns it into a string
        #"{"title":"x","tags":["a"]}"#,
        #"{"title":"x","meta":{"a":"b"}}"#,
        #"{"title":"x","title":"y"}"#,  // duplicate key
        #"{"flag":true}"#,
        #"{"t":"\ud83e"}"#,  // lone surrogate
        #"{"t":"\udd93"}"#,
        #"{"t":"\x"}"#,
        "{\"t\":\"raw\ncontrol\"}",
        #"{"t":"unterminated}"#,
        #"{"t":"x",}"#,
        #"{"t":"x"} trailing"#,
        #"["t"]"#,
        #""just a string""#,
        #"{'t':'single'}"#,
        "",
        "\u{FEFF}{\"t\":\"bom\"}",
    ]

    static func reference(_ text: String) -> [String: String?]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
            let members = object as? [String: Any]
        else { return nil }
        var result: [String: String?] = [:]
        for (key, value) in members {
            if value is NSNull {
                result[key] = .some(nil)
            } else if let text = value as? String {
                result[key] = text
            } else {
                return nil
            }
        }
        return result
    }

    /// Exact comparison: `String ==` is canonical equivalence, which would hide a changed byte.
    static func bytes(_ members: [String: String?]?) -> [[UInt8]: [UInt8]?]? {
        members.map { Dictionary(uniqueKeysWithValues: $0.map { (Array($0.key.utf8), $0.value.map { Array($0.utf8) }) }) }
    }

    @Test("objects of strings and nulls read exactly as JSONSerialization reads them")
    func agreesOnFlatObjects() throws {
        for text in Self.valid {
            let flat = try #require(FlatJSONObject.parse(text), "\(text)")
            #expect(Self.bytes(flat) == Self.bytes(Self.reference(text)), "\(text)")
        }
    }

    @Test("anything else is left to the general path")
    func stepsAside() {
        for text in Self.notFlat {
            #expect(FlatJSONObject.parse(text) == nil, "\(text.debugDescription)")
        }
    }

    @Test("mutated articles: whenever the fast reader answers, JSONSerialization gives the same answer")
    func mutations() {
        var seed: UInt64 = 0x5EED
        func next() -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33)
        }
        let alphabet = Array(#"{}[]":,\ u0aZ/ntbfr"#.utf8) + [0x09, 0x0A, 0xC3, 0xA9]
        var answered = 0
        for _ in 0..<3000 {
            var bytes = Array(Self.valid[next() % Self.valid.count].utf8)
            for _ in 0...(next() % 3) where !bytes.isEmpty {
                let at = next() % bytes.count
                switch next() % 3 {
                case 0: bytes[at] = alphabet[next() % alphabet.count]
                case 1: bytes.insert(alphabet[next() % alphabet.count], at: at)
                default: bytes.remove(at: at)
                }
            }
            guard let text = String(validating: bytes, as: UTF8.self) else { continue }
            guard let flat = FlatJSONObject.parse(text) else { continue }
            answered += 1
            #expect(Self.bytes(flat) == Self.bytes(Self.reference(text)), "\(text.debugDescription)")
        }
        #expect(answered > 300)
    }

    @Test("articles read through the fast path and the general path come out the same")
    func articles() throws {
        let parser = ArticleParser()
        let fast = try parser.parseJSON(#"{"id":"7","title":" Zebra ","body":"Seen.","published":"2026-11-29"}"#)
        let general = try parser.parseJSON(#"{"id":7,"title":" Zebra ","body":"Seen.","published":"2026-11-29"}"#)
        #expect(fast == general)
        #expect(fast.title == "Zebra")
        // A repeated key is left to JSONSerialization, where the last one wins, as it always did.
        #expect(try parser.parseJSON(#"{"title":"x","title":"y"}"#).title == "y")
        #expect(throws: ArticleError.self) { try parser.parseJSON(#"{"title":"x","body":["y"]}"#) }
    }
}
