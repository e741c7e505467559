/// Writes JSON with keys in the order given, so alert lines read the same every time and in documentation order.
///
/// Foundation's encoders either reorder keys or cost an allocation per value; alerts are written on the hot path.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the current object or array already has a member; the enclosing levels' flags wait on `outer`.
    /// Kept apart so that writing a value touches a plain Bool, not the last element of an array (a uniqueness check
    /// and two bounds checks per value were a third of writing an alert).
    private var needsComma = false
    /// The enclosing levels' flags as a bit stack (bit `n` for level `n`), spilling to `deeperLevels` past 64
    /// levels: an array here cost an allocation for every alert line.
    private var outerBits: UInt64 = 0
    private var depth = 0
    private var deeperLevels: [Bool] = []

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// The JSON text written so far.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func beginObject(_ key: String? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "{"))
        pushLevel()
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        popLevel()
    }

    public mutating func beginArray(_ key: String? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "["))
        pushLevel()
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        popLevel()
    }

    public mutating func string(_ key: String?, _ value: String) {
        prefix(key)
        Self.appendQuoted(value, to: &bytes)
    }

    public mutating func optionalString(_ key: String, _ value: String?) {
        guard let value else { return }
        string(key, value)
    }

    public mutating func int(_ key: String?, _ value: Int) {
        prefix(key)
        appendDigits(value)
    }

    // Members under fixed keys given already quoted, with the colon (`"\"rule\":"`), copied as they are: an alert
    // line has some twenty of them, and sending each short key through the escaping loop was a third of writing
    // the line. The key must need no escaping.

    mutating func beginObject(rawKey: StaticString) {
        prefix(rawKey: rawKey)
        bytes.append(UInt8(ascii: "{"))
        pushLevel()
    }

    mutating func beginArray(rawKey: StaticString) {
        prefix(rawKey: rawKey)
        bytes.append(UInt8(ascii: "["))
        pushLevel()
    }

    mutating func string(rawKey: StaticString, _ value: String) {
        prefix(rawKey: rawKey)
        Self.appendQuoted(value, to: &bytes)
    }

    mutating func int(rawKey: StaticString, _ value: Int) {
        prefix(rawKey: rawKey)
        appendDigits(value)
    }

    private mutating func prefix(rawKey: StaticString) {
        if needsComma {
            bytes.append(UInt8(ascii: ","))
        }
        needsComma = true
        rawKey.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func appendDigits(_ value: Int) {
        // Digits written straight into the buffer: an alert carries a dozen offsets, and formatting each through
        // `String(value)` showed in the profile of writing alerts.
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    public mutating func uint(_ key: String?, _ value: UInt64) {
        prefix(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func double(_ key: String?, _ value: Double) {
        prefix(key)
        if value.isFinite {
            bytes.append(contentsOf: String(value).utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    public mutating func bool(_ key: String?, _ value: Bool) {
        prefix(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func null(_ key: String?) {
        prefix(key)
        bytes.append(contentsOf: "null".utf8)
    }

    /// Writes `key` and leaves its value out, returning the offset where the value belongs: how a line names an id
    /// that only the store knows (``LineTemplate``). The value counts as written.
    public mutating func placeholder(_ key: String?) -> Int {
        prefix(key)
        return bytes.count
    }

    /// Inserts already-encoded JSON as a value.
    public mutating func raw(_ key: String?, _ json: [UInt8]) {
        prefix(key)
        bytes.append(contentsOf: json)
    }

    /// Appends members already encoded for an object (`"a":1,"b":2`, no braces, no leading comma) to the current
    /// object.
    mutating func appendMembers(_ json: [UInt8]) {
        guard !json.isEmpty else { return }
        if needsComma {
            bytes.append(UInt8(ascii: ","))
        }
        needsComma = true
        bytes.append(contentsOf: json)
    }

    /// Ends the text with a newline, for a line ready to send; nothing may be written after it.
    mutating func appendNewline() {
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func pushLevel() {
        if depth < 64 {
            if needsComma { outerBits |= 1 << UInt64(depth) } else { outerBits &= ~(1 << UInt64(depth)) }
        } else {
            deeperLevels.append(needsComma)
        }
        depth += 1
        needsComma = false
    }

    private mutating func popLevel() {
        precondition(depth > 0, "JSONWriter: end without a matching begin")
        depth -= 1
        needsComma = depth < 64 ? outerBits & (1 << UInt64(depth)) != 0 : deeperLevels.removeLast()
    }

    private mutating func prefix(_ key: String?) {
        if needsComma {
            bytes.append(UInt8(ascii: ","))
        }
        needsComma = true
        if let key {
            Self.appendQuoted(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    /// Appends `value` as a JSON string: quotes, backslashes and control characters escaped, UTF-8 otherwise.
    public static func appendQuoted(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // One pass over the contiguous UTF-8, copying the runs between bytes that need escaping in one go: most
        // values (names, sentences) have none. Asking `utf8.contains(where:)` first, through the view's iterator,
        // was 40 % of writing an alert. Eight bytes are checked at once where the buffer allows.
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                if index + 8 <= utf8.count, let base = utf8.baseAddress,
                    !mayNeedEscaping(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                {
                    index += 8
                    continue
                }
                let byte = utf8[index]
                if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                    appendEscaped(byte, to: &bytes)
                    runStart = index + 1
                }
                index += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether any of eight bytes is a control character, DEL, a quote or a backslash. Exact when it says no (the
    /// classic "has a zero byte" / "has a byte below n" word tricks); a yes sends those bytes through the byte loop.
    @inline(__always)
    private static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let hasControl = (word &- ones &* 0x20) & ~word & highs != 0
        return hasControl || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
            || hasZeroByte(word ^ (ones &* 0x7F))
    }

    private static func appendEscaped(_ byte: UInt8, to bytes: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [
                UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)],
                hex[Int(byte & 0xF)],
            ])
        }
    }
}
