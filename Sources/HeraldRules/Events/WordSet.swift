/// A set of lowercase words that a token is tested against without building the token's key.
///
/// The reference pass asks "is this token one of these words?" of most tokens of every article; making a `String`
/// key for each token to look it up was most of that pass's cost. Words are bucketed by byte length and first
/// letter, so nearly every token is ruled out by one dictionary probe on two integers, and the rest by comparing a
/// few bytes, case-insensitively. Non-ASCII tokens fall back to their normalised key.
struct WordSet: Sendable {
    private var buckets: [Int: [[UInt8]]] = [:]
    private let words: Set<String>
    /// For each byte length below 32, the first letters some word of that length starts with, one bit per letter
    /// ('a' to 'z' as bits 0–25, anything else as bit 31): two array reads rule out most tokens before any hashing.
    private var firstLetters = [UInt32](repeating: 0, count: 32)
    /// The words of a bucket whose length is below 32 and whose first byte is a letter, back to back in `letterWords`:
    /// bucket (length, letter) is `letterWords[letterRuns[slot] ..< letterRuns[slot + 1]]`, `slot = length * 26 +
    /// letter`. A flat run instead of a dictionary probe: hashing the bucket key was most of the cost of a test.
    private var letterRuns = [Int32](repeating: 0, count: 32 * 26 + 1)
    private var letterWords: [UInt8] = []

    init(_ words: Set<String>) {
        self.words = words
        for word in words where !word.isEmpty {
            let bytes = Array(word.utf8)
            buckets[Self.bucket(length: bytes.count, first: bytes[0]), default: []].append(bytes)
            if bytes.count < 32 { firstLetters[bytes.count] |= Self.letterBit(bytes[0]) } else { firstLetters[0] = .max }
        }
        for slot in 0..<(32 * 26) {
            letterRuns[slot] = Int32(letterWords.count)
            let (length, letter) = slot.quotientAndRemainder(dividingBy: 26)
            // The same words, in the same order, as the dictionary's bucket for this length and letter.
            for word in buckets[Self.bucket(length: length, first: UInt8(0x61 + letter))] ?? [] { letterWords += word }
        }
        letterRuns[32 * 26] = Int32(letterWords.count)
    }

    private static func letterBit(_ byte: UInt8) -> UInt32 {
        let lower = byte | 0x20
        return lower >= 0x61 && lower <= 0x7A ? 1 << UInt32(lower - 0x61) : 1 << 31
    }

    private static func bucket(length: Int, first: UInt8) -> Int { length << 8 | Int(first | 0x20) }

    /// Whether token `index` of `text`, lowercased, is one of the words.
    func contains(_ index: Int, in text: AnalyzedText) -> Bool {
        guard index >= 0, index < text.textTokens.count else { return false }
        let token = text.textTokens[index]
        if token.normalized >= 0 { return words.contains(text.key(ofToken: index)) }
        let length = token.byteEnd - token.byteStart
        if length < 32, firstLetters[0] != .max, firstLetters[length] & Self.letterBit(text.utf8[token.byteStart]) == 0 {
            return false
        }
        guard length > 0 else { return false }
        let letter = Int(text.utf8[token.byteStart] | 0x20) - 0x61
        if length < 32, letter >= 0, letter < 26 {
            let slot = length * 26 + letter
            var candidate = Int(letterRuns[slot])
            let end = Int(letterRuns[slot + 1])
            while candidate < end {
                var offset = 0
                while offset < length {
                    let byte = text.utf8[token.byteStart + offset]
                    let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    if lower != letterWords[candidate + offset] { break }
                    offset += 1
                }
                if offset == length { return true }
                candidate += length
            }
            return false
        }
        guard let candidates = buckets[Self.bucket(length: length, first: text.utf8[token.byteStart])] else {
            return false
        }
        return candidates.contains { candidate in
            var offset = 0
            while offset < length {
                let byte = text.utf8[token.byteStart + offset]
                let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                if lower != candidate[offset] { return false }
                offset += 1
            }
            return true
        }
    }
}
