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
                        value.append(characters[cursor + 1])
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
            if "@$[]()=|,>/:".contains(character) {
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

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "-" || character == "."
            || character == "*" || character == "+" || character == "&" || character == "'"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
