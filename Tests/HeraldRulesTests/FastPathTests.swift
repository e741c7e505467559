import Testing

@testable import HeraldRules

/// The matching hot path has ASCII fast paths and flat data structures (BENCHMARKS.md); each must agree exactly with
/// the general code it short-cuts.
@Suite("Fast paths agree with the general code")
struct FastPathTests {
    /// Every ASCII scalar, and a few non-ASCII ones, through both the fast classification and Unicode properties.
    @Test("ASCII classification matches the Unicode properties")
    func asciiClassification() {
        let extra: [Unicode.Scalar] = ["é", "\u{00A0}", "\u{00AD}", "\u{200B}", "\u{2028}", "中", "ß"]
        for scalar in (0..<128).compactMap(Unicode.Scalar.init) + extra {
            #expect(CharacterClass.isAlphabetic(scalar) == scalar.properties.isAlphabetic, "\(scalar.value)")
            let skippable = scalar.properties.isWhitespace || scalar.properties.isDefaultIgnorableCodePoint
            #expect(CharacterClass.isSkippable(scalar) == skippable, "\(scalar.value)")
        }
    }

    @Test("ASCII tokens get the same text and key as the general normalisation")
    func asciiTokens() {
        for word in ["Alibaba", "U.S.", "JD.com", "didn't", "AI", "team", "12,416", "x", "MiXeD"] {
            let scalars = Array(word.unicodeScalars)[...]
            let (text, key) = Tokenizer.textAndKey(scalars)
            let general = Tokenizer.normalizedText(scalars)
            #expect(text == general)
            #expect(key == Tokenizer.lowercase(general))
        }
    }

    @Test("scalars of ASCII and non-ASCII text, and ASCII evidence text")
    func scalarsAndText() {
        for text in ["Plain ASCII text.", "Curly “quotes” and 中文", ""] {
            #expect(AnalyzedText.scalars(of: text) == Array(text.unicodeScalars))
            let analyzed = AnalyzedText(text)
            #expect(analyzed.text(from: 0, to: analyzed.scalars.count) == text)
        }
        #expect(AnalyzedText("Moonshot AI grew.").text(from: 9, to: 11) == "AI")
    }

    @Test("sentence enders and closers: the scalar checks match the documented sets")
    func enders() {
        for text in [".", "!", "?", "。", "！", "？", "…", "...", ",", "\"", "a.", ""] {
            #expect(Segmenter.isEnder(text) == Segmenter.enders.contains(text), "\(text)")
        }
    }

    @Test("the token vocabulary finds every key it holds and nothing else")
    func vocabulary() {
        let keys = (0..<5000).map { "w\($0)" } + ["u.s.", "中", "é", "a"]
        let vocabulary = TokenVocabulary(keys: keys)
        for (id, key) in keys.enumerated() { #expect(vocabulary.id(of: key) == Int32(id)) }
        for missing in ["w5000", "", "b", "u.s", "ab"] { #expect(vocabulary.id(of: missing) == -1) }
        #expect(TokenVocabulary().id(of: "a") == -1)
    }

    @Test("rule lines lex the same through the ASCII and the general lexer")
    func lexer() throws {
        let lines = [
            #"    let firm  = @CN_FIRM[country=CN sector!=ai|ev] near/8 verb"#,
            #"    expect match "Alibaba \"set up\" a lab." firm=Alibaba  # comment"#,
            "rule a-b.c_d  throttle 10 per 1h",
            #"    emit firm=firm, kind="x", n=12"#,
        ]
        for line in lines {
            // A non-ASCII comment sends the line down the general path without changing its tokens.
            let general = try LineLexer.lex(line + " # ü")
            #expect(try LineLexer.lex(line) == general, "\(line)")
        }
        #expect(throws: LineLexer.Failure.self) { try LineLexer.lex(#"title "unterminated"#) }
        #expect(throws: LineLexer.Failure.self) { try LineLexer.lex("let x = ~") }
    }
}
