import Testing

@testable import HeraldRules

/// The matching hot path has ASCII fast paths and flat data structures (docs/perf-journal.md); each must agree exactly with
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
            #expect(CharacterClass.isDigit(scalar) == (scalar.properties.generalCategory == .decimalNumber), "\(scalar.value)")
        }
    }

    @Test("ASCII tokens get the same text and key as the general normalisation")
    func asciiTokens() {
        for word in ["Alibaba", "U.S.", "JD.com", "didn't", "AI", "team", "12,416", "x", "MiXeD"] {
            let scalars = Array(word.unicodeScalars)[...]
            let (text, key) = Tokenizer.textAndKey(ascii: Array(word.utf8)[...])
            let general = Tokenizer.normalizedText(scalars)
            #expect(text == general)
            #expect(key == Tokenizer.lowercase(general))
        }
    }

    @Test("scalars of ASCII and non-ASCII text, and ASCII evidence text")
    func scalarsAndText() {
        for text in ["Plain ASCII text.", "Curly “quotes” and 中文", ""] {
            let analyzed = AnalyzedText(text)
            #expect(analyzed.scalars == Array(text.unicodeScalars))
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
            #"    let cut = "cut" ~3 @JOBS | @VERB ~1 "plant""#,
        ]
        for line in lines {
            // A non-ASCII comment sends the line down the general path without changing its tokens.
            let general = try LineLexer.lex(line + " # ü")
            #expect(try LineLexer.lex(line) == general, "\(line)")
        }
        #expect(throws: LineLexer.Failure.self) { try LineLexer.lex(#"title "unterminated"#) }
        #expect(throws: LineLexer.Failure.self) { try LineLexer.lex("let x = `") }
    }
}

@Suite("The UTF-8 tokenizer agrees with the scalar reference")
struct TokenizerEquivalenceTests {
    static let samples = [
        "China’s “AI” team opened in Sunnyvale, Calif. on Monday. The U.S. Senate voted!",
        "JD.com and Pony.ai grew 3.5% to 12,416 units; didn't O'Brien say “won’t”?",
        "阿里巴巴在Sunnyvale成立团队。百度关闭了实验室。ＡＩ Ｔｅａｍ — ﬁne…",
        "Silicon Valley's firms' U.S.A. A.I. e.g. i.e. x's 's ' s\n\nNew paragraph\nwrapped line.\n",
        "Café naïve résumé Ünïcödé Straße İstanbul ǅ ﬀ ™ ① ½ \u{00AD}soft\u{200B}zero \u{00A0}nbsp",
        "Emoji 👍🏽 and 𝒜 math, combining e\u{0301} and 한국어 텍스트, ひらがな カタカナ.",
        "1,000,000 and 1,2 and a,1 and 3.14.15 and v2.0. and 'quoted' \"double\" (paren) [b] {c}",
        "\u{0}\u{1}\u{FFFD}x \t\r\n\u{2028}\u{2029}\u{85} end",
        "",
    ]

    @Test("tokens, offsets, texts and keys are identical")
    func tokens() {
        var generator = SplitMix(seed: 7)
        var inputs = Self.samples
        // Random mixtures of the samples' scalars, so joins and boundaries land everywhere.
        let pool = Array(Self.samples.joined().unicodeScalars)
        for _ in 0..<300 {
            var view = String.UnicodeScalarView()
            for _ in 0..<Int(generator.next() % 60) { view.append(pool[Int(generator.next() % UInt64(pool.count))]) }
            inputs.append(String(view))
        }
        // Sentence ends of every kind: abbreviations, initials, acronyms, closers, long and short words.
        for _ in 0..<300 {
            let words = ["Sen.", "Calif.", "U.S.", "F.", "The", "the", "said.", "approximately.", "Inc.", "e.g.", "It",
                "\"Really!\"", "(yes.)", "Mr.", "a.", "Xiaomi", "it.", "No.", "?", "\n", "\n\n", "etc.", "ok", "Q."]
            inputs.append((0..<Int(generator.next() % 25)).map { _ in words[Int(generator.next() % UInt64(words.count))] }
                .joined(separator: " "))
        }
        for text in inputs {
            let expected = ReferenceTokenizer().tokenize(text)
            #expect(Tokenizer().tokenize(text) == expected, "\(text.debugDescription)")
            let analyzed = AnalyzedText(text)
            #expect(analyzed.tokens == expected, "\(text.debugDescription)")
            // Ids looked up while tokenising (eight bytes at a time, lowercased on the fly) are the vocabulary's own.
            let keys = Array(Set(expected.map(\.key)).sorted().enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
            let vocabulary = TokenVocabulary(keys: keys + ["averyveryverylongkeynotintext", "x.y.z.w.v.u"])
            let withIds = AnalyzedText(text, vocabulary: vocabulary)
            #expect(withIds.textTokens.map(\.id) == expected.map { vocabulary.id(of: $0.key) }, "\(text.debugDescription)")
            for (token, reference) in zip(withIds.textTokens, expected) {
                #expect(token.id == (keys.firstIndex(of: reference.key).map(Int32.init) ?? -1), "\(reference.key)")
            }
            let segments = ReferenceSegmenter().segment(expected)
            #expect(analyzed.sentences == segments.sentences, "\(text.debugDescription)")
            #expect(analyzed.paragraphs == segments.paragraphs, "\(text.debugDescription)")
            let scalars = Array(text.unicodeScalars)
            for token in expected {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[token.start..<token.end])
                #expect(analyzed.text(from: token.start, to: token.end) == String(view))
            }
        }
    }
}

private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("The one-pass hit resolver agrees with the sorting reference")
struct HitResolverEquivalenceTests {
    @Test("random raw hits in scan order: same visible hits, same order")
    func randomHits() {
        var generator = SplitMix(seed: 11)
        for _ in 0..<2000 {
            let tokens = 1 + Int(generator.next() % 30)
            let listCount = 1 + Int(generator.next() % 6)
            let entityLists = (0..<listCount).map { _ in generator.next() % 3 == 0 }
            var raw: [Hit] = []
            // As PhraseIndex.scan emits them: by first token, then by increasing end; duplicates allowed.
            for first in 0..<tokens {
                var ends: [Int] = []
                for _ in 0..<Int(generator.next() % 4) { ends.append(first + 1 + Int(generator.next() % 4)) }
                for end in ends.sorted() where end <= tokens {
                    let hit = Hit(
                        list: Int32(generator.next() % UInt64(listCount)), entry: Int32(generator.next() % 3),
                        firstToken: first, endToken: end, firstWord: first, lastWord: end - 1)
                    raw.append(hit)
                    if generator.next() % 8 == 0 { raw.append(hit) }
                }
            }
            let expected = ReferenceHitResolver.resolve(raw, entityLists: entityLists)
            #expect(HitResolver.resolve(raw, entityLists: entityLists) == expected, "\(raw)")
        }
    }
}
