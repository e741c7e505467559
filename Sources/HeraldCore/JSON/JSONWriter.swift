/// Writes JSON with keys in the order given, so alert lines read the same every time and in documentation order.
///
/// Foundation's encoders either reorder keys or cost an allocation per value; alerts are written on the hot path.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the current object or array already has a member; the enclosing levels' flags wait on `outer`.
    /// Kept apart so that writing a value touches a plain Bool, not the last element of an array (a uniqueness check
    /// and two bounds checks per value were a third of writing an alert).
    private var needsComma = false
    private var outer: [Bool] = []

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// The JSON text written so far.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func beginObject(_ key: String? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "{"))
        outer.append(needsComma)
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = outer.removeLast()
    }

    public mutating func beginArray(_ key: String? = nil) {
        prefix(key)
        bytes.append(UInt8(ascii: "["))
        outer.append(needsComma)
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = outer.removeLast()
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
        bytes.append(contentsOf: String(value).utf8)
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

    /// Inserts already-encoded JSON as a value.
    public mutating func raw(_ key: String?, _ json: [UInt8]) {
        prefix(key)
        bytes.append(contentsOf: json)
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
        // was 40 % of writing an alert.
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscaped(byte, to: &bytes)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
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
