/// Parses a `.list` gazetteer file: `list NAME option=value…` headers, then one entry per line,
/// `Canonical | alias | alias   key=value key=value`.
struct ListFileParser {
    struct Result {
        var lists: [Syntax.List] = []
        var diagnostics: [Diagnostic] = []
    }

    static let options = ["kind", "case", "inflect", "refer", "origins"]

    let file: SourceFile

    func parse() -> Result {
        var result = Result()
        var current: Syntax.List?
        for (offset, raw) in file.lines.enumerated() {
            let line = offset + 1
            let text = Self.stripComment(raw)
            guard !text.trimmingSpaces.isEmpty else { continue }
            do throws(TokenCursor.Failure) {
                if text.hasPrefix("list ") || text == "list" {
                    if let finished = current { result.lists.append(finished) }
                    current = try parseHeader(text, line: line, diagnostics: &result.diagnostics)
                    continue
                }
                guard current != nil else {
                    throw TokenCursor.Failure(
                        diagnostic: file.diagnostic(
                            line: line, column: 1, length: text.count, "entry before any 'list NAME' header",
                            hint: "start the file with a header such as 'list CN_FIRM kind=entity'"))
                }
                let entry = try parseEntry(text, line: line)
                current?.entries.append(entry)
            } catch {
                result.diagnostics.append(error.diagnostic)
            }
        }
        if let finished = current { result.lists.append(finished) }
        return result
    }

    /// Removes a `#` comment that is not inside double quotes.
    static func stripComment(_ text: String) -> String {
        var inQuotes = false
        for index in text.indices {
            let character = text[index]
            if character == "\"" { inQuotes.toggle() }
            if character == "#" && !inQuotes { return String(text[..<index]) }
        }
        return text
    }

    /// Parses a header; a bad option is reported but the list still exists, so its entries and users are checked.
    private func parseHeader(
        _ text: String, line: Int, diagnostics: inout [Diagnostic]
    ) throws(TokenCursor.Failure) -> Syntax.List {
        let tokens: [LexToken]
        do {
            tokens = try LineLexer.lex(text)
        } catch {
            throw TokenCursor.Failure(
                diagnostic: file.diagnostic(line: line, column: error.column, length: error.length, error.message))
        }
        var cursor = TokenCursor(tokens: tokens, file: file, line: line)
        _ = cursor.advance()
        let name = try cursor.expectWord("a list name")
        let validName = name.text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isUppercase || ("0"..."9").contains($0) || $0 == "_")
        }
        guard validName, name.text.first?.isLetter == true else {
            throw cursor.error(
                "invalid list name '\(name.text)'", at: name,
                hint: "list names use capital letters, digits and '_', such as CN_FIRM")
        }
        var options = Syntax.ListOptions()
        do throws(TokenCursor.Failure) {
            try parseOptions(&cursor, into: &options)
        } catch {
            diagnostics.append(error.diagnostic)
        }
        return Syntax.List(name: name.text, options: options, entries: [], span: cursor.span(name))
    }

    private func parseOptions(_ cursor: inout TokenCursor, into options: inout Syntax.ListOptions) throws(TokenCursor.Failure) {
        while !cursor.isAtEnd {
            let key = try cursor.expectWord("an option such as kind=entity")
            _ = try cursor.expectSymbol("=")
            let value = try cursor.expectWord("a value for '\(key.text)'")
            switch (key.text, value.text) {
            case ("kind", "entity"): options.isEntity = true
            case ("kind", "term"): options.isEntity = false
            case ("kind", "mask"):
                options.isEntity = true
                options.isMask = true
            case ("case", _):
                guard let mode = CaseMode(rawValue: value.text) else {
                    throw cursor.error("unknown case mode '\(value.text)'", at: value, hint: "use smart, sensitive or insensitive")
                }
                options.caseMode = mode
            case ("inflect", _):
                guard let inflection = Inflection(rawValue: value.text) else {
                    throw cursor.error("unknown inflection '\(value.text)'", at: value, hint: "use none, verb or noun")
                }
                options.inflection = inflection
            case ("origins", _):
                options.origins = value.text
            case ("refer", "context"): options.isReferable = true
            case ("refer", "none"): options.isReferable = false
            case ("refer", _):
                throw cursor.error("unknown refer mode '\(value.text)'", at: value, hint: "use context or none")
            case ("kind", _):
                throw cursor.error("unknown kind '\(value.text)'", at: value, hint: "use term, entity or mask")
            default:
                let hint = Suggestion.closest(to: key.text, in: Self.options).map { "did you mean '\($0)'?" }
                throw cursor.error("unknown list option '\(key.text)'", at: key, hint: hint ?? "options are kind, case, inflect, refer and origins")
            }
        }
    }

    /// An entry: aliases separated by `|`, then trailing `key=value` attributes.
    private func parseEntry(_ text: String, line: Int) throws(TokenCursor.Failure) -> Syntax.ListEntry {
        let characters = Array(text)
        var aliases: [String] = []
        var attributes: [(String, String)] = []
        var segment = ""
        var segmentStart = 0
        var index = 0
        var quoted = false
        var segmentWasQuoted = false

        func fail(_ column: Int, _ length: Int, _ message: String, hint: String? = nil) -> TokenCursor.Failure {
            TokenCursor.Failure(diagnostic: file.diagnostic(line: line, column: column, length: length, message, hint: hint))
        }

        func finishSegment(isLast: Bool) throws(TokenCursor.Failure) {
            var alias = segmentWasQuoted ? segment : String(segment.trimmingSpaces)
            if isLast && !segmentWasQuoted {
                // Peel `key=value` words off the end of the last alias.
                var words = alias.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                var trailing: [(String, String)] = []
                while let last = words.last, let equals = last.firstIndex(of: "="), equals != last.startIndex {
                    let key = String(last[..<equals])
                    var value = String(last[last.index(after: equals)...])
                    if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                        value = String(value.dropFirst().dropLast())
                    }
                    guard key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }), !value.isEmpty else {
                        throw fail(1, text.count, "malformed attribute '\(last)'", hint: "attributes look like country=CN")
                    }
                    trailing.insert((key, value), at: 0)
                    words.removeLast()
                }
                attributes = trailing
                alias = words.joined(separator: " ")
            }
            guard !alias.isEmpty else {
                throw fail(
                    segmentStart + 1, max(1, segment.count), aliases.isEmpty && isLast ? "entry has no name" : "empty alias",
                    hint: "aliases are separated by a single '|'")
            }
            aliases.append(alias)
        }

        while index < characters.count {
            let character = characters[index]
            if character == "\"" {
                if quoted {
                    quoted = false
                    // Attributes may follow a quoted last alias.
                    var cursor = index + 1
                    while cursor < characters.count, characters[cursor] == " " || characters[cursor] == "\t" { cursor += 1 }
                    if cursor < characters.count, characters[cursor] != "|" {
                        let tail = String(characters[cursor...])
                        for word in tail.split(separator: " ", omittingEmptySubsequences: true) {
                            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
                            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                                throw fail(cursor + 1, tail.count, "malformed attribute '\(word)'", hint: "attributes look like country=CN")
                            }
                            attributes.append((parts[0], parts[1]))
                        }
                        aliases.append(segment)
                        return Syntax.ListEntry(aliases: aliases, attributes: attributes, span: file.span(line: line, column: 1, length: text.count))
                    }
                } else {
                    guard segment.trimmingSpaces.isEmpty else {
                        throw fail(index + 1, 1, "a quote must open an alias", hint: "quote the whole alias: \"A=B Corp\"")
                    }
                    quoted = true
                    segmentWasQuoted = true
                    segment = ""
                }
                index += 1
                continue
            }
            if character == "|" && !quoted {
                try finishSegment(isLast: false)
                segment = ""
                segmentWasQuoted = false
                segmentStart = index + 1
                index += 1
                continue
            }
            if !(segmentWasQuoted && !quoted) { segment.append(character) }
            index += 1
        }
        guard !quoted else {
            throw fail(segmentStart + 1, characters.count - segmentStart, "unterminated string", hint: "close the alias with a double quote")
        }
        try finishSegment(isLast: true)
        return Syntax.ListEntry(aliases: aliases, attributes: attributes, span: file.span(line: line, column: 1, length: text.count))
    }
}
