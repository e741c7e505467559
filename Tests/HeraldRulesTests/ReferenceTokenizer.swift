@testable import HeraldRules

/// The tokenizer as it was before it read UTF-8 directly (commit 350f701), kept as the reference the fast one must
/// agree with token for token.
struct ReferenceTokenizer {

    /// Tokenises `text`. Offsets in the result count Unicode scalars of `text`.
    func tokenize(_ text: String) -> [Token] {
        tokenize(scalars: Array(text.unicodeScalars))
    }

    /// Tokenises an array of scalars; offsets in the result index into `scalars`.
    func tokenize(scalars: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(scalars.count / 5)
        var words = 0
        var newlines = 0
        var index = 0
        let count = scalars.count

        func append(_ kind: Token.Kind, _ start: Int, _ end: Int) {
            let (text, key) = Self.textAndKey(scalars[start..<end])
            tokens.append(
                Token(kind: kind, start: start, end: end, text: text, key: key, wordIndex: words, newlinesBefore: newlines))
            if kind == .word || kind == .number || kind == .cjk { words += 1 }
            newlines = 0
        }

        while index < count {
            let scalar = scalars[index]
            if scalar == "\n" {
                newlines += 1
                index += 1
                continue
            }
            if CharacterClass.isSkippable(scalar) {
                index += 1
                continue
            }
            if CharacterClass.isCJK(scalar) {
                append(.cjk, index, index + 1)
                index += 1
                continue
            }
            if CharacterClass.isWordScalar(scalar) {
                let start = index
                var end = scanWord(scalars, from: index)
                // An acronym ("U.S", "A.I") takes its final period: "U.S." is one token, as in the lists.
                if end < count, scalars[end] == ".", Self.isDottedAcronym(scalars[start..<end]) {
                    end += 1
                }
                let isNumber = scalars[start..<end].allSatisfy { !CharacterClass.isAlphabetic($0) }
                append(isNumber ? .number : .word, start, end)
                index = end
                // A possessive 's (straight or curly apostrophe) becomes its own, non-word token.
                if index + 1 < count, CharacterClass.isApostrophe(scalars[index]),
                    scalars[index + 1] == "s" || scalars[index + 1] == "S",
                    index + 2 >= count || !CharacterClass.isWordScalar(scalars[index + 2])
                {
                    append(.possessive, index, index + 2)
                    index += 2
                }
                continue
            }
            append(.punctuation, index, index + 1)
            index += 1
        }
        return tokens
    }

    /// Scans a word: letters, digits and marks, joined by an apostrophe before a letter ("didn't", "O'Brien"),
    /// or by a period or comma between two word characters ("JD.com", "3.5", "12,416").
    private func scanWord(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        let count = scalars.count
        while index < count {
            let scalar = scalars[index]
            if scalar.isASCII {
                // ASCII letters and digits: the common case, decided without the general classification.
                let value = scalar.value
                let lower = value | 0x20
                if (lower >= 0x61 && lower <= 0x7A) || (value >= 0x30 && value <= 0x39) {
                    index += 1
                    continue
                }
            } else if CharacterClass.isWordScalar(scalar) && !CharacterClass.isCJK(scalar) {
                index += 1
                continue
            }
            guard index + 1 < count, index > start else { break }
            let next = scalars[index + 1]
            if CharacterClass.isApostrophe(scalar) {
                // Stop before a possessive 's so it can be split off.
                let possessive =
                    (next == "s" || next == "S") && (index + 2 >= count || !CharacterClass.isWordScalar(scalars[index + 2]))
                if possessive || !CharacterClass.isAlphabetic(next) { break }
                index += 1
                continue
            }
            if scalar == "." && CharacterClass.isWordScalar(next) && !CharacterClass.isCJK(next) {
                index += 1
                continue
            }
            if scalar == "," && CharacterClass.isDigit(next) && CharacterClass.isDigit(scalars[index - 1]) {
                index += 1
                continue
            }
            break
        }
        return index
    }

    /// "U.S", "A.I", "e.g": single letters separated by periods.
    private static func isDottedAcronym(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        guard scalars.count >= 3 else { return false }
        var expectLetter = true
        for scalar in scalars {
            if expectLetter {
                guard CharacterClass.isAlphabetic(scalar) else { return false }
            } else {
                guard scalar == "." else { return false }
            }
            expectLetter.toggle()
        }
        return !expectLetter
    }

    static func textAndKey(_ scalars: ArraySlice<Unicode.Scalar>) -> (String, String) {
        let text = Tokenizer.normalizedText(scalars)
        return (text, Tokenizer.lowercase(text))
    }
}
