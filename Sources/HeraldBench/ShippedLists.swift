import Foundation
import HeraldRules

/// The lists shipped in `Rules/lists`, read as text: the benchmark includes them in every generated rule set and
/// mentions their entries in the corpus, so the real firms, places and verbs are part of the load.
struct ShippedLists {
    /// File name → contents, to add to the in-memory rule folder.
    var files: [String: String] = [:]
    /// List name → entries, each entry its aliases (inflected forms included), for the corpus and the peers.
    var entries: [String: [[String]]] = [:]

    init(directory: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".list") }.sorted()
        for name in names {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            files[name] = text
            parse(text)
        }
    }

    /// A deliberately small reader of the list format (the engine's own parser is internal): header, aliases split
    /// on `|`, trailing `key=value` words dropped, `#` comments removed.
    private mutating func parse(_ text: String) {
        var current: String?
        var inflection = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = line.split(separator: " ")
            guard !words.isEmpty else { continue }
            if rawLine.hasPrefix("list ") {
                current = String(words[1])
                inflection = words.first { $0.hasPrefix("inflect=") }.map { String($0.dropFirst("inflect=".count)) } ?? ""
                continue
            }
            guard let list = current else { continue }
            var aliases: [String] = []
            for alias in line.split(separator: "|") {
                let kept = alias.split(separator: " ").filter { !$0.contains("=") }.joined(separator: " ")
                guard !kept.isEmpty else { continue }
                switch inflection {
                case "verb": aliases += Inflector.verbForms(kept)
                case "noun": aliases += Inflector.nounForms(kept)
                default: aliases.append(kept)
                }
            }
            if !aliases.isEmpty { entries[list, default: []].append(aliases) }
        }
    }

    /// The aliases of a list, flattened; empty for an unknown list.
    func aliases(_ list: String) -> [String] {
        (entries[list] ?? []).flatMap { $0 }
    }

    /// Only the ASCII aliases: the corpus is English news, and CJK aliases would skew byte counts.
    func asciiAliases(_ list: String) -> [String] {
        aliases(list).filter { $0.utf8.allSatisfy { $0 < 0x80 } }
    }
}
