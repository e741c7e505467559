import Foundation
import HeraldArticle
import HeraldCore
import Synchronization

/// Reads an input's records on a thread of its own and hands them to async code, at most ``bufferedRecords``
/// ahead of the consumer: file reads are blocking and must not hold a thread of Swift's cooperative pool, and a
/// large input must not be read faster than it is sent.
final class ArticleReader: Sendable {
    static let bufferedRecords = 256

    /// The records of the input; an input that cannot be opened gives one `.failure`. Call ``taken()`` for each.
    let records: AsyncStream<ArticleInput.Record>
    private let room = DispatchSemaphore(value: ArticleReader.bufferedRecords)
    private let stopped = Mutex(false)

    /// Starts reading `path` (`-`: standard input).
    init(path: String, format: ArticleFormat, maximumArticleBytes: Int) {
        let (stream, continuation) = AsyncStream.makeStream(of: ArticleInput.Record.self)
        records = stream
        continuation.onTermination = { [weak self] _ in
            self?.stop()
        }
        let thread = Thread { [self] in
            defer { continuation.finish() }
            let input: ArticleInput
            do throws(ArticleError) {
                input = try ArticleInput(path: path, format: format, maximumArticleBytes: maximumArticleBytes)
            } catch {
                continuation.yield(.failure(error))
                return
            }
            while !isStopped, let record = input.next() {
                room.wait()
                guard !isStopped else { return }
                continuation.yield(record)
            }
        }
        thread.name = "herald-article-reader"
        thread.start()
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    /// The consumer has gone: the reader thread ends at its next record.
    private func stop() {
        stopped.withLock { $0 = true }
        room.signal()
    }

    /// Makes room for one more record ahead.
    func taken() {
        room.signal()
    }
}
