import NIOCore
import NIOSSL

/// Hands a connection's framed lines, its end of input and its errors to the ``InboundQueue``, and holds reads
/// back while that queue is full.
final class LineInbox: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let queue: InboundQueue
    private var readPending = false

    init(queue: InboundQueue) {
        self.queue = queue
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Called by the pump from any thread: it hops back to the loop.
        let inbox = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        queue.setResumeReading { eventLoop.execute { inbox.value.resumeRead(context: loopContext.value) } }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // The channel has closed (NIO removes every handler then): break the queue's cycles through this handler
        // and the session's pump.
        queue.detach()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        _ = queue.push(.line(unwrapInboundIn(data)))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            _ = queue.push(.end)
        } else if let skipped = event as? SkippedLine {
            _ = queue.push(.skippedLine(bytes: skipped.bytes))
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        _ = queue.push(.failure(error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        _ = queue.push(.end)
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        if queue.isReadPaused {
            readPending = true
        } else {
            context.read()
        }
    }

    private func resumeRead(context: ChannelHandlerContext) {
        guard readPending else { return }
        readPending = false
        context.read()
    }
}
