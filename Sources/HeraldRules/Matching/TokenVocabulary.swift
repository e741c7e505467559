/// Token key → token id for the phrase index: an open-addressing table hashed with FNV-1a over the key's UTF-8.
///
/// Every token of every article is looked up here, while it is tokenised. `Dictionary<String, Int32>` hashes with
/// SipHash and compares with Unicode canonical equivalence; keys on both sides come from the same tokenizer (ASCII or
/// NFKC-normalised), so equal keys have equal bytes and the cheaper hash is enough. An ASCII token is looked up from
/// its bytes in the article, lowercased on the fly, so no key `String` is built for it.
struct TokenVocabulary: Sendable {
    /// A key's hash, length and first eight bytes, computed by the tokenizer in the same loop that classifies the
    /// token's bytes. The key is taken eight bytes at a time (little-endian words, the last one zero-padded): one
    /// multiply per word instead of one per byte, and the first word is the stored prefix as is.
    struct Probe {
        var hash: UInt64 = 0x243F_6A88_85A3_08D3
        var prefix: UInt64 = 0
        var length = 0

        /// A probe over `bytes` taken as they are.
        init<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
            var word: UInt64 = 0
            var count = 0
            for byte in bytes {
                word |= UInt64(byte) << (8 * UInt64(count))
                count += 1
                if count == 8 {
                    add(word, count: 8)
                    word = 0
                    count = 0
                }
            }
            if count > 0 { add(word, count: count) }
        }

        init() {}

        /// Adds the next `count` (1...8) bytes of the key, as a little-endian word with zeros above them.
        @inline(__always)
        mutating func add(_ word: UInt64, count: Int) {
            if length == 0 { prefix = word }
            hash = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 32
            length += count
        }

        /// The hash with the length mixed in and its high bits folded down: the table index uses the low ones.
        var finalHash: UInt64 {
            var mixed = (hash ^ UInt64(length)) &* 0xC2B2_AE3D_27D4_EB4F
            mixed ^= mixed >> 29
            return mixed
        }

        /// Upper 24 bits of the hash and the length (capped), compared before anything else.
        var tag: UInt32 { UInt32(truncatingIfNeeded: finalHash >> 40) << 8 | UInt32(min(length, 255)) }
    }

    /// One table entry, 16 bytes: the tag, the id + 1 (0: empty) and the key's first eight bytes, so that a probe
    /// for a key of up to eight bytes (most words) touches one cache line. The lookup is bound by memory latency:
    /// comparing against the key stored elsewhere cost two more misses per token.
    private struct Slot {
        var tag: UInt32 = 0
        var idPlusOne: Int32 = 0
        var prefix: UInt64 = 0
    }

    private var slots: [Slot] = [Slot()]
    /// Id → key, as UTF-8 bytes of all keys back to back (`keyStart` has one extra entry at the end), for the bytes
    /// of keys longer than eight.
    private var keyBytes: [UInt8] = []
    private var keyStart: [Int32] = [0]
    private var mask = 0

    init() {}

    /// A table holding `keys[id]` for every id.
    init(keys: [String]) {
        for key in keys {
            keyBytes += key.utf8
            keyStart.append(Int32(keyBytes.count))
        }
        var capacity = 16
        while capacity < keys.count * 2 { capacity *= 2 }
        slots = [Slot](repeating: Slot(), count: capacity)
        mask = capacity - 1
        for (id, key) in keys.enumerated() {
            let probe = Probe(key.utf8)
            var slot = Int(truncatingIfNeeded: probe.finalHash) & mask
            while slots[slot].idPlusOne != 0 { slot = (slot + 1) & mask }
            slots[slot] = Slot(tag: probe.tag, idPlusOne: Int32(id + 1), prefix: probe.prefix)
        }
    }

    var count: Int { keyStart.count - 1 }

    /// The id of `key`, or -1 when no alias has this token.
    func id(of key: String) -> Int32 {
        var key = key
        return key.withUTF8 { bytes in id(Probe(bytes), bytes, lowercasingASCII: false) }
    }

    /// The id of a key given its probe and its bytes (in their original case when `lowercasingASCII`: the key is then
    /// the bytes with ASCII capitals lowercased, and the probe must have been computed over the lowercased bytes).
    @inline(__always)
    func id(_ probe: Probe, _ bytes: UnsafeBufferPointer<UInt8>, lowercasingASCII: Bool) -> Int32 {
        guard count > 0 else { return -1 }
        let tag = probe.tag
        var slot = Int(truncatingIfNeeded: probe.finalHash) & mask
        while true {
            let entry = slots[slot]
            if entry.idPlusOne == 0 { return -1 }
            if entry.tag == tag && entry.prefix == probe.prefix
                && (probe.length <= 8 || tailEquals(Int(entry.idPlusOne) - 1, bytes, lowercasingASCII: lowercasingASCII))
            {
                return entry.idPlusOne - 1
            }
            slot = (slot + 1) & mask
        }
    }

    /// Whether the bytes after the first eight equal those of key `id` (lengths are equal: they are in the tag,
    /// capped at 255, so longer keys are compared for length here too).
    private func tailEquals(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>, lowercasingASCII: Bool) -> Bool {
        let start = Int(keyStart[id])
        guard Int(keyStart[id + 1]) - start == bytes.count else { return false }
        for offset in 8..<bytes.count {
            let byte = bytes[offset]
            let folded = lowercasingASCII && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            if keyBytes[start + offset] != folded { return false }
        }
        return true
    }
}
