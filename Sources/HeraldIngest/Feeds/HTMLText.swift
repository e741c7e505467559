/// HTML to plain text for feed content: tags dropped, block elements become paragraph breaks, scripts and styles
/// removed, entities decoded. Good enough for matching sentences; not a renderer.
enum HTMLText {
    static func plain(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return collapse(html) }
        var output = ""
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            if character == "<", let close = html[index...].firstIndex(of: ">") {
                let tag = html[html.index(after: index)..<close].lowercased()
                let name = String(tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber })
                // Inline tags join ("<b>zeb</b>ra" is one word); blocks break paragraphs; cells and images separate words.
                if blockElements.contains(name) {
                    output += "\n\n"
                } else if ["td", "th", "img", "dd", "dt"].contains(name) {
                    output += " "
                }
                if name == "script" || name == "style", !tag.hasPrefix("/"),
                    let end = html.range(of: "</\(name)", options: .caseInsensitive, range: close..<html.endIndex)
                {
                    index = end.lowerBound
                    continue
                }
                index = html.index(after: close)
                continue
            }
            if character == "&", let semicolon = html[index...].prefix(12).firstIndex(of: ";"),
                let decoded = decode(String(html[html.index(after: index)..<semicolon]))
            {
                output.append(decoded)
                index = html.index(after: semicolon)
                continue
            }
            output.append(character)
            index = html.index(after: index)
        }
        return collapse(output)
    }

    /// Runs of spaces become one space; blank-line-separated blocks become paragraphs.
    private static func collapse(_ text: String) -> String {
        text.components(separatedBy: "\n\n")
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\u{A0}" }).joined(separator: " ") }
            .filter { !$0.isEmpty }
            .joined(separator: "\n\n")
    }

    private static let blockElements: Set<String> = [
        "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "table", "section",
        "article", "header", "footer", "figure", "figcaption", "pre", "hr",
    ]

    static let named: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "mdash": "\u{2014}",
        "ndash": "\u{2013}", "rsquo": "\u{2019}", "lsquo": "\u{2018}", "rdquo": "\u{201D}", "ldquo": "\u{201C}",
        "hellip": "\u{2026}", "eacute": "\u{E9}", "egrave": "\u{E8}", "aacute": "\u{E1}", "agrave": "\u{E0}",
        "oacute": "\u{F3}", "ouml": "\u{F6}", "uuml": "\u{FC}", "auml": "\u{E4}", "ccedil": "\u{E7}",
        "copy": "\u{A9}", "reg": "\u{AE}", "trade": "\u{2122}", "euro": "\u{20AC}", "pound": "\u{A3}",
        "middot": "\u{B7}", "bull": "\u{2022}", "laquo": "\u{AB}", "raquo": "\u{BB}", "times": "\u{D7}",
    ]

    static func decode(_ entity: String) -> Character? {
        if let scalar = named[entity] ?? named[entity.lowercased()] { return Character(scalar) }
        if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let value = UInt32(entity.dropFirst(2), radix: 16) {
            return Unicode.Scalar(value).map(Character.init)
        }
        if entity.hasPrefix("#"), let value = UInt32(entity.dropFirst()) {
            return Unicode.Scalar(value).map(Character.init)
        }
        return nil
    }

    /// Rewrites HTML named entities XML does not define (`&nbsp;`) as character references, and a bare `&` that
    /// starts no entity as `&amp;`, so one sloppy item does not make a whole feed unreadable.
    static func xmlSafeEntities(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "&")) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 64)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&") else {
                output.append(byte)
                index += 1
                continue
            }
            var end = index + 1
            while end < bytes.count, end - index <= 12, isEntityByte(bytes[end]) { end += 1 }
            if end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > index + 1 {
                let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                if name.hasPrefix("#") || ["amp", "lt", "gt", "quot", "apos"].contains(name) {
                    output.append(contentsOf: bytes[index...end])
                } else if let scalar = named[name] ?? named[name.lowercased()] {
                    output.append(contentsOf: Array("&#\(scalar.value);".utf8))
                } else {
                    output.append(contentsOf: Array("&amp;".utf8))
                    output.append(contentsOf: bytes[(index + 1)...end])
                }
                index = end + 1
            } else {
                output.append(contentsOf: Array("&amp;".utf8))
                index += 1
            }
        }
        return output
    }

    private static func isEntityByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "#")
    }
}
