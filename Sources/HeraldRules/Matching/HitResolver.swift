/// Turns raw trie hits into the hits rules see: within one list the longest alias wins at a position, and an entity
/// hit hides shorter hits of other lists inside it ("Moonshot AI" is a firm, not also the AI term "AI").
enum HitResolver {
    /// `raw` in the order ``PhraseIndex/scan(_:)`` produces it: by first token, and (within one first token) by
    /// increasing length. Returns the visible hits sorted by (first token, end token, list, entry).
    ///
    /// Resolution is one greedy pass in that order, keeping per list the span of the last kept hit in a small hash
    /// table: sorting every raw hit by list first, then again by position, was most of the cost.
    ///
    /// A mask list's hit also hides hits of the very same span ("found", the past of "find", hides the opening
    /// verb "found"): a mask exists to say what a phrase is not.
    static func resolve(_ raw: [Hit], entityLists: [Bool], maskLists: [Bool] = []) -> [Hit] {
        guard !raw.isEmpty else { return [] }
        // Leftmost-longest per list; different entries with the very same span are all kept (an ambiguous alias).
        var lastOfList = ListTable(capacityFor: raw.count)
        var kept: [Hit] = []
        kept.reserveCapacity(raw.count)
        var groupStart = 0
        while groupStart < raw.count {
            let first = raw[groupStart].firstToken
            var groupEnd = groupStart + 1
            while groupEnd < raw.count, raw[groupEnd].firstToken == first { groupEnd += 1 }
            let keptStart = kept.count
            for index in groupStart..<groupEnd {
                let hit = raw[index]
                // Only the longest hits of a list at a position are candidates; shorter ones overlap them.
                var longest = true
                for other in groupStart..<groupEnd where raw[other].list == hit.list && raw[other].endToken > hit.endToken {
                    longest = false
                    break
                }
                guard longest else { continue }
                let slot = lastOfList.slot(for: hit.list)
                if let last = lastOfList.span(at: slot), hit.firstToken < last.end {
                    // Overlaps the last kept hit of its list: kept only when it has the very same span.
                    guard last.first == hit.firstToken && last.end == hit.endToken else { continue }
                }
                lastOfList.set(slot, list: hit.list, first: hit.firstToken, end: hit.endToken)
                kept.append(hit)
            }
            // Within one first token, by (end token, list, entry); groups are a handful of hits.
            var position = keptStart + 1
            while position < kept.count {
                let hit = kept[position]
                var cursor = position
                while cursor > keptStart, Self.precedes(hit, kept[cursor - 1]) {
                    kept[cursor] = kept[cursor - 1]
                    cursor -= 1
                }
                kept[cursor] = hit
                position += 1
            }
            groupStart = groupEnd
        }
        let entities = kept.filter { Int($0.list) < entityLists.count && entityLists[Int($0.list)] }
        guard !entities.isEmpty else { return kept }
        // Only an entity starting at most its own length before a hit can contain it: the scan for each hit starts
        // there (found by binary search), not at the article's first entity, which made a long article quadratic.
        let longest = entities.reduce(0) { max($0, $1.tokenLength) }
        return kept.filter { hit in
            let low = entities.firstIndex(startingAtOrAfter: hit.firstToken - longest)
            // Entities are in text order: only those starting at or before the hit can contain it.
            for entity in entities[low...] {
                if entity.firstToken > hit.firstToken { break }
                guard entity.list != hit.list, entity.contains(hit) else { continue }
                if entity.tokenLength > hit.tokenLength { return false }
                if Int(entity.list) < maskLists.count && maskLists[Int(entity.list)] { return false }
            }
            return true
        }
    }

    private static func precedes(_ left: Hit, _ right: Hit) -> Bool {
        (left.endToken, left.list, left.entry) < (right.endToken, right.list, right.entry)
    }

    /// List → span of its last kept hit, open addressing over the lists that hit in one text.
    private struct ListTable {
        private var lists: [Int32]
        private var firsts: [Int]
        private var ends: [Int]
        private let mask: Int

        init(capacityFor hits: Int) {
            var capacity = 16
            while capacity < hits * 2 { capacity *= 2 }
            lists = [Int32](repeating: -1, count: capacity)
            firsts = [Int](repeating: 0, count: capacity)
            ends = [Int](repeating: 0, count: capacity)
            mask = capacity - 1
        }

        /// The slot holding `list`, or the empty slot where it belongs.
        func slot(for list: Int32) -> Int {
            var slot = Int(truncatingIfNeeded: UInt32(bitPattern: list) &* 0x9E37_79B1) & mask
            while lists[slot] != -1 && lists[slot] != list { slot = (slot + 1) & mask }
            return slot
        }

        func span(at slot: Int) -> (first: Int, end: Int)? {
            lists[slot] == -1 ? nil : (firsts[slot], ends[slot])
        }

        mutating func set(_ slot: Int, list: Int32, first: Int, end: Int) {
            lists[slot] = list
            firsts[slot] = first
            ends[slot] = end
        }
    }
}
