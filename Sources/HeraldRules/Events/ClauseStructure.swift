/// A shallow reading of one sentence: where its clauses break and which stretches are set off from the main clause.
///
/// Event checks (``EventAnalysis``) need to know whether a firm is the subject of a verb, whether a place belongs to
/// the verb's clause and how far a cue such as "denied" reaches. A full parser answers that (Link Grammar was
/// measured for Herald: docs/EVENTS.md), but at 40–1,000 ms per long news sentence against microseconds here, and
/// news sentences break into clauses at a small set of words and marks. So this reads the sentence once, left to
/// right, and records:
///
/// - **breaks**: tokens that start a new clause — `;` `:`, contrastive and subordinating conjunctions ("but",
///   "while", "although", "because", "if"), relative pronouns ("which", "who") and reporting verbs ("said");
/// - **regions**: stretches set off from the clause around them, in parentheses or between commas/dashes when
///   they open with a relative pronoun, an article ("Velcora, a start-up founded by former Alibaba engineers,") or
///   a participle ("Apple, backed by …,"). Region 0 is the main line of the sentence; every set-off stretch gets
///   its own number. Member lists (", including Alibaba and Tencent,") are not set off: their firms are the
///   subject's members.
///
/// Built only for sentences where an event rule reached its last check, so its per-token strings cost nothing on
/// the rest of the text.
struct ClauseStructure {
    let first: Int
    let end: Int
    /// Lowercased key of each token of the sentence, indexed from `first`.
    private let keys: [String]
    /// Whether each token is a capitalised word.
    private let capitalized: [Bool]
    /// Whether each token is a clause break.
    private let breaks: [Bool]
    /// Set-off region of each token (0: main line).
    private let regions: [Int]
    /// For each region, the token that opens it (the comma, dash or parenthesis), indexed by region number.
    private let regionOpeners: [Int]
    /// Clause number of each token (``clause(of:)``), counted once: the checks ask it of every token of a sentence.
    private let clauses: [Int]
    /// The main line's clause count at the sentence's end.
    private let lastClause: Int

    init(text: AnalyzedText, unit: Segment) {
        first = unit.firstToken
        end = unit.endToken
        var keys: [String] = []
        var capitalized: [Bool] = []
        keys.reserveCapacity(end - first)
        for index in first..<end {
            keys.append(text.key(ofToken: index))
            let token = text.textTokens[index]
            capitalized.append(token.kind == .word && (token.shape == .capitalized || token.shape == .upper || token.shape == .mixed))
        }
        self.keys = keys
        self.capitalized = capitalized
        // Dashes (the tokenizer folds — and – to "-"): a "-" with space on either side is a dash; "US-based" has none.
        var spacedDash = [Bool](repeating: false, count: keys.count)
        for offset in keys.indices where keys[offset] == "-" {
            let index = first + offset
            let before = index > first ? text.textTokens[index - 1].end < text.textTokens[index].start : true
            let after = index + 1 < end ? text.textTokens[index].end < text.textTokens[index + 1].start : true
            spacedDash[offset] = before || after
        }
        var breaks = [Bool](repeating: false, count: keys.count)
        for (offset, key) in keys.enumerated() {
            if Self.breakWords.contains(key) { breaks[offset] = true }
            // "has not yet sat", "is yet to open": the adverb, not the conjunction.
            if key == "yet", offset > 0, ["not", "n't", "never", "is", "are", "was", "were", "has", "have"].contains(keys[offset - 1])
                || (offset + 1 < keys.count && keys[offset + 1] == "to")
            {
                breaks[offset] = false
            }
            // "that" opens a clause after a verb or noun ("said that", "a lab that"), but not as a determiner
            // ("that lab"): a break only when the next word is not a unit-like noun is beyond a shallow reading, so
            // every "that" breaks, and checks that must cross it (factuality) do.
            if key == "that" { breaks[offset] = true }
            // "would open a centre in Dallas, even as the company cuts jobs at home": "even as" opens a clause.
            if key == "as", offset > 0, keys[offset - 1] == "even" { breaks[offset - 1] = true }
            // "closing its Singapore office and opening a lab in Seattle": "and" before a verb form starts a clause.
            // Not between two modifiers of one noun: "opened a testing and engineering hub".
            if key == "and", offset + 1 < keys.count, !capitalized[offset + 1], Self.looksLikeVerbForm(keys[offset + 1]),
                !(offset >= 2 && Self.looksLikeVerbForm(keys[offset - 1]) && ["a", "an", "the", "its", "their", "our", "new"].contains(keys[offset - 2]))
            {
                breaks[offset] = true
            }
        }
        // "After closing its Austin office, Alibaba opened…": a fronted subordinate clause ends at its comma.
        if let opener = keys.first, Self.frontedOpeners.contains(opener), let comma = keys.firstIndex(of: ",") {
            breaks[comma] = true
        }
        // The dash that ends a dateline ("DALLAS, April 30 (Wire) - A Shenzhen start-up called …") opens the story,
        // not an aside: "- A …" would otherwise read as an appositive set off up to the next comma.
        var datelineDash = -1
        if first <= 1, end > first, text.isDateline(first: first, end: first + 1) {
            datelineDash = keys.indices.prefix(16).first { spacedDash[$0] } ?? -1
        }
        var regions = [Int](repeating: 0, count: keys.count)
        var openers: [Int] = [-1]
        var offset = 0
        while offset < keys.count {
            let key = keys[offset]
            if key == "(" {
                let number = openers.count
                openers.append(first + offset)
                var inner = offset
                while inner < keys.count {
                    regions[inner] = number
                    if keys[inner] == ")" { break }
                    inner += 1
                }
                offset = inner + 1
                continue
            }
            // The comma that closes an aside may open the next one (", the Hefei company whose …, which spent …,"),
            // but not with an adverb: "Moore Threads, the Beijing GPU designer, now employs 42 people" goes back
            // to the main clause.
            let closesAside = offset > 0 && regions[offset - 1] != 0
            if key == "," || (spacedDash[offset] && offset != datelineDash), offset + 1 < keys.count,
                Self.setsOff(keys[offset + 1], keys, offset + 1), !(closesAside && Self.adverbOpeners.contains(keys[offset + 1]))
            {
                var close = offset + 1
                while close < keys.count, keys[close] != ",", !spacedDash[close], keys[close] != ";", keys[close] != ")" { close += 1 }
                if Self.endsASeries(keys, comma: offset, close: close, regions: regions) {
                    offset += 1
                    continue
                }
                let number = openers.count
                openers.append(first + offset)
                for inner in offset..<close { regions[inner] = number }
                offset = close
                continue
            }
            offset += 1
        }
        self.breaks = breaks
        self.regions = regions
        self.regionOpeners = openers
        var clauses: [Int] = []
        clauses.reserveCapacity(keys.count)
        var count = 0
        for offset in keys.indices {
            if regions[offset] != 0 {
                clauses.append(-regions[offset])
                continue
            }
            if breaks[offset] { count += 1 }
            clauses.append(count)
        }
        self.clauses = clauses
        self.lastClause = count
    }

    /// Whether the comma at `comma` (whose stretch would run to `close`) joins the last members of a series rather than
    /// setting off an aside: "is looking for computer-vision engineers, machine-learning researchers, a data-labeling
    /// lead and an office manager to staff a new office". It does when a plain comma of the main line stands a few
    /// words before it, and the stretch runs on to the end of the sentence (or its attribution) with an "and" or "or"
    /// in it: an aside closes with a comma of its own.
    static func endsASeries(_ keys: [String], comma: Int, close: Int, regions: [Int]) -> Bool {
        // Or up to an attribution: "…, according to job postings", "…, the company said".
        let attributed = close + 1 < keys.count && keys[close] == "," && ["according", "the", "it", "said", "says"].contains(keys[close + 1])
        guard keys[comma] == ",", close == keys.count || keys[close] == ";" || attributed,
            (comma + 1..<close).contains(where: { keys[$0] == "and" || keys[$0] == "or" })
        else { return false }
        return (max(0, comma - 8)..<comma).contains { keys[$0] == "," && regions[$0] == 0 }
    }

    /// Words that open a sentence with a subordinate clause ending at the first comma.
    static let frontedOpeners: Set<String> = [
        "after", "before", "while", "although", "though", "because", "since", "when", "if", "unless", "despite", "as",
        "having", "once",
    ]

    /// A lowercase word shaped like a participle ("opening", "closed"): enough to tell "closing X and opening Y"
    /// from "research and development".
    static func looksLikeVerbForm(_ word: String) -> Bool {
        word.count > 4 && (word.hasSuffix("ing") || word.hasSuffix("ed")) && !["during", "including", "following", "according", "leading"].contains(word)
    }

    /// Words that open a clause of their own.
    static let breakWords: Set<String> = [
        ";", ":", "but", "while", "whereas", "although", "though", "because", "if", "unless", "which", "who", "whom",
        "whose", "where", "said", "says", "say", "told", "tells", "added", "noted", "according", "however", "yet",
        "after", "before", "when", "whether", "until",
    ]

    /// Adverbs that open an aside (", now a unit of Baidu,") but, right after another aside closes, go on with the
    /// main clause (", now employs").
    private static let adverbOpeners: Set<String> = ["now", "also", "then", "once", "long", "formerly"]

    /// Words after a comma or dash that set the stretch off from the clause around it.
    private static func setsOff(_ key: String, _ keys: [String], _ offset: Int) -> Bool {
        if ["which", "who", "whose", "whom", "where", "a", "an", "backed", "owned", "founded", "run", "led", "controlled",
            "formerly", "once", "itself", "whom", "unlike", "like", "best", "known", "also", "now", "then", "long",
            "according",
        ].contains(key) {
            return true
        }
        // "the" opens an appositive ("Alibaba, the e-commerce giant,") unless it is a member of a list that goes on
        // ("Alibaba, the state and Tencent").
        return key == "the"
    }

    func key(_ index: Int) -> String { index >= first && index < end ? keys[index - first] : "" }
    func isCapitalized(_ index: Int) -> Bool { index >= first && index < end && capitalized[index - first] }
    func isBreak(_ index: Int) -> Bool { index >= first && index < end && breaks[index - first] }
    func region(_ index: Int) -> Int { index >= first && index < end ? regions[index - first] : 0 }
    /// The token that opens region `number` (its comma, dash or parenthesis).
    func opener(ofRegion number: Int) -> Int { regionOpeners[number] }

    /// The breaks strictly between two tokens that lie on the same line as `region` (breaks inside a set-off
    /// stretch do not split the clause around it).
    func breaks(from start: Int, to stop: Int, inRegion region: Int) -> [Int] {
        guard start < stop else { return [] }
        return (max(start, first)..<min(stop, end)).filter { isBreak($0) && self.region($0) == region }
    }

    /// Whether any token of `lower..<upper` is one of `words`.
    func contains(_ words: Set<String>, from lower: Int, to upper: Int) -> Bool {
        guard lower < upper else { return false }
        return (max(lower, first)..<min(upper, end)).contains { words.contains(key($0)) }
    }

    /// The index of the clause `index` belongs to: clauses are numbered by the breaks before them on the main line.
    func clause(of index: Int) -> Int {
        guard index >= first else { return 0 }
        guard index < end else { return lastClause }
        return clauses[index - first]
    }
}
