import Testing

@testable import HeraldRules

@Suite("Tokenizer")
struct TokenizerTests {
    let tokenizer = Tokenizer()

    func texts(_ text: String) -> [String] { tokenizer.tokenize(text).map(\.text) }

    @Test("offsets point into the original text, curly quotes and all")
    func offsetsIntoOriginal() {
        let text = "China’s “AI” team"
        let tokens = tokenizer.tokenize(text)
        let scalars = Array(text.unicodeScalars)
        for token in tokens {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[token.start..<token.end])
            #expect(Tokenizer.normalizedText(scalars[token.start..<token.end]) == token.text, "\(String(view))")
        }
        #expect(tokens.map(\.text) == ["China", "'s", "\"", "AI", "\"", "team"])
        #expect(tokens[1].kind == .possessive)
    }

    @Test("dotted acronyms and domains stay one token")
    func acronyms() {
        #expect(texts("the U.S. and U.S.A. and A.I. firms") == ["the", "U.S.", "and", "U.S.A.", "and", "A.I.", "firms"])
        #expect(texts("JD.com and Pony.ai grew 3.5% to 12,416") == ["JD.com", "and", "Pony.ai", "grew", "3.5", "%", "to", "12,416"])
    }

    @Test("a sentence-final period after a word is its own token")
    func finalPeriod() {
        #expect(texts("It opened in Seattle.") == ["It", "opened", "in", "Seattle", "."])
        #expect(texts("based in Calif. now") == ["based", "in", "Calif", ".", "now"])
    }

    @Test("hyphens split words, contractions do not")
    func hyphensAndContractions() {
        #expect(texts("US-based e-commerce") == ["US", "-", "based", "e", "-", "commerce"])
        #expect(texts("it didn't, won’t") == ["it", "didn't", ",", "won't"])
    }

    @Test("CJK characters are tokens of their own, mixed with Latin text")
    func cjk() {
        let tokens = tokenizer.tokenize("阿里巴巴在Sunnyvale")
        #expect(tokens.map(\.text) == ["阿", "里", "巴", "巴", "在", "Sunnyvale"])
        #expect(tokens.prefix(5).allSatisfy { $0.kind == .cjk })
        #expect(tokens.map(\.wordIndex) == [0, 1, 2, 3, 4, 5])
    }

    @Test("NFKC folds full-width letters; keys are lowercase")
    func normalisation() {
        let tokens = tokenizer.tokenize("ＡＩ Team")
        #expect(tokens.map(\.text) == ["AI", "Team"])
        #expect(tokens.map(\.key) == ["ai", "team"])
    }

    @Test("punctuation does not count as words for proximity")
    func wordIndexes() {
        let tokens = tokenizer.tokenize("Alibaba, the firm, opened")
        #expect(tokens.filter(\.isWordLike).map(\.wordIndex) == [0, 1, 2, 3])
        #expect(tokens.last?.wordIndex == 3)
    }

    @Test("empty and whitespace-only text give no tokens; control characters do not crash")
    func degenerate() {
        #expect(tokenizer.tokenize("").isEmpty)
        #expect(tokenizer.tokenize(" \n\t ").isEmpty)
        #expect(tokenizer.tokenize("\u{0}\u{1}\u{FFFD}x").map(\.text).last == "x")
    }
}
