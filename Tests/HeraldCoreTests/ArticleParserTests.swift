import Foundation
@testable import HeraldArticle
import Testing

@testable import HeraldCore

@Suite("Article parsing")
struct ArticleParserTests {
    let parser = ArticleParser()

    func parse(_ text: String, _ format: ArticleFormat = .auto, name: String = "input") throws(ArticleError) -> [Article] {
        try parser.parse(Array(text.utf8), format: format, name: name)
    }

    @Test("scraped text: noise lines are neither title nor body; date and source are read")
    func scrapedText() throws {
        let text = """
            Widget Corp (WGT)- Technical Analysis
            $12,416
            Widget Corp (WGT)- Technical Analysis
            06 Nov 2025, 09:34
            Pexels.com
            First paragraph of the story.
            Second paragraph, which goes on.
            Source:(Example News)
            """
        let article = try #require(try parse(text).first)
        #expect(article.title == "Widget Corp (WGT)- Technical Analysis")
        #expect(article.published == "2025-11-06T09:34:00Z")
        #expect(article.source == "Example News")
        #expect(article.body == "First paragraph of the story.\n\nSecond paragraph, which goes on.")
    }

    @Test("scraped text without a date line: the first real line is the title")
    func noDate() throws {
        let article = try #require(try parse("Photo: Getty Images\nHeadline here\n\nBody text.\n\nSource: Wire").first)
        #expect(article.title == "Headline here")
        #expect(article.body == "Body text.")
        #expect(article.source == "Wire")
        #expect(article.published == nil)
    }

    @Test("date lines in common formats", arguments: [
        ("06 Nov 2025, 09:34", "2025-11-06T09:34:00Z"),
        ("November 6, 2025", "2025-11-06T00:00:00Z"),
        ("Nov 6, 2025 9:34 AM", "2025-11-06T09:34:00Z"),
        ("Thursday, 6 November 2025 9:34 pm", "2025-11-06T21:34:00Z"),
        ("2025-11-06", "2025-11-06T00:00:00Z"),
        ("2025-11-06T09:34:00+08:00", "2025-11-06T09:34:00+08:00"),
        ("Published 2025-11-06 09:34", "2025-11-06T09:34:00Z"),
    ])
    func dates(line: String, iso: String) {
        #expect(DateLineParser.parse(line) == iso)
    }

    @Test("lines that only look like dates are not dates", arguments: [
        "Nov 31, 2025", "May the best firm win", "2025-13-01", "Open 24 hours", "1,2,3,4",
    ])
    func notDates(line: String) {
        #expect(DateLineParser.parse(line) == nil)
    }

    @Test("JSON lines: every field, numeric ids, and one article per line")
    func jsonLines() throws {
        let input = """
            {"id":"a1","title":"T1","body":"B1","source":"S","url":"https://example.com/1","published":"Nov 6, 2025"}

            {"id":7,"title":"T2","body":"B2"}
            """
        let articles = try parse(input, name: "x.jsonl")
        #expect(articles.map(\.id) == ["a1", "7"])
        #expect(articles[0].published == "2025-11-06T00:00:00Z")
        #expect(articles[0].url == "https://example.com/1")
    }

    @Test("a JSON title loses the white space around it, Unicode spaces and line breaks included, and nothing else")
    func jsonTitleTrim() throws {
        let titles = [
            ("  Alibaba opens a lab \n", "Alibaba opens a lab"), ("\u{3000}\u{00A0}Lab\u{2028}\t", "Lab"),
            ("Lab", "Lab"), ("Open\u{00A0}lab", "Open\u{00A0}lab"), ("\u{00A0}", ""),
        ]
        for (raw, trimmed) in titles {
            let line = String(decoding: try JSONSerialization.data(withJSONObject: ["title": raw, "body": "B"]), as: UTF8.self)
            #expect(try parser.parseJSON(line).title == trimmed)
        }
    }

    @Test("format detection by extension, then by content")
    func detection() throws {
        #expect(ArticleParser.resolve(.auto, name: "a.ndjson", text: "x") == .json)
        #expect(ArticleParser.resolve(.auto, name: "a.txt", text: "{") == .text)
        #expect(ArticleParser.resolve(.auto, name: "-", text: "  {\"title\":1}") == .json)
        #expect(ArticleParser.resolve(.auto, name: "-", text: "Headline") == .text)
    }

    @Test("malformed inputs get a clear error with a code", arguments: [
        ("{\"title\": \"x\"", "bad_json"),
        ("[1,2]", "bad_json"),
        ("{\"title\": 5, \"body\": \"x\"}", "bad_article"),
        ("{\"title\": \"\", \"body\": \"  \"}", "missing_field"),
    ])
    func badJSON(input: String, code: String) {
        #expect { try parse(input, .json) } throws: { ($0 as? ArticleError)?.code == code }
    }

    @Test("a bad JSON line names its line number")
    func badLineNumber() {
        #expect { try parse("{\"title\":\"a\",\"body\":\"b\"}\n{oops}\n", .json, name: "f.jsonl") } throws: { error in
            (error as? ArticleError)?.message.hasPrefix("f.jsonl:2: malformed JSON") == true
        }
    }

    @Test("empty input, binary junk and invalid UTF-8 are refused")
    func refused() {
        #expect { try parse("", .text) } throws: { ($0 as? ArticleError)?.code == "empty" }
        #expect { try parse("\n\n  \n", .text) } throws: { ($0 as? ArticleError)?.code == "empty" }
        let binary: [UInt8] = (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect { try parser.parse(binary, format: .auto, name: "junk.bin") } throws: { error in
            let code = (error as? ArticleError)?.code
            return code == "binary" || code == "invalid_utf8"
        }
        let invalid: [UInt8] = Array("Title\n\nBody ".utf8) + [0xC3, 0x28] + Array(" more".utf8)
        #expect { try parser.parse(invalid, format: .text, name: "bad.txt") } throws: { error in
            (error as? ArticleError)?.message == "bad.txt: not valid UTF-8 (at byte 12)"
        }
    }

    @Test("a 10 MB single line is handled: parsed as text, refused over the size limit")
    func hugeLine() throws {
        let line = String(repeating: "word ", count: 2_000_000)
        let articles = try parse(line, .text)
        #expect(articles.count == 1)
        #expect(articles.first?.title == "")
        #expect(articles.first?.body.count == line.count - 1)
        let small = ArticleParser(maximumBytes: 1 << 20)
        #expect { try small.parse(Array(line.utf8), format: .json, name: "big") } throws: {
            ($0 as? ArticleError)?.code == "too_large"
        }
        #expect { try small.parseJSON(line) } throws: { ($0 as? ArticleError)?.code == "too_large" }
    }

    @Test("content ids ignore spacing, case and typographic quotes, and differ for different text")
    func contentID() {
        let a = Article(title: "Alibaba’s AI team", body: "It opened  in\nSunnyvale.")
        let b = Article(title: "alibaba's ai team", body: "It opened in Sunnyvale.")
        let c = Article(title: "Alibaba's AI team", body: "It opened in Seattle.")
        #expect(a.contentID == b.contentID)
        #expect(a.contentID != c.contentID)
        #expect(a.contentID.count == 16)
        #expect(Article(id: "mine", title: "x", body: "y").id == "mine")
    }

    @Test("ASCII text normalises exactly as the whole-text definition says, so stored content ids stay valid")
    func asciiNormalisationMatchesDefinition() {
        let everyByte = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        var samples = [
            everyByte, "", " ", "\t\n", "  Leading and trailing  ", "Mixed CASE\r\nlines\u{0B}and\u{0C}feeds",
            "ZEBRA zebra Zebra", "a  b\t\tc\n\n\nd",
        ]
        var seed: UInt64 = 42
        for _ in 0..<200 {  // random ASCII, whitespace-heavy
            var bytes: [UInt8] = []
            for _ in 0..<40 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let pick = Int(seed >> 33) % 160
                bytes.append(pick < 128 ? UInt8(pick) : [0x20, 0x09, 0x0A, 0x0D][pick % 4])
            }
            samples.append(String(decoding: bytes, as: UTF8.self))
        }
        for sample in samples {
            #expect(ContentID.normalize(sample) == Self.wholeTextNormalization(sample), "\(sample.debugDescription)")
        }
    }

    /// The definition of the normalisation: NFKC and lowercase over the whole text, then quotes, dashes and
    /// whitespace. Stored content ids were made with it; the island-by-island path must give the same bytes.
    static func wholeTextNormalization(_ text: String) -> String {
        var output = ""
        var pendingSpace = false
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace {
                output.append(" ")
                pendingSpace = false
            }
            switch scalar.value {
            case 0x2018, 0x2019: output.append("'")
            case 0x201C, 0x201D: output.append("\"")
            case 0x2013, 0x2014: output.append("-")
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    @Test("content ids of non-ASCII text are those of the whole-text definition: marks, ligatures, widths, scripts")
    func unicodeNormalisationMatchesDefinition() {
        var samples = [
            "Cafe\u{301} — “quoted” ‘single’ – dash", "e\u{301}\u{327}x", "\u{301}leading mark", "ﬁnance ﬂow Ⅻ ㎞",
            "ＡＢＣ ｆｕｌｌｗｉｄｔｈ", "ΟΔΟΣ ΟΔΟΣa Σ. σ", "İstanbul DİYARBAKIR", "阿里巴巴 在 Seattle 开设 AI 实验室",
            "한국어 텍스트 가", "Straße STRASSE", "a\u{00A0}b\u{2003}c\u{3000}d", "x\u{0308}\u{0301}y", "\u{1F600} emoji",
            "n\u{303}o\u{308}", "ǅ ǆ Ǆ", "Å Å", "\u{212B}ngstr\u{00F6}m",
        ]
        var seed: UInt64 = 7
        let pool: [Unicode.Scalar] = [
            "a", "Z", " ", "\n", ".", "é", "\u{301}", "\u{327}", "ﬁ", "Ａ", "Σ", "σ", "İ", "阿", "—", "“", "\u{00A0}", "ß", "ǅ",
            "\u{212B}", "\u{1100}", "\u{1161}", "Å",
        ]
        for _ in 0..<500 {
            var text = String.UnicodeScalarView()
            for _ in 0..<24 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text.append(pool[Int(seed >> 33) % pool.count])
            }
            samples.append(String(text))
        }
        for sample in samples {
            #expect(ContentID.normalize(sample) == Self.wholeTextNormalization(sample), "\(sample.debugDescription)")
        }
    }
}
