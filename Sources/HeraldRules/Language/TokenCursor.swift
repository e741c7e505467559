/// Walks the tokens of one line, producing diagnostics that point at the offending token.
struct TokenCursor {
    struct Failure: Error {
        var diagnostic: Diagnostic
    }

    let tokens: [LexToken]
    let file: SourceFile
    let line: Int
    private(set) var position = 0

    init(tokens: [LexToken], file: SourceFile, line: Int) {
        self.tokens = tokens
        self.file = file
        self.line = line
    }

    var isAtEnd: Bool { position >= tokens.count }
    var current: LexToken? { position < tokens.count ? tokens[position] : nil }
    var next: LexToken? { position + 1 < tokens.count ? tokens[position + 1] : nil }

    mutating func advance() -> LexToken? {
        guard let token = current else { return nil }
        position += 1
        return token
    }

    func span(_ token: LexToken) -> Syntax.Span {
        file.span(line: line, column: token.column, length: token.length)
    }

    /// The span from `first` to the token before the cursor.
    func span(from first: LexToken) -> Syntax.Span {
        let last = position > 0 ? tokens[position - 1] : first
        return file.span(line: line, column: first.column, length: last.column + last.length - first.column)
    }

    /// Where the line ends, for "expected X" at end of line.
    var endSpan: Syntax.Span {
        let width = file.lines.indices.contains(line - 1) ? file.lines[line - 1].count : 0
        return file.span(line: line, column: width + 1, length: 1)
    }

    func error(_ message: String, at token: LexToken? = nil, hint: String? = nil) -> Failure {
        let span = (token ?? current).map { self.span($0) } ?? endSpan
        return Failure(diagnostic: Diagnostic(.error, at: span, message, hint: hint))
    }

    mutating func expectWord(_ what: String) throws(Failure) -> LexToken {
        guard let token = current, token.kind == .word else {
            throw error("expected \(what)\(found)")
        }
        position += 1
        return token
    }

    mutating func expectSymbol(_ symbol: String) throws(Failure) -> LexToken {
        guard let token = current, token.is(symbol) else { throw error("expected '\(symbol)'\(found)") }
        position += 1
        return token
    }

    mutating func expectString(_ what: String) throws(Failure) -> LexToken {
        guard let token = current, token.kind == .string else {
            throw error("expected \(what) in double quotes\(found)")
        }
        position += 1
        return token
    }

    mutating func expectInteger(_ what: String) throws(Failure) -> Int {
        guard let token = current, token.kind == .integer, let value = Int(token.text) else {
            throw error("expected \(what) (a whole number)\(found)")
        }
        position += 1
        return value
    }

    mutating func skip(_ symbol: String) -> Bool {
        guard let token = current, token.is(symbol) else { return false }
        position += 1
        return true
    }

    mutating func skipWord(_ word: String) -> Bool {
        guard let token = current, token.isWord(word) else { return false }
        position += 1
        return true
    }

    func expectEnd() throws(Failure) {
        if let token = current { throw error("unexpected '\(token.text)'", at: token) }
    }

    var found: String {
        guard let token = current else { return ", found end of line" }
        return token.kind == .string ? ", found a string" : ", found '\(token.text)'"
    }
}
