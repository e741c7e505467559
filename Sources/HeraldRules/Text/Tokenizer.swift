/// Splits text into ``Token``s, keeping offsets into the original and normalising each token for matching.
///
/// Rules and articles go through the same tokenizer, so an alias such as "U.S." or "Sunnyvale, California"
/// is matched token for token against the text.
public struct Tokenizer: Sendable {
    public init() {}

    /// Tokenises `text`. Offsets in the result count Unicode scalars of `text`.
    public func tokenize(_ text: String) -> [Token] {
        let bytes = Array(text.utf8)
        let output = bytes.withUnsafeBufferPointer { Self.analyze($0, vocabulary: nil) }
        return output.tokens.map { output.token($0, utf8: bytes) }
    }

    /// Tokenises an array of scalars; offsets in the result index into `scalars`.
    public func tokenize(scalars: [Unicode.Scalar]) -> [Token] {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return tokenize(String(view))
    }

    /// What ``analyze(_:vocabulary:)`` produces: compact tokens, and the normalised text and key of the non-ASCII
    /// ones.
    struct Output {
        var tokens: [TextToken] = []
        var texts: [String] = []
        var keys: [String] = []
        var scalarCount = 0
        var isASCII = true

        /// The public form of a token, with its text and key built.
        func token(_ token: TextToken, utf8: [UInt8]) -> Token {
            let text: String
            let key: String
            if token.normalized >= 0 {
                text = texts[Int(token.normalized)]
                key = keys[Int(token.normalized)]
            } else {
                (text, key) = Tokenizer.textAndKey(ascii: utf8[token.byteStart..<token.byteEnd])
            }
            return Token(
                kind: token.kind, start: token.start, end: token.end, text: text, key: key, wordIndex: token.wordIndex,
                newlinesBefore: Int(token.newlinesBefore))
        }
    }

    /// Tokenises UTF-8 text in one pass, without decoding it to an array of scalars first, and looks every token up
    /// in `vocabulary` as it goes. Offsets count scalars, as in ``tokenize(_:)``; ASCII tokens (nearly all of
    /// English news) get no `String` at all.
    ///
    /// `bytes` must be valid UTF-8, as a `String`'s bytes always are.
    static func analyze(_ bytes: UnsafeBufferPointer<UInt8>, vocabulary: TokenVocabulary?) -> Output {
        var output = Output()
        output.tokens.reserveCapacity(bytes.count / 5)
        var words = 0
        var newlines: Int32 = 0
        var index = 0
        var scalarIndex = 0
        let count = bytes.count

        func append(_ kind: Token.Kind, _ start: Int, _ end: Int, _ scalarStart: Int, _ scalarEnd: Int) {
            var token = TextToken(
                start: scalarStart, end: scalarEnd, byteStart: start, byteEnd: end, wordIndex: words,
                newlinesBefore: newlines, id: -1, mark: TextToken.noMark, normalized: -1, kind: kind, shape: .other,
                endsWithPeriod: false)
            // One loop classifies the bytes and computes the vocabulary probe over them, lowercased, eight bytes at a
            // time (SWAR: every byte of an ASCII word is below 0x80, so adding a constant to the word sets a byte's
            // top bit exactly when the byte is at least some value, with no carry into the next byte).
            var probe = TokenVocabulary.Probe()
            // The letter masks, OR-ed together rather than counted: the shape needs only whether there are capitals
            // and lowercase letters and whether the one capital is the first byte, and `nonzeroBitCount` is no
            // single instruction on baseline x86-64 (two bit-twiddling sequences per word were a tenth of this step).
            var firstUppers: UInt64 = 0
            var laterUppers: UInt64 = 0
            var lowers: UInt64 = 0
            var ascii = true
            var offset = start
            while offset < end {
                let count = min(8, end - offset)
                let word = Self.word(bytes, at: offset, count: count)
                if word & 0x8080_8080_8080_8080 != 0 {
                    ascii = false
                    break
                }
                let upper = (word &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(word &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080  // A-Z
                let lower = (word &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(word &+ 0x0505_0505_0505_0505) & 0x8080_8080_8080_8080  // a-z
                if offset == start { firstUppers = upper } else { laterUppers |= upper }
                lowers |= lower
                probe.add(word | upper >> 2, count: count)
                offset += count
            }
            let letters = firstUppers | laterUppers | lowers
            if kind == .word && (ascii ? letters == 0 : !containsAlphabetic(UnsafeBufferPointer(rebasing: bytes[start..<end]))) {
                // No alphabetic scalar: a number. (In ASCII only letters are alphabetic.)
                token.kind = .number
            }
            if ascii {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if end - start == 1 { token.mark = UInt32(slice[0]) }
                token.endsWithPeriod = slice[slice.count - 1] == UInt8(ascii: ".")
                token.shape = CaseShape(firstUppers: firstUppers, laterUppers: laterUppers, lowers: lowers)
                token.id = vocabulary?.id(probe, slice, lowercasingASCII: true) ?? -1
            } else {
                output.isASCII = false
                let scalars = Array(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self).unicodeScalars)
                let text = normalizedText(scalars[...])
                let key = lowercase(text)
                var textScalars = text.unicodeScalars.makeIterator()
                if let first = textScalars.next(), textScalars.next() == nil { token.mark = first.value }
                token.endsWithPeriod = text.unicodeScalars.last == "."
                token.shape = CaseShape(of: text)
                token.id = vocabulary?.id(of: key) ?? -1
                token.normalized = Int32(output.texts.count)
                output.texts.append(text)
                output.keys.append(key)
            }
            output.tokens.append(token)
            if token.isWordLike { words += 1 }
            newlines = 0
        }

        while index < count {
            let byte = bytes[index]
            let scalar: Unicode.Scalar
            let length: Int
            let isWordStart: Bool
            if byte < 0x80 {
                // ASCII, most of every English article: classified on the byte, as CharacterClass would.
                if byte == UInt8(ascii: "\n") {
                    newlines += 1
                    index += 1
                    scalarIndex += 1
                    continue
                }
                if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                    index += 1
                    scalarIndex += 1
                    continue
                }
                scalar = Unicode.Scalar(byte)
                length = 1
                isWordStart = (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10
            } else {
                (scalar, length) = decode(bytes, index)
                if CharacterClass.isSkippable(scalar) {
                    index += length
                    scalarIndex += 1
                    continue
                }
                if CharacterClass.isCJK(scalar) {
                    append(.cjk, index, index + length, scalarIndex, scalarIndex + 1)
                    index += length
                    scalarIndex += 1
                    continue
                }
                isWordStart = CharacterClass.isWordScalar(scalar)
            }
            if isWordStart {
                let start = index
                let scalarStart = scalarIndex
                (index, scalarIndex) = scanWord(bytes, from: index, scalarIndex: scalarIndex)
                // An acronym ("U.S", "A.I") takes its final period: "U.S." is one token, as in the lists.
                if index < count, bytes[index] == UInt8(ascii: "."),
                    isDottedAcronym(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                {
                    index += 1
                    scalarIndex += 1
                }
                // `append` tells a number (no alphabetic scalar) from a word.
                append(.word, start, index, scalarStart, scalarIndex)
                // A possessive 's (straight or curly apostrophe) becomes its own, non-word token.
                if index < count {
                    let (apostrophe, apostropheLength) = decode(bytes, index)
                    let next = index + apostropheLength
                    if next < count, CharacterClass.isApostrophe(apostrophe),
                        bytes[next] == UInt8(ascii: "s") || bytes[next] == UInt8(ascii: "S"),
                        next + 1 >= count || !CharacterClass.isWordScalar(decode(bytes, next + 1).scalar)
                    {
                        append(.possessive, index, next + 1, scalarIndex, scalarIndex + 2)
                        index = next + 1
                        scalarIndex += 2
                    }
                }
                continue
            }
            append(.punctuation, index, index + length, scalarIndex, scalarIndex + 1)
            index += length
            scalarIndex += 1
        }
        output.scalarCount = scalarIndex
        return output
    }

    /// How many of a little-endian word's eight bytes, from the first, are ASCII letters or digits (SWAR: every
    /// byte below 0x80 plus a constant sets its top bit exactly when the byte is at least some value, with no carry
    /// into the next byte). 8 when all are.
    @inline(__always)
    static func alphanumericRun(_ word: UInt64) -> Int {
        let low = word & 0x7F7F_7F7F_7F7F_7F7F
        let folded = low | 0x2020_2020_2020_2020
        let letters = (folded &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(folded &+ 0x0505_0505_0505_0505)
        let digits = (low &+ 0x5050_5050_5050_5050) & ~(low &+ 0x4646_4646_4646_4646)
        let other = ~(letters | digits) & 0x8080_8080_8080_8080 | word & 0x8080_8080_8080_8080
        return other.trailingZeroBitCount / 8
    }

    /// `count` (1...8) bytes from `index` as a little-endian word, zeros above them.
    @inline(__always)
    static func word(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, count: Int) -> UInt64 {
        if index + 8 <= bytes.count, let base = bytes.baseAddress {
            // One unaligned load, inside the buffer; the bytes past the token are masked off.
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            return count == 8 ? word : word & ((1 << (8 * UInt64(count))) &- 1)
        }
        var word: UInt64 = 0
        for offset in 0..<count { word |= UInt64(bytes[index + offset]) << (8 * UInt64(offset)) }
        return word
    }

    /// The scalar starting at byte `index` of valid UTF-8, and its length in bytes.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> (scalar: Unicode.Scalar, length: Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        // Valid UTF-8 never ends inside a scalar; the check keeps a malformed buffer from reading past its end.
        guard index + length <= bytes.count else { return ("\u{FFFD}", 1) }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    /// Scans a word: letters, digits and marks, joined by an apostrophe before a letter ("didn't", "O'Brien"),
    /// or by a period or comma between two word characters ("JD.com", "3.5", "12,416").
    /// Returns the byte and scalar offsets one past the word.
    private static func scanWord(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, scalarIndex: Int) -> (Int, Int) {
        var index = start
        var scalarIndex = scalarIndex
        let count = bytes.count
        var previous: Unicode.Scalar = " "
        while index < count {
            // Runs of ASCII letters and digits, the common case, eight bytes at a time: the run ends at the first
            // byte that is not one (a non-ASCII byte counts as not one and goes through the general path below).
            if index + 8 <= count {
                let run = Self.alphanumericRun(Self.word(bytes, at: index, count: 8))
                if run > 0 {
                    index += run
                    scalarIndex += run
                    previous = Unicode.Scalar(bytes[index - 1])
                    if run == 8 { continue }
                }
            }
            guard index < count else { break }
            let byte = bytes[index]
            // ASCII letters and digits: the common case, decided on the byte.
            let lower = byte | 0x20
            if (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                previous = Unicode.Scalar(byte)
                index += 1
                scalarIndex += 1
                continue
            }
            let (scalar, length) = decode(bytes, index)
            if !scalar.isASCII && CharacterClass.isWordScalar(scalar) && !CharacterClass.isCJK(scalar) {
                previous = scalar
                index += length
                scalarIndex += 1
                continue
            }
            let nextIndex = index + length
            guard nextIndex < count, index > start else { break }
            let (next, nextLength) = decode(bytes, nextIndex)
            if CharacterClass.isApostrophe(scalar) {
                // Stop before a possessive 's so it can be split off.
                let afterNext = nextIndex + nextLength
                let possessive =
                    (next == "s" || next == "S")
                    && (afterNext >= count || !CharacterClass.isWordScalar(decode(bytes, afterNext).scalar))
                if possessive || !CharacterClass.isAlphabetic(next) { break }
            } else if scalar == "." && CharacterClass.isWordScalar(next) && !CharacterClass.isCJK(next) {
                // Joined by a period.
            } else if scalar == "," && CharacterClass.isDigit(next) && CharacterClass.isDigit(previous) {
                // Joined by a comma between digits.
            } else {
                break
            }
            previous = scalar
            index = nextIndex
            scalarIndex += 1
        }
        return (index, scalarIndex)
    }

    /// Whether any scalar of a token is alphabetic (a token with none is a number).
    private static func containsAlphabetic(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let (scalar, length) = decode(bytes, index)
            if CharacterClass.isAlphabetic(scalar) { return true }
            index += length
        }
        return false
    }

    /// "U.S", "A.I", "e.g": single letters separated by periods.
    private static func isDottedAcronym(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 3 else { return false }
        var expectLetter = true
        var index = 0
        while index < bytes.count {
            let (scalar, length) = decode(bytes, index)
            if expectLetter {
                guard CharacterClass.isAlphabetic(scalar) else { return false }
            } else {
                guard scalar == "." else { return false }
            }
            expectLetter.toggle()
            index += length
        }
        return !expectLetter
    }

    /// An ASCII token's text and lookup key, built straight from its bytes: no normalisation can change ASCII and
    /// lowercasing is a bit flip, so the Unicode machinery is skipped. Only hits and the public ``tokenize(_:)``
    /// need them; matching compares bytes.
    static func textAndKey(ascii bytes: ArraySlice<UInt8>) -> (String, String) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return (text, text) }
        let key = String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (offset, byte) in bytes.enumerated() { buffer[offset] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
            return bytes.count
        }
        return (text, key)
    }

    /// NFKC-normalises a token and folds typographic quotes and dashes to their ASCII forms.
    static func normalizedText(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        if scalars.allSatisfy({ $0.isASCII }) {
            var string = String.UnicodeScalarView()
            string.append(contentsOf: scalars)
            return String(string)
        }
        var folded = String.UnicodeScalarView()
        for scalar in scalars {
            folded.append(CharacterClass.fold(scalar))
        }
        return String(folded).nfkc
    }

    static func lowercase(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x41 || $0 > 0x5A }) { return text }
        return text.lowercased()
    }
}
