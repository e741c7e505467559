import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A plain TCP client: sends some bytes (or none) and reports whether the server closed the connection.
enum RawProbe {
    struct Outcome {
        var received: [UInt8]
        var closedByServer: Bool
    }

    static func send(_ bytes: [UInt8], port: Int, timeout: Duration = .seconds(10)) async throws -> Outcome {
        let received = NIOLockedValueBox<[UInt8]>([])
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteCollector(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        if !bytes.isEmpty {
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        }
        let closedByServer = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await channel.closeFuture.get()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            channel.close(promise: nil)
            group.cancelAll()
            return first
        }
        return Outcome(received: received.withLockedValue { $0 }, closedByServer: closedByServer)
    }
}

private final class ByteCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let received: NIOLockedValueBox<[UInt8]>

    init(received: NIOLockedValueBox<[UInt8]>) {
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        received.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
