import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses RSS 2.0, RSS 1.0 (RDF) and Atom into ``FeedItem``s. Malformed XML is an error naming the line.
///
/// Real feeds use HTML entities (`&nbsp;`, `&mdash;`) that XML does not define; they are turned into character
/// references before parsing instead of failing the whole feed. External entities are never resolved.
public enum FeedParser {
    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        public var description: String
    }

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> [FeedItem] {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(HTMLText.xmlSafeEntities(bytes)))
        parser.delegate = delegate
        parser.shouldResolveExternalEntities = false
        guard parser.parse() else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error"
            throw Failure(description: "malformed feed XML at line \(parser.lineNumber): \(reason)")
        }
        // libxml2 accepts a document cut off mid-element; a truncated download must not pass as a short feed.
        if let open = delegate.openElements.last {
            throw Failure(description: "malformed feed XML: the document ends inside <\(open)> (truncated?)")
        }
        guard delegate.sawFeed else { throw Failure(description: "not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF>)") }
        return delegate.items
    }

    /// Collects items while SAX-parsing. A field is a direct child of an item; everything inside it (Atom's
    /// xhtml content, for one) is its text.
    private final class Delegate: NSObject, XMLParserDelegate {
        var items: [FeedItem] = []
        var sawFeed = false
        private(set) var openElements: [String] = []
        private var depth: Int { openElements.count }
        private var itemDepth: Int?
        private var fields: [String: String] = [:]
        private var field: String?
        private var text = ""
        private var link: String?

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let name = element.lowercased()
            openElements.append(name)
            if depth == 1, ["rss", "feed", "rdf:rdf"].contains(name) { sawFeed = true }
            guard let itemDepth else {
                if name == "item" || name == "entry" {
                    itemDepth = depth
                    fields = [:]
                    link = nil
                }
                return
            }
            guard depth == itemDepth + 1 else {
                if field != nil { text += " " }  // markup inside a field separates words
                return
            }
            field = name
            text = ""
            // Atom links are attributes; prefer rel="alternate" (or no rel).
            if name == "link", let href = attributes["href"], attributes["rel"] == nil || attributes["rel"] == "alternate" {
                link = link ?? href
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if field != nil { text += string }
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            if field != nil { text += String(decoding: block, as: UTF8.self) }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            defer { _ = openElements.popLast() }
            guard let itemDepth else { return }
            if depth == itemDepth {
                items.append(Self.item(fields, link: link))
                self.itemDepth = nil
                return
            }
            guard depth == itemDepth + 1, let name = field else { return }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.isEmpty, fields[name] == nil { fields[name] = value }
            field = nil
        }

        static func item(_ fields: [String: String], link: String?) -> FeedItem {
            let link = link ?? fields["link"]
            let body = fields["content:encoded"] ?? fields["content"] ?? fields["description"] ?? fields["summary"] ?? ""
            let date = fields["pubdate"] ?? fields["published"] ?? fields["updated"] ?? fields["dc:date"]
            let title = HTMLText.plain(fields["title"] ?? "")
            return FeedItem(
                key: fields["guid"] ?? fields["id"] ?? link ?? title,
                title: title, link: link, text: HTMLText.plain(body),
                published: date.flatMap(FeedDate.iso8601))
        }
    }
}
