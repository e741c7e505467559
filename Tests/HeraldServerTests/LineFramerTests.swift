import HeraldProtocol
import HeraldServer
import NIOCore
import Testing

@Suite("LineFramer")
struct LineFramerTests {
    /// Feeds `input` split at every possible pair of points, as reads would arrive, and collects the lines.
    private func lines(_ input: String, maximumLength: Int = 64, split: [Int]) throws -> [String] {
        var framer = LineFramer(maximumLength: maximumLength)
        var buffer = ByteBuffer()
        var output: [String] = []
        let bytes = Array(input.utf8)
        var start = 0
        for end in split + [bytes.count] where end >= start {
            buffer.writeBytes(bytes[start..<end])
            start = end
            while let line = try framer.nextLine(from: &buffer) { output.append(String(buffer: line)) }
        }
        if let last = try framer.lastLine(from: &buffer) { output.append(String(buffer: last)) }
        return output
    }

    @Test("every split of the input yields the same lines; CRLF and LF both end a line")
    func everySplit() throws {
        let input = "SUB *\r\nPING 1\n\nPUB {\"a\":1}\r\nlast"
        let expected = ["SUB *", "PING 1", "", "PUB {\"a\":1}", "last"]
        let count = input.utf8.count
        for first in 0...count {
            for second in first...count {
                #expect(try lines(input, split: [first, second]) == expected, "split at \(first), \(second)")
            }
        }
    }

    @Test("a line exactly at the limit passes; one byte more throws, with or without its terminator")
    func limit() throws {
        let exact = String(repeating: "a", count: 10)
        #expect(try lines(exact + "\r\n", maximumLength: 10, split: []) == [exact])
        #expect(throws: LineTooLongError(maximumLength: 10)) {
            try lines(exact + "b\n", maximumLength: 10, split: [])
        }
        #expect(throws: LineTooLongError(maximumLength: 10)) {
            try lines(exact + "bcd", maximumLength: 10, split: [3, 6, 9, 12])
        }
    }

    @Test("an over-long line is detected before its newline arrives")
    func earlyDetection() throws {
        var framer = LineFramer(maximumLength: 8)
        var buffer = ByteBuffer(string: "123456789")
        #expect(try framer.nextLine(from: &buffer) == nil)  // 9 bytes: could still be 8 + "\r"
        buffer.writeString("0")
        #expect(throws: LineTooLongError.self) { try framer.nextLine(from: &buffer) }
    }
}
