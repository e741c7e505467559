/// A lexical token of one line of a rule file.
struct LexToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// Names, keywords, rule ids, durations: letters, digits, `_`, `-`, `.`.
        case word
        /// A double-quoted string, unescaped.
        case string
        case integer
        /// One of `@ $ [ ] ( ) = != | , > / :`.
        case symbol
    }

    var kind: Kind
    var text: String
    /// 1-based column of the token's first character.
    var column: Int
    /// Width in characters, quotes included.
    var length: Int

    func `is`(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
    func isWord(_ word: String) -> Bool { kind == .word && text.lowercased() == word }
}

/// Splits one line of a rule file into tokens; `#` starts a comment outside strings.
struct LineLexer {
    struct Failure: Error {
        var column: Int
        var length: Int
        var message: String
        var hint: String?
    }

    static func lex(_ line: String) throws(Failure) -> [LexToken] {
        if line.utf8.allSatisfy({ $0 < 0x80 }) { return try lexASCII(Array(line.utf8)) }
        let characters = Array(line)
        var tokens: [LexToken] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let column = index + 1
            if character == " " || character == "\t" || character == "\r" {
                index += 1
                continue
            }
            if character == "#" { break }
            if character == "\"" || character == "\u{201C}" {
                var value = ""
                var cursor = index + 1
                var closed = false
                while cursor < characters.count {
                    let current = characters[cursor]
                    if current == "\\", cursor + 1 < characters.count {
                        // "\n" is a line break, so that an example can hold paragraphs; any other escaped character
                        // stands for itself ("\"").
                        value.append(characters[cursor + 1] == "n" ? "\n" : characters[cursor + 1])
                        cursor += 2
                        continue
                    }
                    if current == "\"" || current == "\u{201D}" {
                        closed = true
                        break
                    }
                    value.append(current)
                    cursor += 1
                }
                guard closed else {
                    throw Failure(
                        column: column, length: characters.count - index, message: "unterminated string",
                        hint: "close the string with a double quote (\") on the same line")
                }
                tokens.append(LexToken(kind: .string, text: value, column: column, length: cursor - index + 1))
                index = cursor + 1
                continue
            }
            if character == "!" {
                guard index + 1 < characters.count, characters[index + 1] == "=" else {
                    throw Failure(column: column, length: 1, message: "unexpected '!'", hint: "did you mean '!='?")
                }
                tokens.append(LexToken(kind: .symbol, text: "!=", column: column, length: 2))
                index += 2
                continue
            }
            if "@$[]()=|,>/:~".contains(character) {
                tokens.append(LexToken(kind: .symbol, text: String(character), column: column, length: 1))
                index += 1
                continue
            }
            if isWordCharacter(character) {
                var cursor = index
                while cursor < characters.count, isWordCharacter(characters[cursor]) { cursor += 1 }
                let text = String(characters[index..<cursor])
                let kind: LexToken.Kind = text.allSatisfy(\.isASCIIDigit) ? .integer : .word
                tokens.append(LexToken(kind: kind, text: text, column: column, length: cursor - index))
                index = cursor
                continue
            }
            throw Failure(column: column, length: 1, message: "unexpected character '\(character)'")
        }
        return tokens
    }

    /// The same lexer over bytes, for the all-ASCII lines that are nearly every line of a rule file: there one byte
    /// is one character (columns agree), and skipping grapheme breaking makes 100,000 rules parse several times faster.
    private static func lexASCII(_ bytes: [UInt8]) throws(Failure) -> [LexToken] {
        var tokens: [LexToken] = []
        var index = 0
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        while index < bytes.count {
            let byte = bytes[index]
            let column = index + 1
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "#"):
                return tokens
            case UInt8(ascii: "\""):
                var value: [UInt8] = []
                var cursor = index + 1
                var closed = false
                while cursor < bytes.count {
                    let current = bytes[cursor]
                    if current == UInt8(ascii: "\\"), cursor + 1 < bytes.count {
                        value.append(bytes[cursor + 1] == UInt8(ascii: "n") ? UInt8(ascii: "\n") : bytes[cursor + 1])
                        cursor += 2
                        continue
                    }
                    if current == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    value.append(current)
                    cursor += 1
                }
                guard closed else {
                    throw Failure(
                        column: column, length: bytes.count - index, message: "unterminated string",
                        hint: "close the string with a double quote (\") on the same line")
                }
                tokens.append(
                    LexToken(kind: .string, text: String(decoding: value, as: UTF8.self), column: column, length: cursor - index + 1))
                index = cursor + 1
            case UInt8(ascii: "!"):
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "=") else {
                    throw Failure(column: column, length: 1, message: "unexpected '!'", hint: "did you mean '!='?")
                }
                tokens.append(LexToken(kind: .symbol, text: "!=", column: column, length: 2))
                index += 2
            default:
                if Self.asciiSymbols.contains(byte) {
                    tokens.append(LexToken(kind: .symbol, text: text(index..<index + 1), column: column, length: 1))
                    index += 1
                } else if isWordByte(byte) {
                    var cursor = index
                    var digits = true
                    while cursor < bytes.count, isWordByte(bytes[cursor]) {
                        digits = digits && bytes[cursor] >= 0x30 && bytes[cursor] <= 0x39
                        cursor += 1
                    }
                    tokens.append(LexToken(kind: digits ? .integer : .word, text: text(index..<cursor), column: column, length: cursor - index))
                    index = cursor
                } else {
                    throw Failure(column: column, length: 1, message: "unexpected character '\(Character(Unicode.Scalar(byte)))'")
                }
            }
        }
        return tokens
    }

    private static let asciiSymbols = Set("@$[]()=|,>/:~".utf8)

    /// `isWordCharacter` for an ASCII byte.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "*")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "'")
    }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "-" || character == "."
            || character == "*" || character == "+" || character == "&" || character == "'"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
