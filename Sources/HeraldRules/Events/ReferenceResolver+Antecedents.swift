/// What an anaphor stands for: the subject of a sentence before it, the firm of a quote's speaker, the firm named
/// before with the head office a description gives.
extension ReferenceResolver {
    /// The firm an anaphor at `index` refers to: the subject of the nearest earlier sentence that has one (its own
    /// sentence included), else the last firm named.
    func antecedent(before index: Int, mentions: [Mention], sentenceStart: [Int]) -> Referent? {
        // Mentions are sorted by token: the earlier ones are a prefix, walked backwards without copying it.
        var low = 0
        var high = mentions.count
        while low < high {
            let middle = (low + high) / 2
            if mentions[middle].token < index { low = middle + 1 } else { high = middle }
        }
        let earlier = mentions[..<low]
        guard let last = earlier.last else { return nil }
        var sentences = 0
        var currentStart = sentenceStart[index]
        for mention in earlier.reversed() {
            if sentenceStart[mention.token] != currentStart {
                currentStart = sentenceStart[mention.token]
                sentences += 1
                if sentences > 3 { break }
            }
            if mention.isSubject { return mention.referent }
        }
        return last.referent
    }

    /// The firm of whoever a quote opening at `index` is attributed to in the same sentence: the quote closes, a
    /// reporting verb follows at once ("…," said Wen Qiaolin, StepFun's chief scientist), and the first firm named
    /// within a dozen words after it is a possessor ("StepFun's") or follows "at", "for" or "of" ("a spokeswoman for
    /// StepFun"). Anyone else named there (a former employer, a rival) is not the speaker's firm.
    func quotedSpeaker(
        after index: Int, mentions: [Mention], _ key: (Int) -> String, sentenceStart: [Int]
    ) -> Referent? {
        let sentence = sentenceStart[index]
        var cursor = index + 1
        while cursor < sentenceStart.count, sentenceStart[cursor] == sentence, !Self.closingQuotes.contains(key(cursor)) {
            cursor += 1
        }
        let reporting = Self.quoteReporting
        guard cursor < sentenceStart.count, sentenceStart[cursor] == sentence else { return nil }
        let close = cursor
        // '…," said Li Wei, Alibaba's chief scientist' or '…," Li Wei, Alibaba's chief scientist, said': the reporting
        // verb right after the quote, or after the speaker's name and post.
        if !reporting.contains(key(close + 1)) {
            guard let verb = (close + 1..<min(sentenceStart.count, close + 15)).first(where: { reporting.contains(key($0)) }),
                sentenceStart[verb] == sentence, key(verb - 1) == ","
            else { return nil }
        }
        guard let mention = mentions.first(where: { $0.token > close && $0.token <= close + 14 && sentenceStart[$0.token] == sentence })
        else { return nil }
        var after = mention.token + 1
        while after < mention.token + 5, after < sentenceStart.count, key(after) != "'s", key(after) != "," { after += 1 }
        let possessor = key(after) == "'s"
        let governed = ["at", "for", "of"].contains(key(mention.token - 1))
        return possessor || governed ? mention.referent : nil
    }

    /// The last listed firm named before `index` whose head office is `city` ("the Suzhou-based robot-vacuum maker"
    /// after Ecovacs of Suzhou and Roborock of Beijing is Ecovacs, whichever was the subject).
    func antecedent(before index: Int, mentions: [Mention], basedIn city: String) -> Referent? {
        mentions.last { $0.token < index && headquarters(of: $0.referent) == city }?.referent
    }

    /// The country of a listed firm, or of one this article introduced.
    func country(of referent: Referent, _ result: Result) -> String? {
        switch referent {
        case .listed(let list, let entry):
            return lists[Int(list)].entries[Int(entry)].attributes["country"]
        case .introduced(let list, let index):
            let added = index - lists[Int(list)].entries.count
            guard let entries = result.entries[list], added >= 0, added < entries.count else { return nil }
            return entries[added].attributes["country"]
        case .other:
            return nil
        }
    }

    /// A listed firm's head office (`hq`), lowercased; nil for other firms and for entries without one.
    func headquarters(of referent: Referent) -> String? {
        guard case .listed(let list, let entry) = referent else { return nil }
        return lists[Int(list)].entries[Int(entry)].attributes["hq"].map { $0.replacingOccurrences(of: "_", with: " ").lowercased() }
    }
}
