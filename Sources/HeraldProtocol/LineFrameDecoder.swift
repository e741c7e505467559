import NIOCore

/// The channel-handler face of ``LineFramer``: turns decrypted bytes into one `ByteBuffer` per line.
///
/// Lines stay bytes here; UTF-8 validation happens in the session, so an invalid line gets its own
/// `invalid_utf8` error instead of tearing down the connection.
public struct LineFrameDecoder: ByteToMessageDecoder {
    /// One line, without its terminator.
    public typealias InboundOut = ByteBuffer

    private var framer: LineFramer

    /// Creates a decoder that rejects lines longer than `maximumLineLength` bytes with ``LineTooLongError``.
    public init(maximumLineLength: Int) {
        self.framer = LineFramer(maximumLength: maximumLineLength)
    }

    /// Emits every complete line in `buffer`.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let line = try framer.nextLine(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    /// At end of input, also emits an unterminated last line.
    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        guard let line = try framer.lastLine(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }
}
