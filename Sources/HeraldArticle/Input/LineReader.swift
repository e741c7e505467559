#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a ``ByteSource`` into lines on `\n` (a trailing `\r` dropped), holding at most one line and one chunk.
///
/// Lines are found with `memchr` over bytes, not by splitting a `String` into `Character`s: on a large JSON-lines
/// archive that split was where most of `herald match`'s time went. A line longer than ``maximumLineBytes`` is
/// skipped as it streams past and reported by its size, so one bad line costs neither memory nor the rest of the
/// input.
public final class LineReader {
    public enum Line: Equatable, Sendable {
        /// A line's bytes and its 1-based number.
        case line([UInt8], number: Int)
        /// A line over the limit, skipped: how long it was.
        case tooLong(bytes: Int, number: Int)
    }

    public let maximumLineBytes: Int
    /// Bytes read from the source so far (after decompression).
    public private(set) var bytesRead = 0

    private let source: any ByteSource
    private let chunkBytes: Int
    private var buffer: [UInt8] = []
    /// Where the current line starts in `buffer`.
    private var start = 0
    /// Up to where `buffer` has been searched for a newline.
    private var scanned = 0
    private var lineNumber = 0
    private var ended = false
    /// Bytes of an over-long line skipped so far, or `nil` when not skipping.
    private var skipping: Int?

    public init(_ source: any ByteSource, maximumLineBytes: Int, chunkBytes: Int = 1 << 20) {
        self.source = source
        self.maximumLineBytes = max(1, maximumLineBytes)
        self.chunkBytes = max(1, chunkBytes)
    }

    /// The next line, or `nil` at the end of the input.
    public func next() throws(ArticleError) -> Line? {
        while true {
            if let newline = findNewline() {
                lineNumber += 1
                let end = newline > start && buffer[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
                defer {
                    start = newline + 1
                    scanned = start
                }
                if let skipped = skipping {
                    skipping = nil
                    return .tooLong(bytes: skipped + (newline - start), number: lineNumber)
                }
                if end - start > maximumLineBytes { return .tooLong(bytes: end - start, number: lineNumber) }
                return .line(Array(buffer[start..<end]), number: lineNumber)
            }
            // No newline in what is buffered.
            if buffer.count - start > maximumLineBytes || skipping != nil {
                skipping = (skipping ?? 0) + (buffer.count - start)
                buffer.removeAll(keepingCapacity: true)
                start = 0
                scanned = 0
            }
            if ended {
                guard start < buffer.count || skipping != nil else { return nil }
                lineNumber += 1
                defer {
                    buffer.removeAll()
                    start = 0
                    scanned = 0
                }
                if let skipped = skipping {
                    skipping = nil
                    return .tooLong(bytes: skipped, number: lineNumber)
                }
                var end = buffer.count
                if buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                return .line(Array(buffer[start..<end]), number: lineNumber)
            }
            try fill()
        }
    }

    private func findNewline() -> Int? {
        guard scanned < buffer.count else { return nil }
        let found = buffer.withUnsafeBytes { bytes -> Int? in
            guard let base = bytes.baseAddress else { return nil }
            guard let hit = memchr(base + scanned, Int32(UInt8(ascii: "\n")), bytes.count - scanned) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        scanned = found ?? buffer.count
        return found
    }

    /// Appends the next chunk, first dropping the lines already returned.
    private func fill() throws(ArticleError) {
        if start > 0 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        let old = buffer.count
        // An array of zeros, not `repeatElement`: appending a `Repeated` goes element by element through generic
        // iteration, which in a debug build took about half a second per 1 MiB chunk, twice per file read.
        buffer.append(contentsOf: [UInt8](repeating: 0, count: chunkBytes))
        let source = self.source
        let result = buffer.withUnsafeMutableBytes { bytes -> Result<Int, ArticleError> in
            do throws(ArticleError) {
                return .success(try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[old...])))
            } catch {
                return .failure(error)
            }
        }
        guard case .success(let count) = result else {
            buffer.removeLast(chunkBytes)
            if case .failure(let error) = result { throw error }
            return
        }
        buffer.removeLast(chunkBytes - count)
        bytesRead += count
        if count == 0 { ended = true }
    }
}
