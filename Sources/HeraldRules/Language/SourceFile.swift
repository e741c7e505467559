/// The text of one rule or list file, split into lines for parsing and for quoting in diagnostics.
struct SourceFile: Sendable {
    /// The path as shown in diagnostics (relative to where the user pointed Herald).
    var path: String
    var lines: [String]

    init(path: String, text: String) {
        self.path = path
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        self.lines = lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    }

    func span(line: Int, column: Int, length: Int) -> Syntax.Span {
        Syntax.Span(
            location: SourceLocation(file: path, line: line, column: column), length: length,
            sourceLine: lines.indices.contains(line - 1) ? lines[line - 1] : "")
    }

    func diagnostic(
        _ severity: Diagnostic.Severity = .error, line: Int, column: Int, length: Int = 1, _ message: String,
        hint: String? = nil
    ) -> Diagnostic {
        Diagnostic(
            severity, at: SourceLocation(file: path, line: line, column: column), length: length, message, hint: hint,
            sourceLine: lines.indices.contains(line - 1) ? lines[line - 1] : nil)
    }
}

extension Diagnostic {
    init(_ severity: Severity = .error, at span: Syntax.Span, _ message: String, hint: String? = nil) {
        self.init(
            severity, at: span.location, length: span.length, message, hint: hint, sourceLine: span.sourceLine)
    }
}
