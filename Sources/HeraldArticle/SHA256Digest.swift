import COpenSSL

/// SHA-256 over byte sequences and strings, computed by the system OpenSSL.
///
/// Used for content hashes (deduplicating articles, cache keys) and certificate fingerprints.
/// It is a namespace rather than a streaming hasher because every caller already holds the whole input.
public enum SHA256Digest {
    /// The length of a SHA-256 digest in bytes.
    public static let byteCount = 32

    /// Returns the 32-byte SHA-256 digest of `bytes`.
    ///
    /// Contiguous inputs (`Array`, `Data`, `ArraySlice`, native `String.UTF8View`) are hashed in place;
    /// other collections are copied into an array once, so the digest is always a single OpenSSL call.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        if let digest = bytes.withContiguousStorageIfAvailable({ digest(of: $0) }) {
            return digest
        }
        return Array(bytes).withUnsafeBufferPointer { digest(of: $0) }
    }

    /// Returns the SHA-256 digest of `bytes` as 64 lowercase hexadecimal characters.
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        hexString(hash(bytes), uppercase: false)
    }

    /// Returns the SHA-256 digest of the UTF-8 encoding of `string` as 64 lowercase hexadecimal characters.
    public static func hex(_ string: String) -> String {
        hex(string.utf8)
    }

    /// The first `digits` (at most 64) lowercase hexadecimal digits of the SHA-256 digest of `bytes`, hashed into a
    /// buffer on the stack: no digest array and no full-length hex string to cut.
    public static func hexPrefix(of bytes: [UInt8], digits: Int) -> String {
        hexPrefix(of: bytes[...], digits: digits)
    }

    /// The same, over a slice: the content id hashes the front of a buffer it built.
    public static func hexPrefix(of bytes: ArraySlice<UInt8>, digits: Int) -> String {
        let count = min(max(digits, 0), byteCount * 2)
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digest) { out in
            bytes.withUnsafeBufferPointer { input in
                // As in `digest(of:)`: a valid pointer even for an empty input.
                var empty: UInt8 = 0
                let result: UnsafeMutablePointer<UInt8>?
                if let base = input.baseAddress {
                    result = SHA256(base, input.count, out.baseAddress?.assumingMemoryBound(to: UInt8.self))
                } else {
                    result = SHA256(&empty, 0, out.baseAddress?.assumingMemoryBound(to: UInt8.self))
                }
                precondition(result != nil, "OpenSSL SHA256 failed; the OpenSSL installation is unusable")
            }
            let hex: StaticString = "0123456789abcdef"
            return String(unsafeUninitializedCapacity: count) { text in
                hex.withUTF8Buffer { hex in
                    for index in 0..<count {
                        let byte = out[index / 2]
                        text[index] = hex[Int(index % 2 == 0 ? byte >> 4 : byte & 0x0F)]
                    }
                }
                return count
            }
        }
    }

    /// Hex-encodes `bytes`, optionally putting `separator` between bytes (fingerprints use ":").
    public static func hexString(_ bytes: [UInt8], uppercase: Bool, separator: UInt8? = nil) -> String {
        let digits: [UInt8] = Array(uppercase ? "0123456789ABCDEF".utf8 : "0123456789abcdef".utf8)
        var characters: [UInt8] = []
        characters.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if let separator, index > 0 {
                characters.append(separator)
            }
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    private static func digest(of buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: byteCount)
        // An empty buffer may have no base address; OpenSSL still wants a valid pointer, so hash from a dummy byte.
        var empty: UInt8 = 0
        let result = output.withUnsafeMutableBufferPointer { out in
            if let base = buffer.baseAddress {
                return SHA256(base, buffer.count, out.baseAddress)
            }
            return SHA256(&empty, 0, out.baseAddress)
        }
        // SHA-256 from the default provider cannot fail short of a broken OpenSSL installation,
        // and a wrong hash would silently corrupt every content key, so stop rather than continue.
        precondition(result != nil, "OpenSSL SHA256 failed; the OpenSSL installation is unusable")
        return output
    }
}
