/// Pulls the rule examples out of a Markdown document (fenced blocks tagged `rules`, `list` and `lexicon`), so the
/// documentation's examples are checked by the same loader as real rule folders.
///
/// Lines outside the blocks are blanked rather than removed, so diagnostics point at the document's own lines.
public enum MarkdownExamples {
    /// An in-memory source with `<path>` holding the rule blocks, `<path>#lists.list` the list blocks and
    /// `<path>#lexicon.lexicon` the lexicon blocks.
    public static func source(markdown: String, path: String) -> (source: InMemoryRuleSource, root: String) {
        var rules: [String] = []
        var lists: [String] = []
        var lexicon: [String] = []
        var fence: String?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: [" "])
            if fence == nil, trimmed.hasPrefix("```") {
                let tag = String(trimmed.dropFirst(3)).trimmingCharacters(in: [" "])
                fence = tag == "rules" || tag == "list" || tag == "lexicon" ? tag : "other"
                rules.append("")
                lists.append("")
                lexicon.append("")
                continue
            }
            if fence != nil, trimmed.hasPrefix("```") {
                fence = nil
                rules.append("")
                lists.append("")
                lexicon.append("")
                continue
            }
            rules.append(fence == "rules" ? line : "")
            lists.append(fence == "list" ? line : "")
            lexicon.append(fence == "lexicon" ? line : "")
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let listPath = path + "#lists.list"
        rules.append("include \"\(name)#lists.list\"")
        var files = [
            PathUtilities.normalize(path): rules.joined(separator: "\n"), PathUtilities.normalize(listPath): lists.joined(separator: "\n"),
        ]
        // Only a document with lexicon blocks gets a lexicon: without one, a `when` rule is reported as lacking it.
        if lexicon.contains(where: { !$0.isEmpty }) {
            rules.append("include \"\(name)#lexicon.lexicon\"")
            files[PathUtilities.normalize(path)] = rules.joined(separator: "\n")
            files[PathUtilities.normalize(path + "#lexicon.lexicon")] = lexicon.joined(separator: "\n")
        }
        return (InMemoryRuleSource(files), path)
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
