/// Token key → token id for the phrase index: an open-addressing table hashed with FNV-1a over the key's UTF-8.
///
/// Every token of every article is looked up here. `Dictionary<String, Int32>` hashes with SipHash and compares with
/// Unicode canonical equivalence; keys on both sides come from the same tokenizer (ASCII or NFKC-normalised), so
/// equal keys have equal bytes and the cheaper hash is enough.
struct TokenVocabulary: Sendable {
    /// Per slot: the upper 32 bits of the key's hash and its id + 1 (0: empty), packed so that a probe touches one
    /// cache line; the lookup is bound by memory latency, not by arithmetic.
    private var slots: [UInt64] = [0]
    /// Id → key.
    private var keys: [String] = []
    private var mask = 0

    init() {}

    /// A table holding `keys[id]` for every id.
    init(keys: [String]) {
        self.keys = keys
        var capacity = 16
        while capacity < keys.count * 2 { capacity *= 2 }
        slots = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        for (id, key) in keys.enumerated() {
            let hash = Self.hash(key)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(id + 1)
        }
    }

    var count: Int { keys.count }

    /// The id of `key`, or -1 when no alias has this token.
    func id(of key: String) -> Int32 {
        guard !keys.isEmpty else { return -1 }
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let packed = slots[slot]
            if packed == 0 { return -1 }
            let id = Int(packed & 0xFFFF_FFFF) - 1
            if packed & 0xFFFF_FFFF_0000_0000 == hash & 0xFFFF_FFFF_0000_0000 && keys[id] == key { return Int32(id) }
            slot = (slot + 1) & mask
        }
    }

    private static func hash(_ key: String) -> UInt64 {
        // Over a buffer when the string offers one (always, for native strings): a tight loop over bytes rather
        // than the UTF-8 view's iterator.
        key.utf8.withContiguousStorageIfAvailable(hash(bytes:)) ?? hash(bytes: Array(key.utf8))
    }

    private static func hash<Bytes: Sequence<UInt8>>(bytes: Bytes) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        // Fold the high bits in: the table index uses the low ones.
        return hash ^ (hash >> 29)
    }
}
