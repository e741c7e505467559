import HeraldProtocol
import NIOCore

/// Collects the lines of an `ARTICLE` block up to a line holding a single `.`, SMTP style.
///
/// Dot-stuffing: a line starting with `..` stands for the same line with one `.` removed, so an article may
/// contain a line that is just `.`. Other lines starting with `.` (".NET is…") are kept as they are, which is
/// kinder to pasted text than RFC 5321's rule of always dropping the first dot.
///
/// A bad line (invalid UTF-8) or an oversized block does not end collection early: the block is read to its `.`
/// and only then reported, or the rest of the article would be run as commands.
struct ArticleCollector: Sendable {
    /// What feeding one line produced.
    enum Step: Sendable, Equatable {
        /// The block goes on.
        case needMore
        /// The terminating `.` arrived: the article text, or why it cannot be used.
        case complete(Result<String, ProtocolError>)
    }

    /// The largest accepted block in bytes (line terminators counted as one byte each).
    let maximumBytes: Int
    private var text: [UInt8] = []
    private var lineCount = 0
    private var firstInvalidLine: Int?
    private var tooLarge = false

    /// Starts an empty block.
    init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

    /// Feeds one line, without its terminator.
    mutating func feed(_ line: ByteBuffer) -> Step {
        let bytes = line.readableBytesView
        if bytes.count == 1 && bytes.first == UInt8(ascii: ".") {
            return .complete(finish())
        }
        lineCount += 1
        let content = bytes.starts(with: [UInt8(ascii: "."), UInt8(ascii: ".")]) ? bytes.dropFirst() : bytes[...]
        if firstInvalidLine == nil && String(validating: content, as: UTF8.self) == nil {
            firstInvalidLine = lineCount
        }
        guard !tooLarge else { return .needMore }
        if text.count + content.count + 1 > maximumBytes {
            tooLarge = true
            text = []
            return .needMore
        }
        text.append(contentsOf: content)
        text.append(UInt8(ascii: "\n"))
        return .needMore
    }

    private func finish() -> Result<String, ProtocolError> {
        if tooLarge {
            return .failure(
                ProtocolError(.articleTooLarge, "the ARTICLE block is over the \(maximumBytes)-byte limit; it was discarded"))
        }
        if let line = firstInvalidLine {
            return .failure(
                ProtocolError(.invalidUTF8, "line \(line) of the ARTICLE block is not valid UTF-8; the block was discarded"))
        }
        // Validated line by line above, so decoding cannot replace anything here.
        return .success(String(decoding: text, as: UTF8.self))
    }
}
