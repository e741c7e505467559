/// Pulls the rule examples out of a Markdown document (fenced blocks tagged `rules` and `list`), so the
/// documentation's examples are checked by the same loader as real rule folders.
///
/// Lines outside the blocks are blanked rather than removed, so diagnostics point at the document's own lines.
public enum MarkdownExamples {
    /// An in-memory source with `<path>` holding the rule blocks and `<path>#lists.list` the list blocks.
    public static func source(markdown: String, path: String) -> (source: InMemoryRuleSource, root: String) {
        var rules: [String] = []
        var lists: [String] = []
        var fence: String?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: [" "])
            if fence == nil, trimmed.hasPrefix("```") {
                let tag = String(trimmed.dropFirst(3)).trimmingCharacters(in: [" "])
                fence = tag == "rules" || tag == "list" ? tag : "other"
                rules.append("")
                lists.append("")
                continue
            }
            if fence != nil, trimmed.hasPrefix("```") {
                fence = nil
                rules.append("")
                lists.append("")
                continue
            }
            rules.append(fence == "rules" ? line : "")
            lists.append(fence == "list" ? line : "")
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let listPath = path + "#lists.list"
        rules.append("include \"\(name)#lists.list\"")
        return (InMemoryRuleSource([PathUtilities.normalize(path): rules.joined(separator: "\n"), PathUtilities.normalize(listPath): lists.joined(separator: "\n")]), path)
    }
}

extension String {
    fileprivate func trimmingCharacters(in characters: Set<Character>) -> String {
        var result = Substring(self)
        while let first = result.first, characters.contains(first) { result = result.dropFirst() }
        while let last = result.last, characters.contains(last) { result = result.dropLast() }
        return String(result)
    }
}
