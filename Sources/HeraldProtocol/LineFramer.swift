import NIOCore

/// A line that exceeded the configured maximum length before its terminator arrived.
///
/// Thrown by ``LineFramer`` (and so by ``LineFrameDecoder``); the session answers it with a `line_too_long`
/// error and closes, because the rest of an over-long line cannot be told apart from the next command.
public struct LineTooLongError: Error, Hashable, Sendable {
    /// The limit that was exceeded, in bytes, excluding the line terminator.
    public var maximumLength: Int

    /// Creates the error for a limit of `maximumLength` bytes.
    public init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }
}

/// Splits a byte stream into lines ending in `\n` or `\r\n`, enforcing a maximum line length.
///
/// A pure state machine, kept apart from the channel handler so every split of the input can be tested directly.
/// It remembers how far it has already searched, so a long line arriving in many small reads is scanned once,
/// not once per read.
public struct LineFramer: Sendable {
    /// The longest accepted line in bytes, not counting its terminator.
    public let maximumLength: Int
    /// Bytes at the front of the buffer already known to contain no `\n`.
    private var scanned = 0

    /// Creates a framer that rejects lines longer than `maximumLength` bytes.
    public init(maximumLength: Int) {
        precondition(maximumLength > 0, "maximumLength must be positive")
        self.maximumLength = maximumLength
    }

    /// Removes and returns the next complete line (without its terminator), or `nil` when more data is needed.
    public mutating func nextLine(from buffer: inout ByteBuffer) throws(LineTooLongError) -> ByteBuffer? {
        let view = buffer.readableBytesView
        let searchStart = view.startIndex + min(scanned, view.count)
        guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            // One extra byte is allowed for a `\r` whose `\n` has not arrived yet.
            if view.count > maximumLength + 1 {
                throw LineTooLongError(maximumLength: maximumLength)
            }
            return nil
        }
        scanned = 0
        var length = newline - view.startIndex
        let terminatorLength = (length > 0 && view[newline - 1] == UInt8(ascii: "\r")) ? 2 : 1
        length -= terminatorLength - 1
        guard length <= maximumLength else {
            throw LineTooLongError(maximumLength: maximumLength)
        }
        // A slice shares the buffer's storage: no copy per line.
        let line = buffer.readSlice(length: length)
        buffer.moveReaderIndex(forwardBy: terminatorLength)
        return line
    }

    /// At end of input: returns the unterminated remainder as a last line, if there is one.
    ///
    /// `printf 'PING' | client` is a natural thing to type; treating the remainder as a line is friendlier than
    /// discarding it silently.
    public mutating func lastLine(from buffer: inout ByteBuffer) throws(LineTooLongError) -> ByteBuffer? {
        if let line = try nextLine(from: &buffer) { return line }
        scanned = 0
        guard buffer.readableBytes > 0 else { return nil }
        var length = buffer.readableBytes
        if buffer.readableBytesView.last == UInt8(ascii: "\r") { length -= 1 }
        guard length <= maximumLength else { throw LineTooLongError(maximumLength: maximumLength) }
        let line = buffer.readSlice(length: length)
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return line
    }
}
