/// An error or warning about a rule or list file, pointing at the exact place with a caret and a hint.
public struct Diagnostic: Sendable, Hashable, Error, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation
    /// How many characters the caret underline spans (at least 1).
    public var length: Int
    public var message: String
    /// A suggestion such as "did you mean '@CN_FIRM'?".
    public var hint: String?
    /// The source line, kept so the diagnostic can be rendered without the file.
    public var sourceLine: String?

    public init(
        _ severity: Severity, at location: SourceLocation, length: Int = 1, _ message: String, hint: String? = nil,
        sourceLine: String? = nil
    ) {
        self.severity = severity
        self.location = location
        self.length = max(1, length)
        self.message = message
        self.hint = hint
        self.sourceLine = sourceLine
    }

    /// `file:line:col: error: message`, the form editors and CI parse.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    /// The full form: the headline, the source line with a caret under the problem, and the hint.
    public var rendered: String {
        var lines = [description]
        if let sourceLine {
            let number = String(location.line)
            let gutter = String(repeating: " ", count: number.count)
            let shown = sourceLine.replacingTabs()
            lines.append(" \(number) | \(shown)")
            let pad = String(repeating: " ", count: max(0, location.column - 1))
            let underline = "^" + String(repeating: "~", count: max(0, min(length, shown.count - location.column + 1) - 1))
            lines.append(" \(gutter) | \(pad)\(underline)")
        }
        if let hint { lines.append("  hint: \(hint)") }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        String(map { $0 == "\t" ? " " : $0 })
    }
}

/// Suggests the closest known name for a misspelt one.
public enum Suggestion {
    public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        var best: (String, Int)?
        let lower = name.lowercased()
        for candidate in candidates {
            let distance = editDistance(lower, candidate.lowercased())
            guard distance <= max(2, name.count / 3) else { continue }
            if let current = best, current.1 <= distance { continue }
            best = (candidate, distance)
        }
        return best?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
