import Foundation
import HeraldRules

/// Reads ``ConfigDocument``s; errors are ``Diagnostic``s with file:line:col and a caret, like rule files.
struct ConfigParser {
    private let file: String
    private let lines: [[Character]]
    private var line = 0
    private var column = 0
    private var diagnostics: [Diagnostic] = []

    static func parse(_ text: String, file: String) -> (ConfigDocument?, [Diagnostic]) {
        var parser = ConfigParser(file: file, text: text)
        let document = parser.document()
        return (parser.diagnostics.isEmpty ? document : nil, parser.diagnostics)
    }

    private init(file: String, text: String) {
        self.file = file
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            Array($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
    }

    private struct Failure: Error {
        var message: String
        var hint: String?
        var column: Int
        var length = 1
    }

    private mutating func document() -> ConfigDocument {
        var tables = [ConfigDocument.Table(name: "", isArrayElement: false, location: location(0), sourceLine: "")]
        var seenTables: Set<String> = []
        while line < lines.count {
            column = 0
            skipBlanks()
            guard let first = peek, first != "#" else {
                line += 1
                continue
            }
            let start = line
            do {
                if first == "[" {
                    let table = try header()
                    if !table.isArrayElement, !seenTables.insert(table.name).inserted {
                        throw Failure(message: "table [\(table.name)] appears twice", hint: "merge the two tables", column: 0)
                    }
                    tables.append(table)
                } else {
                    let entry = try keyValue()
                    if tables[tables.count - 1].entries.contains(where: { $0.key == entry.key }) {
                        throw Failure(
                            message: "'\(entry.key)' is set twice in the same table", hint: "keep one",
                            column: entry.keyLocation.column - 1, length: entry.key.count)
                    }
                    tables[tables.count - 1].entries.append(entry)
                }
                try endOfLine()
            } catch {
                report(error, line: min(line, lines.count - 1), fallbackLine: start)
            }
            line += 1
        }
        return ConfigDocument(file: file, tables: tables)
    }

    // MARK: Lines

    private var peek: Character? { column < lines[line].count ? lines[line][column] : nil }

    private mutating func skipBlanks() {
        while let character = peek, character == " " || character == "\t" { column += 1 }
    }

    private func location(_ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line + 1, column: column + 1)
    }

    private mutating func report(_ error: any Error, line errorLine: Int, fallbackLine: Int) {
        let failure = error as? Failure ?? Failure(message: "\(error)", column: 0)
        let row = errorLine < lines.count ? errorLine : fallbackLine
        diagnostics.append(
            Diagnostic(
                .error, at: SourceLocation(file: file, line: row + 1, column: failure.column + 1), length: failure.length,
                failure.message, hint: failure.hint, sourceLine: String(lines[row])))
    }

    private mutating func endOfLine() throws {
        skipBlanks()
        guard let character = peek, character != "#" else { return }
        throw Failure(message: "unexpected '\(character)' after the value", hint: "one key = value per line; comments start with #", column: column)
    }

    // MARK: Headers and keys

    private mutating func header() throws -> ConfigDocument.Table {
        let start = column
        column += 1
        let isArray = peek == "["
        if isArray { column += 1 }
        skipBlanks()
        let name = try bareKey()
        skipBlanks()
        for _ in 0..<(isArray ? 2 : 1) {
            guard peek == "]" else {
                throw Failure(message: "expected '\(isArray ? "]]" : "]")' to close the table header", column: column)
            }
            column += 1
        }
        return ConfigDocument.Table(name: name, isArrayElement: isArray, location: location(start), sourceLine: String(lines[line]))
    }

    private mutating func bareKey() throws -> String {
        let start = column
        while let character = peek, character.isASCII, character.isLetter || character.isNumber || character == "_" || character == "-" {
            column += 1
        }
        guard column > start else {
            if peek == "\"" || peek == "'" {
                throw Failure(message: "quoted keys are not supported", hint: "use a bare key: letters, digits, _ and -", column: column)
            }
            throw Failure(message: "expected a key", hint: "keys are letters, digits, _ and -", column: column)
        }
        if peek == "." {
            throw Failure(message: "dotted keys are not supported", hint: "write a [table] header instead", column: column)
        }
        return String(lines[line][start..<column])
    }

    private mutating func keyValue() throws -> ConfigDocument.Entry {
        let keyStart = column
        let key = try bareKey()
        skipBlanks()
        guard peek == "=" else { throw Failure(message: "expected '=' after '\(key)'", column: column) }
        column += 1
        skipBlanks()
        let entryLine = line
        let valueStart = location(column)
        let value = try self.value()
        return ConfigDocument.Entry(
            key: key, value: value, keyLocation: SourceLocation(file: file, line: entryLine + 1, column: keyStart + 1),
            valueLocation: valueStart, sourceLine: String(lines[entryLine]))
    }

    // MARK: Values

    private mutating func value() throws -> ConfigDocument.Value {
        guard let first = peek else { throw Failure(message: "expected a value after '='", column: column) }
        switch first {
        case "\"": return .string(try basicString())
        case "'": return .string(try literalString())
        case "[": return .array(try array())
        case "{":
            throw Failure(message: "inline tables are not supported", hint: "write a [table] header instead", column: column)
        default: return try scalar()
        }
    }

    private mutating func basicString() throws -> String {
        let start = column
        column += 1
        var result = ""
        while let character = peek {
            column += 1
            switch character {
            case "\"": return result
            case "\\":
                guard let escaped = peek else { break }
                column += 1
                switch escaped {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                case "u", "U":
                    let count = escaped == "u" ? 4 : 8
                    let digits = String(lines[line][column..<min(column + count, lines[line].count)])
                    guard digits.count == count, let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
                        throw Failure(message: "invalid \\\(escaped) escape", column: column - 2, length: count + 2)
                    }
                    result.unicodeScalars.append(scalar)
                    column += count
                default:
                    throw Failure(
                        message: "unknown escape '\\\(escaped)'", hint: "use \\\\ for a backslash, or a 'literal string'",
                        column: column - 2, length: 2)
                }
            default: result.append(character)
            }
        }
        throw Failure(message: "this string is not closed", hint: "add the closing \" on the same line", column: start)
    }

    private mutating func literalString() throws -> String {
        let start = column
        column += 1
        var result = ""
        while let character = peek {
            column += 1
            if character == "'" { return result }
            result.append(character)
        }
        throw Failure(message: "this string is not closed", hint: "add the closing ' on the same line", column: start)
    }

    /// Arrays may span lines, with comments and a trailing comma.
    private mutating func array() throws -> [ConfigDocument.Value] {
        column += 1
        var values: [ConfigDocument.Value] = []
        while true {
            try skipArrayWhitespace()
            if peek == "]" {
                column += 1
                return values
            }
            values.append(try value())
            try skipArrayWhitespace()
            if peek == "," {
                column += 1
            } else if peek != "]" {
                throw Failure(message: "expected ',' or ']' in the array", column: column)
            }
        }
    }

    private mutating func skipArrayWhitespace() throws {
        while true {
            skipBlanks()
            if peek == nil || peek == "#" {
                guard line + 1 < lines.count else { throw Failure(message: "this array is not closed", hint: "add ']'", column: column) }
                line += 1
                column = 0
                continue
            }
            return
        }
    }

    private mutating func scalar() throws -> ConfigDocument.Value {
        let start = column
        while let character = peek, character != ",", character != "]", character != "#", character != " ", character != "\t" {
            column += 1
        }
        let word = String(lines[line][start..<column])
        if word == "true" { return .boolean(true) }
        if word == "false" { return .boolean(false) }
        let digits = word.replacingOccurrences(of: "_", with: "")
        if let integer = Int(digits) { return .integer(integer) }
        if let float = Double(digits), float.isFinite, digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            return .float(float)
        }
        let hint: String? = word.first?.isLetter == true ? "strings are quoted: \"\(word)\"" : nil
        throw Failure(message: "'\(word)' is not a value", hint: hint, column: start, length: max(1, word.count))
    }
}
