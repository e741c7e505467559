/// The broker's sessions, stored densely with an index by id.
///
/// Fan-out reads every entry for every alert. A dictionary's values cannot be read in place: each read copies
/// the whole entry (its handle, client info, subscriptions, hold state), and a profile at 100 subscribers showed
/// those copies and the reference counting they bring as a sixth of the server's CPU. An array element can be
/// read and changed in place.
struct BrokerEntries<Entry> {
    /// The entries in no particular order; removal moves the last one into the hole.
    private(set) var slots: ContiguousArray<Entry> = []
    private var indexByID: [UInt64: Int] = [:]
    private var ids: ContiguousArray<UInt64> = []

    /// The number of entries.
    var count: Int { slots.count }

    /// The ids, ascending: admin listings are stable and ordered.
    var sortedIDs: [UInt64] { ids.sorted() }

    /// The entry for `id`.
    subscript(id: UInt64) -> Entry? {
        indexByID[id].map { slots[$0] }
    }

    /// Adds `entry` under `id`, replacing one already there.
    mutating func insert(_ entry: Entry, for id: UInt64) {
        if let index = indexByID[id] {
            slots[index] = entry
            return
        }
        indexByID[id] = slots.count
        slots.append(entry)
        ids.append(id)
    }

    /// Changes the entry for `id` in place, if there is one.
    mutating func update(_ id: UInt64, _ change: (inout Entry) -> Void) {
        guard let index = indexByID[id] else { return }
        change(&slots[index])
    }

    /// Changes every entry in place, in storage order.
    mutating func updateEach(_ change: (inout Entry) -> Void) {
        for index in slots.indices { change(&slots[index]) }
    }

    @discardableResult
    mutating func remove(_ id: UInt64) -> Entry? {
        guard let index = indexByID.removeValue(forKey: id) else { return nil }
        let last = slots.count - 1
        if index != last {
            slots.swapAt(index, last)
            ids.swapAt(index, last)
            indexByID[ids[index]] = index
        }
        ids.removeLast()
        return slots.removeLast()
    }
}

extension BrokerEntries: Sendable where Entry: Sendable {}
