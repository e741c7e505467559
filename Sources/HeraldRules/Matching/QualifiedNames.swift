/// A name an article qualifies once and then uses bare: "Troy, Mich." settles which Troy "leased space in Troy" means.
///
/// Gazetteers leave out bare names that many places share (Troy, Springfield, Portland) and list them only with a
/// qualifier ("Troy, Michigan", "Troy, Mich."). A reporter qualifies such a name once — in the dateline or at first
/// or second mention — and writes it bare elsewhere. Within that article the bare name is the same place, so it
/// gets a hit of the qualified entry. Only capitalised words that no entity hit already covers are taken, only
/// names the article itself qualified, and only when it never qualifies them otherwise ("Portland, Maine" and
/// "Portland, Ore."; "Cambridge, England").
enum QualifiedNames {
    /// Hits for the bare uses of names that `hits` of entity lists qualify with a comma ("Troy, Mich.").
    static func hits(in text: AnalyzedText, hits: [Hit], entityLists: [Bool]) -> [Hit] {
        let count = text.textTokens.count
        var names: [(tokens: [String], hit: Hit)] = []
        let textTokens = text.textTokens
        for hit in hits where hit.endToken - hit.firstToken >= 3 && entityLists[Int(hit.list)] {
            // Marks are compared as code points: this runs over every entity hit of every article.
            guard let comma = (hit.firstToken + 1..<hit.endToken - 1).first(where: {
                textTokens[$0].kind == .punctuation && textTokens[$0].mark == 0x2C
            })
            else { continue }
            let name = (hit.firstToken..<comma).map { text.text(ofToken: $0) }
            guard name.allSatisfy({ $0.first?.isUppercase == true }),
                !names.contains(where: { $0.tokens == name && ($0.hit.list != hit.list || $0.hit.entry != hit.entry) })
            else {
                // One name qualified two ways ("Portland, Maine" and "Portland, Ore."): neither settles it.
                names.removeAll { $0.tokens == name }
                continue
            }
            if !names.contains(where: { $0.tokens == name }) { names.append((name, hit)) }
        }
        guard !names.isEmpty else { return [] }
        var covered = [Bool](repeating: false, count: count)
        for hit in hits where entityLists[Int(hit.list)] {
            for index in hit.firstToken..<min(hit.endToken, count) { covered[index] = true }
        }
        var added: [Hit] = []
        names: for (tokens, qualified) in names {
            // A name's words are in the phrase index's vocabulary, whose id is the same for every spelling of a key:
            // comparing ids first makes no string for the article's other tokens.
            let firstID = textTokens[qualified.firstToken].id
            // An article that also puts the name abroad ("Cambridge, England, not Cambridge, Massachusetts") leaves
            // the bare name unsettled.
            var probe = 0
            while probe + tokens.count + 1 < count {
                defer { probe += 1 }
                guard firstID < 0 || textTokens[probe].id == firstID, text.tokenText(probe, equals: tokens[0]),
                    tokens.indices.allSatisfy({ text.tokenText(probe + $0, equals: tokens[$0]) }),
                    text.tokenText(probe + tokens.count, equals: ",")
                else { continue }
                if EventAnalysis.foreignQualifiers.contains(text.key(ofToken: probe + tokens.count + 1)) { continue names }
            }
            var start = 0
            while start + tokens.count <= count {
                defer { start += 1 }
                guard !covered[start], firstID < 0 || textTokens[start].id == firstID, text.tokenText(start, equals: tokens[0]),
                    tokens.indices.dropFirst().allSatisfy({ !covered[start + $0] && text.tokenText(start + $0, equals: tokens[$0]) })
                else { continue }
                // A longer capitalised name that starts with it ("Troy Aikman") is someone else.
                let end = start + tokens.count
                if end < count, textTokens[end].kind == .word, textTokens[end].shape != .lower { continue }
                added.append(
                    Hit(
                        list: qualified.list, entry: qualified.entry, firstToken: start, endToken: end,
                        firstWord: textTokens[start].wordIndex, lastWord: textTokens[end - 1].wordIndex))
            }
        }
        return added
    }
}
