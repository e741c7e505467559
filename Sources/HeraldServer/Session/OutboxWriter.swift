import NIOCore

/// Writes a connection's ``Outbox`` to its channel, on the channel's event loop.
///
/// Fan-out is the server's hottest path: one alert goes to every subscriber. Publishers only append the shared
/// alert buffer to each outbox; the first line of a burst schedules one drain on the connection's event loop, and
/// the drain writes everything queued by then as one buffer with one flush — one TLS record and one `write(2)`
/// for many alerts under load, instead of a task wake-up, an actor hop and a syscall per alert.
///
/// Back-pressure stays in the outbox: while the channel is not writable (the kernel and NIO buffers are full)
/// nothing is taken, so lines pile up in the outbox where its byte limit cuts a slow consumer off.
final class OutboxWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How the writing ended.
    enum End: Sendable, Equatable {
        /// The outbox closed and everything in it was written; the output side was then closed (TLS close_notify).
        case drained
        /// The channel closed first: the client went away, or the close deadline cut it; with lines still
        /// waiting to be written or not.
        case channelClosed(linesPending: Bool)
    }

    /// Coalesced writes are capped so one drain does not build an unbounded buffer for a connection far behind.
    static let maximumWriteBytes = 256 << 10

    private let outbox: Outbox
    private let ended: EventLoopPromise<End>
    private let scheduler: DrainScheduler
    private var batch = CircularBuffer<ByteBuffer>(initialCapacity: 2)
    private var isFinished = false
    /// The channel's state as its events reported it: asking the channel costs a pipeline lookup and two
    /// reference-count operations per drain, which a thousand drains per alert make visible in profiles.
    private var isActive = false
    private var isWritable = true
    /// The end of the stream was reached and the output is being closed: nothing more to drain.
    private var isFinishing = false

    init(outbox: Outbox, ended: EventLoopPromise<End>, scheduler: DrainScheduler) {
        self.outbox = outbox
        self.ended = ended
        self.scheduler = scheduler
    }

    func handlerAdded(context: ChannelHandlerContext) {
        isActive = context.channel.isActive
        isWritable = context.channel.isWritable
        let writer = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        // Made once per connection; every kick reuses it.
        let drain: @Sendable () -> Void = { writer.value.drain(context: loopContext.value) }
        let scheduler = self.scheduler
        outbox.attachConsumer { scheduler.schedule(drain) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        isWritable = context.channel.isWritable
        if isWritable { drain(context: context) }
        context.fireChannelWritabilityChanged()
    }

    func channelActive(context: ChannelHandlerContext) {
        isActive = true
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        finish(.channelClosed(linesPending: outbox.queuedBytes > 0))
        outbox.close()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.channelClosed(linesPending: false))
        outbox.detachConsumer()
    }

    /// Writes what is queued while the channel can take it; at the end of the stream, closes the output side.
    private func drain(context: ChannelHandlerContext) {
        guard !isFinished, !isFinishing, isActive else { return }
        var wrote = false
        while isWritable {
            let closed = outbox.take(into: &batch)
            if batch.isEmpty {
                if closed {
                    if wrote { context.flush() }
                    // close_notify and a half-close once the pending writes are out, like NIOAsyncChannel's
                    // outbound finish; only then is the writing over (and the channel may be closed outright).
                    isFinishing = true
                    let closed = context.eventLoop.makePromise(of: Void.self)
                    context.close(mode: .output, promise: closed)
                    closed.futureResult.assumeIsolated().whenComplete { _ in self.finish(.drained) }
                    return
                }
                break
            }
            writeBatch(context: context)
            wrote = true
        }
        if wrote { context.flush() }
    }

    /// One write per batch: a single line goes as it is (the buffer shared by every subscriber); several are
    /// copied into one buffer, up to ``maximumWriteBytes`` per write.
    private func writeBatch(context: ChannelHandlerContext) {
        if batch.count == 1, let line = batch.popFirst() {
            context.write(wrapOutboundOut(line), promise: nil)
            return
        }
        var size = 0
        for line in batch { size += line.readableBytes }
        var combined = context.channel.allocator.buffer(capacity: min(size, Self.maximumWriteBytes))
        while var line = batch.popFirst() {
            if combined.readableBytes > 0, combined.readableBytes + line.readableBytes > Self.maximumWriteBytes {
                context.write(wrapOutboundOut(combined), promise: nil)
                combined = context.channel.allocator.buffer(capacity: min(size, Self.maximumWriteBytes))
            }
            size -= line.readableBytes
            combined.writeBuffer(&line)
        }
        context.write(wrapOutboundOut(combined), promise: nil)
    }

    private func finish(_ end: End) {
        guard !isFinished else { return }
        isFinished = true
        ended.succeed(end)
    }
}
