/// A gap phrase, `"cut" ~4 @JOBS`: its parts in order, each next one starting at most `gaps[i]` words after the
/// previous one ends, all in one sentence. Its occurrences are hits of a list of its own (``list``), made after
/// the phrase index scan from the parts' hits, so bindings, rejects and the prefilter treat it like any term.
struct TermSequence: Sendable {
    var list: Int32
    var parts: [[TermReference]]
    var gaps: [Int]

    /// The sequence's occurrences among `hits` (sorted by first token), leftmost-shortest: for each hit of the
    /// first part, the nearest chain of the next parts.
    func hits(in hits: [Hit], lists: [GazetteerList], sentences: [Segment]) -> [Hit] {
        guard let firstPart = parts.first else { return [] }
        var found: [Hit] = []
        var sentence = 0
        func accepts(_ part: [TermReference], _ hit: Hit) -> Bool {
            part.contains { $0.accepts(hit, entries: lists[Int($0.list)].entries) }
        }
        for start in hits where accepts(firstPart, start) {
            while sentence < sentences.count, sentences[sentence].endToken <= start.firstToken { sentence += 1 }
            let sentenceEnd = sentence < sentences.count ? sentences[sentence].endToken : Int.max
            var last = start
            var complete = true
            for (offset, part) in parts.dropFirst().enumerated() {
                // Only the hits that start within the gap after the previous part: a bounded look, whatever the
                // article's length.
                var next: Hit?
                var position = hits.firstIndex(startingAtOrAfter: last.endToken)
                while position < hits.count, hits[position].firstWord - last.lastWord <= gaps[offset] {
                    let candidate = hits[position]
                    if candidate.endToken <= sentenceEnd, accepts(part, candidate) {
                        next = candidate
                        break
                    }
                    position += 1
                }
                guard let next else {
                    complete = false
                    break
                }
                last = next
            }
            guard complete else { continue }
            found.append(
                Hit(
                    list: list, entry: 0, firstToken: start.firstToken, endToken: last.endToken,
                    firstWord: start.firstWord, lastWord: last.lastWord))
        }
        return found
    }
}
