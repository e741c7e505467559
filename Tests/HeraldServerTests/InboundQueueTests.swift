import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import HeraldServer

/// The hand-off between a connection's event loop and its pump task: a line arriving while a pump is finishing
/// must be handled, never left waiting for a pump that will not come.
@Suite("Inbound queue")
struct InboundQueueTests {
    static func line(_ text: String) -> InboundEvent { .line(ByteBuffer(string: text)) }

    static func text(_ event: InboundEvent?) -> String? {
        guard case .line(let buffer) = event else { return nil }
        return String(buffer: buffer)
    }

    @Test("a line that arrives after the pump found the queue empty, but before it ended, goes to that pump")
    func lineDuringPumpEnd() {
        let queue = InboundQueue()
        let starts = NIOLockedValueBox(0)
        queue.attach { starts.withLockedValue { $0 += 1 } }

        _ = queue.push(Self.line("SUB *"))
        #expect(starts.withLockedValue { $0 } == 1)
        #expect(Self.text(queue.next()) == "SUB *")
        #expect(queue.next() == nil)
        // The pump is putting its session away: a second pump started now would find none and drop the line.
        _ = queue.push(Self.line("PING"))
        #expect(starts.withLockedValue { $0 } == 1)
        #expect(queue.endPump())
        #expect(Self.text(queue.next()) == "PING")
        #expect(queue.next() == nil)
        #expect(!queue.endPump())

        // Once ended, the next line starts a new pump.
        _ = queue.push(Self.line("QUIT"))
        #expect(starts.withLockedValue { $0 } == 2)
    }

    @Test("reading pauses on the bytes queued, not only the line count, and resumes once most are handled")
    func byteBound() {
        let queue = InboundQueue()
        let resumes = NIOLockedValueBox(0)
        queue.setResumeReading { resumes.withLockedValue { $0 += 1 } }
        queue.attach {}
        let big = String(repeating: "x", count: InboundQueue.defaultMaximumBytes / 2 + 1)
        // Two lines of just over half the bound: 256 such lines would be 128 MiB.
        #expect(!queue.push(Self.line(big)))
        #expect(queue.push(Self.line(big)))
        #expect(queue.isReadPaused)
        _ = queue.next()
        // Still over a quarter of the bound queued: reading stays paused.
        #expect(queue.isReadPaused)
        #expect(resumes.withLockedValue { $0 } == 0)
        _ = queue.next()
        #expect(!queue.isReadPaused)
        #expect(resumes.withLockedValue { $0 } == 1)
        // Small lines still pause at the line count.
        var paused = false
        for _ in 0..<InboundQueue.highWaterMark { paused = queue.push(Self.line("PING")) }
        #expect(paused)
    }
}
