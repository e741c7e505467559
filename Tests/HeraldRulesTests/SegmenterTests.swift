import Testing

@testable import HeraldRules

@Suite("Sentence and paragraph splitting")
struct SegmenterTests {
    func sentences(_ text: String) -> [String] {
        let analyzed = AnalyzedText(text)
        return analyzed.sentences.map { analyzed.text(of: $0) }
    }

    @Test("abbreviations do not end sentences when the sentence goes on")
    func abbreviations() {
        #expect(sentences("Sen. Warren met Alibaba Group Inc. executives in Sunnyvale, Calif. on Monday.").count == 1)
        #expect(sentences("The U.S. Senate voted. It passed.").count == 2)
        #expect(sentences("John F. Kennedy spoke. Then he left.") == ["John F. Kennedy spoke.", "Then he left."])
    }

    @Test("an abbreviation followed by a typical sentence opener ends the sentence")
    func abbreviationAtEnd() {
        #expect(sentences("Xiaomi opened a lab in the U.S. The lab hires 50 people.") == [
            "Xiaomi opened a lab in the U.S.", "The lab hires 50 people.",
        ])
        #expect(sentences("Its office is in Sunnyvale, Calif. The team is new.").count == 2)
    }

    @Test("question and exclamation marks end sentences; closing quotes stay with them")
    func enders() {
        #expect(sentences("Their goal? To win. \"Really!\" he said.") == ["Their goal?", "To win.", "\"Really!\" he said."])
    }

    @Test("blank lines and line breaks after a sentence end split paragraphs; wrapped lines do not")
    func paragraphs() {
        let analyzed = AnalyzedText("First paragraph, one sentence.\nSecond one here.\n\nThird, after a blank line\nand wrapped.")
        #expect(analyzed.paragraphs.map { analyzed.text(of: $0) } == [
            "First paragraph, one sentence.", "Second one here.", "Third, after a blank line\nand wrapped.",
        ])
    }

    @Test("CJK sentence punctuation ends sentences")
    func cjkEnders() {
        #expect(sentences("阿里巴巴在美国成立团队。百度关闭了实验室。").count == 2)
    }
}
