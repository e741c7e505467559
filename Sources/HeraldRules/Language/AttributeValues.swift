/// Every attribute key of a list with every value its entries give it, computed once per list.
///
/// Filters and `emit`/`prefer` attributes are checked against these for every rule; recomputing them from a list's
/// entries each time made compiling 10,000 rules over a 30,000-entry list take a minute.
struct AttributeValues: Sendable {
    private(set) var values: [String: Set<String>] = [:]

    init() {}

    init(_ entries: [GazetteerEntry]) {
        for entry in entries {
            for (key, value) in entry.attributes { values[key, default: []].insert(value) }
        }
    }

    var keys: Set<String> { Set(values.keys) }

    func known(_ key: String) -> Set<String> { values[key] ?? [] }

    /// The union with another list's, for a binding over several lists.
    mutating func merge(_ other: AttributeValues) {
        for (key, set) in other.values { values[key, default: []].formUnion(set) }
    }
}
