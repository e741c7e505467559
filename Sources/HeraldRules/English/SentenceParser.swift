/// Reads a `when` sentence against a lexicon:
/// `[a|an|any|the] [NATIONALITY] SUBJECT VERB [a|an|the|its|their] [PLACE] [MODIFIER…] [OBJECT] [in [the] PLACE]`.
///
/// The grammar is a small state machine, and the parser finds *every* cheapest way through it: a known word
/// costs nothing, an unknown word in a slot (or a missing subject, verb or object) costs one. So a clean sentence
/// yields all its readings (more than one is an ambiguity to report), and a faulty one yields the readings with the
/// fewest unknown words, which name each word that could not be mapped and the slot it stands in.
struct SentenceParser {
    /// One step of a reading.
    enum Part: Hashable {
        /// Words `range` are the lexicon entry `entry`.
        case entry(Lexicon.Slot, entry: Int, range: Range<Int>)
        /// Word `index` stands where a word of `slot` belongs, but the lexicon does not know it.
        case unknown(Lexicon.Slot, index: Int)
        /// The sentence lacks its `slot` before word `index` (or at its end).
        case missing(Lexicon.Slot, index: Int)
        /// Word `index` follows a complete sentence.
        case extra(index: Int)

        var cost: Int {
            if case .entry = self { return 0 }
            return 1
        }
    }

    struct Result {
        /// The cheapest readings; at most `limit` of them.
        var readings: [[Part]]
        /// How many words could not be mapped (or slots are missing) in each of them.
        var cost: Int
    }

    static let leadingDeterminers: Set<String> = ["a", "an", "any", "the"]
    static let objectDeterminers: Set<String> = ["a", "an", "the", "its", "their", "any"]
    /// Words of the grammar itself, never taken for an unknown lexicon word.
    static let reserved = leadingDeterminers.union(objectDeterminers).union(["in"])
    static let limit = 16

    let lexicon: Lexicon
    let words: [String]

    init(lexicon: Lexicon, words: [String]) {
        self.lexicon = lexicon
        self.words = words.map { $0.lowercased() }
    }

    // States, in order: an empty transition only ever moves to a later state at the same word.
    private enum State: Int, CaseIterable {
        case start, determiner, nationality, subject, verb, objectDeterminer, placeModifier, modifiers, object,
            inWord, inThe, done
    }

    private struct Transition {
        var next: State
        var position: Int
        var part: Part?
    }

    func parse() -> Result {
        let n = words.count
        let states = State.allCases.count
        let infinity = Int.max / 4
        // rest[state][i]: the least cost from `state` before word i to the end.
        var rest = Array(repeating: Array(repeating: infinity, count: n + 1), count: states)
        for i in stride(from: n, through: 0, by: -1) {
            for state in State.allCases.reversed() {
                var best = (i == n && (state == .object || state == .done)) ? 0 : infinity
                for transition in transitions(state, i) {
                    let later = rest[transition.next.rawValue][transition.position]
                    guard later < infinity else { continue }
                    best = min(best, later + (transition.part?.cost ?? 0))
                }
                rest[state.rawValue][i] = best
            }
        }
        var readings: [[Part]] = []
        var path: [Part] = []
        func walk(_ state: State, _ i: Int) {
            guard readings.count < Self.limit else { return }
            let remaining = rest[state.rawValue][i]
            if i == n && (state == .object || state == .done) && remaining == 0 { readings.append(path) }
            for transition in transitions(state, i) {
                let cost = transition.part?.cost ?? 0
                guard rest[transition.next.rawValue][transition.position] + cost == remaining else { continue }
                if let part = transition.part { path.append(part) }
                walk(transition.next, transition.position)
                if transition.part != nil { path.removeLast() }
            }
        }
        let total = rest[State.start.rawValue][0]
        if total < infinity { walk(.start, 0) }
        return Result(readings: Self.unique(readings), cost: total)
    }

    private static func unique(_ readings: [[Part]]) -> [[Part]] {
        var seen = Set<[Part]>()
        return readings.filter { seen.insert($0).inserted }
    }

    private func transitions(_ state: State, _ i: Int) -> [Transition] {
        var out: [Transition] = []
        let word = i < words.count ? words[i] : nil
        func entries(_ slot: Lexicon.Slot, to next: State) {
            for (index, entry) in lexicon.entries.enumerated() where entry.slot == slot {
                for form in entry.forms where i + form.count <= words.count && Array(words[i..<i + form.count]) == form {
                    out.append(Transition(next: next, position: i + form.count, part: .entry(slot, entry: index, range: i..<i + form.count)))
                }
            }
        }
        func unknown(_ slot: Lexicon.Slot, to next: State) {
            guard let word, !Self.reserved.contains(word) else { return }
            out.append(Transition(next: next, position: i + 1, part: .unknown(slot, index: i)))
        }
        func skip(to next: State) { out.append(Transition(next: next, position: i, part: nil)) }
        func missing(_ slot: Lexicon.Slot, to next: State) {
            out.append(Transition(next: next, position: i, part: .missing(slot, index: i)))
        }
        func literal(_ accepted: Set<String>, to next: State) {
            if let word, accepted.contains(word) { out.append(Transition(next: next, position: i + 1, part: nil)) }
        }
        switch state {
        case .start:
            literal(Self.leadingDeterminers, to: .determiner)
            skip(to: .determiner)
        case .determiner:
            entries(.nationality, to: .nationality)
            unknown(.nationality, to: .nationality)
            skip(to: .nationality)
        case .nationality:
            entries(.subject, to: .subject)
            unknown(.subject, to: .subject)
            missing(.subject, to: .subject)
        case .subject:
            entries(.verb, to: .verb)
            unknown(.verb, to: .verb)
            missing(.verb, to: .verb)
        case .verb:
            literal(Self.objectDeterminers, to: .objectDeterminer)
            skip(to: .objectDeterminer)
        case .objectDeterminer:
            entries(.place, to: .placeModifier)
            unknown(.place, to: .placeModifier)
            skip(to: .placeModifier)
        case .placeModifier, .modifiers:
            entries(.modifier, to: .modifiers)
            unknown(.modifier, to: .modifiers)
            entries(.object, to: .object)
            unknown(.object, to: .object)
            if state == .modifiers { missing(.object, to: .object) } else { skip(to: .object) }
        case .object:
            literal(["in"], to: .inWord)
            if let word, !Self.reserved.contains(word) { out.append(Transition(next: .object, position: i + 1, part: .extra(index: i))) }
        case .inWord:
            literal(["the"], to: .inThe)
            skip(to: .inThe)
        case .inThe:
            entries(.place, to: .done)
            unknown(.place, to: .done)
            missing(.place, to: .done)
        case .done:
            if let word, !Self.reserved.contains(word) { out.append(Transition(next: .done, position: i + 1, part: .extra(index: i))) }
        }
        return out
    }
}
