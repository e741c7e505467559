/// The hits of every unit (sentence, paragraph or whole text) of one analysed text, located once and shared by all
/// the candidate rules of that scope, with the units each list hit in.
///
/// A rule is evaluated only in the units where one of its anchor lists hit. Cutting the hits per rule and per unit
/// instead made every candidate rule cost a pass over the whole article.
struct UnitHits {
    let units: [Segment]
    private let hits: [Hit]
    /// Per unit, the run of `hits` starting inside it, and whether one of those runs past its end (and must be
    /// filtered out: rules see only the hits lying wholly inside a unit). One array of both, not two.
    private let runs: [(range: Range<Int>, crossing: Bool)]
    /// (list, unit) for every hit lying wholly inside a unit, packed as `list << 32 | unit` and sorted: the units
    /// each list hit in, found by binary search. One sort of a few dozen integers replaced a dictionary of arrays
    /// (an allocation per list that hit) built for every text and scope.
    private let listUnits: [UInt64]

    /// `hits` must be sorted by first token, as ``HitResolver`` returns them, and `units` by position, as the
    /// segmenter returns them: one merged pass then places every hit.
    init(units: [Segment], hits: [Hit]) {
        self.units = units
        self.hits = hits
        var runs: [(range: Range<Int>, crossing: Bool)] = []
        runs.reserveCapacity(units.count)
        var pairs: [UInt64] = []
        pairs.reserveCapacity(hits.count)
        var cursor = 0
        for (position, unit) in units.enumerated() {
            while cursor < hits.count, hits[cursor].firstToken < unit.firstToken { cursor += 1 }
            var end = cursor
            var crosses = false
            while end < hits.count, hits[end].firstToken < unit.endToken {
                if hits[end].endToken > unit.endToken {
                    crosses = true
                } else {
                    pairs.append(UInt64(UInt32(bitPattern: hits[end].list)) << 32 | UInt64(position))
                }
                end += 1
            }
            runs.append((cursor..<end, crosses))
            cursor = end
        }
        self.runs = runs
        // Sorted and deduplicated in place.
        pairs.sort()
        var kept = 0
        for index in pairs.indices where kept == 0 || pairs[kept - 1] != pairs[index] {
            pairs[kept] = pairs[index]
            kept += 1
        }
        pairs.removeLast(pairs.count - kept)
        self.listUnits = pairs
    }

    /// The hits lying wholly inside unit `position`.
    func hits(in position: Int) -> ArraySlice<Hit> {
        let unit = units[position]
        let run = runs[position]
        let inside = hits[run.range]
        return run.crossing ? inside.filter { $0.endToken <= unit.endToken }[...] : inside
    }

    /// The units a rule with these anchors can fire in, ascending; every unit when it has no anchor.
    func units(anchoredOn anchors: [Int32]) -> [Int] {
        guard !anchors.isEmpty else { return Array(units.indices) }
        if anchors.count == 1 { return units(of: anchors[0]) }
        var merged = Set<Int>()
        for anchor in anchors { merged.formUnion(units(of: anchor)) }
        return merged.sorted()
    }

    /// The units holding a hit of `list`, ascending.
    private func units(of list: Int32) -> [Int] {
        let key = UInt64(UInt32(bitPattern: list)) << 32
        var low = 0
        var high = listUnits.count
        while low < high {
            let middle = (low + high) / 2
            if listUnits[middle] < key { low = middle + 1 } else { high = middle }
        }
        var result: [Int] = []
        while low < listUnits.count, listUnits[low] >> 32 == key >> 32 {
            result.append(Int(listUnits[low] & 0xFFFF_FFFF))
            low += 1
        }
        return result
    }
}
