extension AnalyzedText {
    /// Whether the words at `first..<end` are the place of a dateline: they open the text and a dash follows within
    /// twelve tokens, with only names, numbers, punctuation and "and" before it — "NOVI, Mich. —", "BOSTON, March 10
    /// (Wire) -", "Bellevue, Wash., Jan. 21, 2026 —", "AUSTIN, Texas and BEIJING, April 9 /Newswire/ --". A hyphen
    /// between two words ("Seattle-based") is no dash, and a lowercase word means a sentence has begun.
    func isDateline(first: Int, end: Int) -> Bool {
        guard first <= 1, first < textTokens.count else { return false }
        let shape = textTokens[first].shape
        guard shape == .upper || shape == .capitalized else { return false }
        var index = end
        while index < min(textTokens.count, end + 12) {
            let token = textTokens[index]
            if key(ofToken: index) == "-" || key(ofToken: index) == "--" {
                let hyphen = token.byteEnd - token.byteStart == 1 && index > 0 && index + 1 < textTokens.count
                    && textTokens[index - 1].end == token.start && textTokens[index + 1].start == token.end
                return !hyphen
            }
            if token.kind == .word, token.shape == .lower, key(ofToken: index) != "and" { return false }
            index += 1
        }
        return false
    }
}
