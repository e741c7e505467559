/// Turns raw trie hits into the hits rules see: within one list the longest alias wins at a position, and an entity
/// hit hides shorter hits of other lists inside it ("Moonshot AI" is a firm, not also the AI term "AI").
enum HitResolver {
    static func resolve(_ raw: [Hit], entityLists: [Bool]) -> [Hit] {
        guard !raw.isEmpty else { return [] }
        // Leftmost-longest per list; different entries with the very same span are all kept (an ambiguous alias).
        let sorted = raw.sorted {
            ($0.list, $0.firstToken, -$0.tokenLength, $0.entry) < ($1.list, $1.firstToken, -$1.tokenLength, $1.entry)
        }
        var kept: [Hit] = []
        kept.reserveCapacity(sorted.count)
        var lastOfList: Hit?
        for hit in sorted {
            if let last = lastOfList, last.list == hit.list, last.overlaps(hit) {
                guard last.firstToken == hit.firstToken && last.endToken == hit.endToken else { continue }
            }
            kept.append(hit)
            lastOfList = hit
        }
        let entities = kept.filter { Int($0.list) < entityLists.count && entityLists[Int($0.list)] }
        var visible = kept
        if !entities.isEmpty {
            visible = kept.filter { hit in
                !entities.contains { entity in
                    entity.list != hit.list && entity.contains(hit) && entity.tokenLength > hit.tokenLength
                }
            }
        }
        return visible.sorted { ($0.firstToken, $0.endToken, $0.list, $0.entry) < ($1.firstToken, $1.endToken, $1.list, $1.entry) }
    }
}
