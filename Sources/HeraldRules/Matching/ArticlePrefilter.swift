/// Decides, from the bytes alone, that no rule can fire on an article, so that it is never tokenised.
///
/// Most of a news wire names none of the firms or places a rule set watches; tokenising and segmenting such an
/// article was most of `herald match`'s time on real news. A rule cannot fire where one of the bindings it cannot
/// do without has no hit, and a hit of a list needs the first token of one of its aliases in the text. So each
/// rule becomes a conjunction of word sets — one per such binding: the first words of its lists' aliases (every
/// inflected form), and for a list whose firms the reference pass introduces from context ("a Shenzhen start-up",
/// "Chinese AI firm X"), the words that introduce them too — and an article is let through when, for some rule,
/// every set has a word in it.
///
/// The test is one pass over the UTF-8 bytes: each run of ASCII letters and digits, lowercased, is hashed eight
/// bytes at a time and looked up. It errs only towards letting an article through: the tokenizer never splits
/// such a run, so the run a list word starts with stands in the text whenever the word does; hashes that collide
/// let an article through; and text with non-ASCII letters (which NFKC might fold into ASCII ones) always goes
/// through.
/// `ArticlePrefilterCorpusTests` checks that the labelled corpus gives the same alerts with and without it.
struct ArticlePrefilter: Sendable {
    /// Open addressing over word hashes: `slots[i]` is a hash (0 = empty), `groups[i]` the bits of the word sets it
    /// belongs to, `overflow` for word sets past the first 64.
    private let slots: [UInt64]
    /// One bit per value of a hash's top 16 bits, set for the words of the table: 8 KB that stay in the first-level
    /// cache, so most words of an article are turned away without touching the table.
    private let bloom: [UInt64]
    private let groups: [UInt64]
    private let overflow: [[Int]]
    private let mask: Int
    private let shortest: Int
    private let longest: Int
    /// Each rule's word sets, as indices.
    private let ruleSets: [[Int]]
    /// The rules to look at when a word set is seen: those whose smallest set it is.
    private let rulesBySet: [[Int32]]
    private let setCount: Int
    /// Whether the pass is still worth running on this rule set's articles (shared by its copies).
    private let payoff = PrefilterYield()

    /// Nil when some rule could fire without any word this test can see: a rule with neither an indispensable
    /// binding nor an anchor, or one whose words are punctuation.
    static func make(
        rules: [CompiledRule], lists: [GazetteerList], firstKeys: [Int32: Set<String>], sequences: [TermSequence],
        origins: [(phrase: String, country: String)], originLists: [Int32]
    ) -> ArticlePrefilter? {
        var setIndex: [Set<String>: Int] = [:]
        var ruleSets: [[Int]] = []
        // A gap phrase's hit starts with a hit of its first part.
        var sequenceStarts: [Int32: [TermReference]] = [:]
        for sequence in sequences { sequenceStarts[sequence.list] = sequence.parts.first ?? [] }
        /// The words one of `terms` needs, or nil when a hit of them can stand without a word this test sees.
        func words(of terms: [TermReference], depth: Int = 0) -> Set<String>? {
            var found: Set<String> = []
            for term in terms {
                if let starts = sequenceStarts[term.list] {
                    guard depth < 4, !starts.isEmpty, let inner = words(of: starts, depth: depth + 1) else { return nil }
                    found.formUnion(inner)
                    continue
                }
                found.formUnion(firstKeys[term.list] ?? [])
                guard Int(term.list) < lists.count, lists[Int(term.list)].isReferable else { continue }
                // Firms the reference pass introduces get the country of the phrase that introduced them ("a
                // Shenzhen start-up", "Chinese AI firm X"). Without a filter on the country, any place before
                // "-based" introduces one: nothing this test can look for.
                let countries = term.conditions.filter { $0.key == "country" }
                guard !countries.isEmpty else { return nil }
                for origin in origins
                where countries.allSatisfy({ $0.negated != $0.values.contains(origin.country) }) {
                    found.insert(String(origin.phrase.split(separator: " ").first ?? ""))
                }
                for list in originLists { found.formUnion(firstKeys[list] ?? []) }
            }
            return found
        }
        // One word set per distinct binding (big rule sets repeat a few lists in many rules): its index, -1 when
        // the binding can stand without a word this test sees, -2 when its words are punctuation.
        var conjunctOfTerms: [[TermReference]: Int] = [:]
        var setSizes: [Int] = []
        func conjunct(_ terms: [TermReference]) -> Int {
            if let known = conjunctOfTerms[terms] { return known }
            var result = -1
            if let words = words(of: terms) {
                var scanWords: Set<String> = []
                for key in words {
                    // The key's first run of ASCII letters and digits; a key with none is non-ASCII (it can only
                    // stand in text this test lets through anyway) or punctuation (which it cannot see).
                    if let run = Self.firstRun(of: key) {
                        scanWords.insert(run)
                    } else if !key.unicodeScalars.contains(where: { !$0.isASCII }) {
                        result = -2
                        break
                    }
                }
                if result != -2 {
                    if let known = setIndex[scanWords] {
                        result = known
                    } else {
                        result = setIndex.count
                        setIndex[scanWords] = result
                        setSizes.append(scanWords.count)
                    }
                }
            }
            conjunctOfTerms[terms] = result
            return result
        }
        var keyedRules: [(set: Int, rule: Int32)] = []
        for (position, rule) in rules.enumerated() {
            var indices: Set<Int> = []
            for terms in rule.indispensableTerms {
                let found = conjunct(terms)
                if found == -2 { return nil }
                if found >= 0 { indices.insert(found) }
            }
            if indices.isEmpty {
                // No indispensable binding: the rule still runs only where one of its anchors hit.
                let anchors = rule.anchors.map { TermReference(list: $0, conditions: []) }
                let found = anchors.isEmpty ? -1 : conjunct(anchors)
                guard found >= 0 else { return nil }
                indices.insert(found)
            }
            // Each rule is looked at only when its smallest word set (its rarest, most likely) is seen.
            guard let key = indices.min(by: { setSizes[$0] < setSizes[$1] }) else { return nil }
            keyedRules.append((key, Int32(position)))
            ruleSets.append(indices.sorted())
        }
        var rulesBySet = [[Int32]](repeating: [], count: setIndex.count)
        for (set, rule) in keyedRules { rulesBySet[set].append(rule) }
        var members: [String: [Int]] = [:]
        for (words, index) in setIndex {
            for word in words { members[word, default: []].append(index) }
        }
        var capacity = 16
        while capacity < members.count * 2 { capacity *= 2 }
        var slots = [UInt64](repeating: 0, count: capacity)
        var groups = [UInt64](repeating: 0, count: capacity)
        var overflow = [[Int]](repeating: [], count: capacity)
        var shortest = Int.max
        var longest = 0
        for (word, sets) in members {
            let bytes = Array(word.utf8)
            shortest = min(shortest, bytes.count)
            longest = max(longest, bytes.count)
            let hash = Self.hash(bytes)
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[slot] != 0 && slots[slot] != hash { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = hash
            for set in sets {
                if set < 64 { groups[slot] |= 1 << UInt64(set) } else { overflow[slot].append(set) }
            }
        }
        var bloom = [UInt64](repeating: 0, count: 1024)
        for hash in slots where hash != 0 { bloom[Int(hash >> 54)] |= 1 << ((hash >> 48) & 63) }
        return ArticlePrefilter(
            slots: slots, bloom: bloom, groups: groups, overflow: overflow, mask: capacity - 1, shortest: members.isEmpty ? 1 : shortest,
            longest: longest, ruleSets: ruleSets, rulesBySet: rulesBySet, setCount: setIndex.count)
    }

    /// Whether this article can be left unmatched: no rule can fire on it. Says no without looking when the pass
    /// has lately been turning away too few articles to pay for itself (``PrefilterYield``).
    func turnsAway(title: String, body: String) -> Bool {
        guard payoff.shouldRun() else { return false }
        let turnedAway = !mayMatch(title: title, body: body)
        payoff.record(turnedAway: turnedAway)
        return turnedAway
    }

    /// Whether some rule may fire on an article with this title and body.
    func mayMatch(title: String, body: String) -> Bool {
        var seen = [UInt64](repeating: 0, count: (setCount + 63) / 64)
        var title = title
        var body = body
        let unsure = title.withUTF8 { scan($0, into: &seen) } || body.withUTF8 { scan($0, into: &seen) }
        if unsure { return true }
        for (position, word) in seen.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                let set = position << 6 | bits.trailingZeroBitCount
                bits &= bits &- 1
                for rule in rulesBySet[set]
                where ruleSets[Int(rule)].allSatisfy({ seen[$0 >> 6] & (1 << UInt64($0 & 63)) != 0 }) {
                    return true
                }
            }
        }
        return false
    }

    /// Marks in `seen` the word sets of every word of `bytes`; true when the text has non-ASCII letters or
    /// symbols, whose words this test cannot vouch for.
    private func scan(_ bytes: UnsafeBufferPointer<UInt8>, into seen: inout [UInt64]) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte >= 0x80 {
                // Curly quotes, dashes and no-break spaces separate words like their ASCII forms; anything else
                // non-ASCII may be (or fold into) a letter.
                if byte == 0xE2, index + 2 < count, bytes[index + 1] == 0x80,
                    [0x93, 0x94, 0x98, 0x99, 0x9C, 0x9D].contains(bytes[index + 2])
                {
                    index += 3
                    continue
                }
                if byte == 0xC2, index + 1 < count, bytes[index + 1] == 0xA0 {
                    index += 2
                    continue
                }
                return true
            }
            guard Self.isAlphanumeric(byte) else {
                index += 1
                continue
            }
            // The word's bytes, lowercased (`| 0x20` lowercases a letter and leaves a digit alone), eight to a chunk.
            let start = index
            var hash: UInt64 = 0
            var chunk: UInt64 = 0
            var shift: UInt64 = 0
            var ended = false
            // Eight bytes at a time while they lie inside the buffer (SWAR, as the tokenizer's word scan): the run
            // of letters and digits ends at the first byte that is neither, or not ASCII.
            if let base = bytes.baseAddress {
                while index + 8 <= count {
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                    let run = Tokenizer.alphanumericRun(word)
                    if run == 8 {
                        hash = Self.mix(hash, word | 0x2020_2020_2020_2020)
                        index += 8
                        continue
                    }
                    let kept: UInt64 = (1 << (8 * UInt64(run))) &- 1
                    chunk = (word | 0x2020_2020_2020_2020) & kept
                    index += run
                    ended = true
                    break
                }
            }
            // The buffer's last bytes, one at a time.
            while !ended, index < count, Self.isAlphanumeric(bytes[index]) {
                chunk |= UInt64(bytes[index] | 0x20) << shift
                shift += 8
                if shift == 64 {
                    hash = Self.mix(hash, chunk)
                    chunk = 0
                    shift = 0
                }
                index += 1
            }
            let length = index - start
            guard length >= shortest, length <= longest else { continue }
            let key = Self.finish(hash, chunk, length: length)
            guard bloom[Int(key >> 54)] & (1 << ((key >> 48) & 63)) != 0 else { continue }
            var slot = Int(truncatingIfNeeded: key) & mask
            while slots[slot] != 0 {
                if slots[slot] == key {
                    let bits = groups[slot]
                    if bits != 0, !seen.isEmpty { seen[0] |= bits }
                    for set in overflow[slot] { seen[set >> 6] |= 1 << UInt64(set & 63) }
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return false
    }

    @inline(__always)
    private static func mix(_ hash: UInt64, _ chunk: UInt64) -> UInt64 {
        let mixed = (hash ^ chunk) &* 0x9E37_79B9_7F4A_7C15
        return mixed ^ (mixed >> 29)
    }

    /// The hash of a word from its full chunks' hash and its last chunk; never 0 (0 marks an empty slot).
    @inline(__always)
    private static func finish(_ hash: UInt64, _ chunk: UInt64, length: Int) -> UInt64 {
        let final = mix(hash, chunk) ^ UInt64(length)
        return final == 0 ? 1 : final
    }

    @inline(__always)
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10
    }

    /// The hash ``scan(_:into:)`` computes for a word of lowercase ASCII letters and digits.
    private static func hash(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0
        var chunk: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes {
            chunk |= UInt64(byte | 0x20) << shift
            shift += 8
            if shift == 64 {
                hash = mix(hash, chunk)
                chunk = 0
                shift = 0
            }
        }
        return finish(hash, chunk, length: bytes.count)
    }

    /// The first run of ASCII letters and digits in a key (keys are lowercase), if any.
    static func firstRun(of key: String) -> String? {
        let bytes = Array(key.utf8)
        guard let start = bytes.firstIndex(where: isAlphanumeric) else { return nil }
        let end = bytes[start...].firstIndex(where: { !isAlphanumeric($0) }) ?? bytes.endIndex
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
