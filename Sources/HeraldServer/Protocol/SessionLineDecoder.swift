import HeraldProtocol
import NIOCore
import Synchronization

/// The longest line a connection may send right now, set by its session as its roles change: a connection that
/// may not publish has no use for long lines (only articles need them), so it gets a small limit.
final class LineLimit: Sendable {
    private let value: Atomic<Int>

    init(_ bytes: Int) {
        value = Atomic(bytes)
    }

    var bytes: Int { value.load(ordering: .relaxed) }

    func set(_ bytes: Int) {
        value.store(bytes, ordering: .relaxed)
    }
}

/// A line longer than the connection's current ``LineLimit`` but within the hard line limit: its bytes were
/// dropped as they arrived, never held, and the session answers it (`forbidden`) instead of closing.
struct SkippedLine: Sendable {
    /// How long the line was, terminator excluded.
    var bytes: Int
}

/// The server's line decoder: ``LineFrameDecoder`` plus a soft limit from the session. A line that outgrows the
/// soft limit is skipped as it streams in (so a connection without the publish role never holds more than the
/// soft limit of a partial line), and reported as a ``SkippedLine`` event when its terminator arrives. The hard
/// limit still ends the connection with `line_too_long` for a connection that has it as its limit.
struct SessionLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    private var framer: LineFramer
    private let maximumLineLength: Int
    private let limit: LineLimit
    /// Bytes of the line being skipped so far; `nil` when not skipping.
    private var skipped: Int?

    init(maximumLineLength: Int, limit: LineLimit) {
        self.framer = LineFramer(maximumLength: maximumLineLength)
        self.maximumLineLength = maximumLineLength
        self.limit = limit
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if let soFar = skipped {
            let view = buffer.readableBytesView
            guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
                skipped = soFar + view.count
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return .needMoreData
            }
            var length = soFar + (newline - view.startIndex)
            if newline > view.startIndex, view[newline - 1] == UInt8(ascii: "\r") { length -= 1 }
            buffer.moveReaderIndex(forwardBy: newline - view.startIndex + 1)
            skipped = nil
            context.fireUserInboundEventTriggered(SkippedLine(bytes: length))
            return .continue
        }
        let soft = min(limit.bytes, maximumLineLength)
        if let line = try framer.nextLine(from: &buffer) {
            if line.readableBytes > soft {
                context.fireUserInboundEventTriggered(SkippedLine(bytes: line.readableBytes))
            } else {
                context.fireChannelRead(Self.wrapInboundOut(line))
            }
            return .continue
        }
        if soft < maximumLineLength, buffer.readableBytes > soft + 1 {
            // Too long for this connection: drop what is here and the rest of the line as it comes.
            skipped = buffer.readableBytes
            buffer.moveReaderIndex(to: buffer.writerIndex)
            framer = LineFramer(maximumLength: maximumLineLength)
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        if skipped != nil {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        guard let line = try framer.lastLine(from: &buffer) else { return .needMoreData }
        if line.readableBytes > min(limit.bytes, maximumLineLength) {
            context.fireUserInboundEventTriggered(SkippedLine(bytes: line.readableBytes))
        } else {
            context.fireChannelRead(Self.wrapInboundOut(line))
        }
        return .continue
    }
}
