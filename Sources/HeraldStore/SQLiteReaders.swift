import Foundation
import Synchronization

/// Threads of the store's own that run its reads (replay pages, `SINCE` lookups, bounds), each with its own
/// read-only connection, so a read never holds a thread of Swift's cooperative pool, and a burst of replays
/// queues here instead of freezing every task in the process (publishing included) on a lock.
///
/// WAL lets these connections read beside the writer. Jobs run in the order they were queued.
final class SQLiteReaders: Sendable {
    typealias Job = @Sendable (SQLiteConnection) -> Void

    /// One reader thread's connection; a class, so the thread can hold it (a `Mutex` cannot be captured).
    private final class Reader: Sendable {
        let connection: Mutex<SQLiteConnection>
        init(_ connection: sending SQLiteConnection) { self.connection = Mutex(connection) }
    }

    private struct Jobs {
        var queue: [Job] = []
        var head = 0
        var closed = false

        mutating func pop() -> Job? {
            guard head < queue.count else { return nil }
            let job = queue[head]
            head += 1
            if head > 64, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    private let jobs = Mutex(Jobs())
    private let wake = DispatchSemaphore(value: 0)
    private let count: Int
    /// Run on the reader thread before each read; tests use it to stand for a slow disk.
    private let beforeRead = Mutex<LockedCallback<Void>?>(nil)

    /// Opens `count` read-only connections to `path` and starts a thread for each.
    init(path: String, count: Int) throws(StorageError) {
        self.count = max(1, count)
        var readers: [Reader] = []
        for _ in 0..<self.count {
            let connection = try SQLiteConnection(path: path)
            try connection.execute("PRAGMA query_only=1")
            readers.append(Reader(connection))
        }
        for (index, reader) in readers.enumerated() {
            let thread = Thread { [self] in self.run(reader) }
            thread.name = "herald-store-reader-\(index + 1)"
            thread.start()
        }
    }

    /// Runs `body` on a reader thread and returns its result; the calling task suspends meanwhile.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(StorageError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job: Job = { connection in
                continuation.resume(with: Result { () throws(StorageError) -> T in try body(connection) }.mapError { $0 })
            }
            let accepted = jobs.withLock { jobs -> Bool in
                guard !jobs.closed else { return false }
                jobs.queue.append(job)
                return true
            }
            if accepted {
                wake.signal()
            } else {
                continuation.resume(throwing: StorageError("the alert store is closed"))
            }
        }
    }

    /// Installs a hook run before every read, on the reader thread (for tests).
    func setBeforeRead(_ hook: (@Sendable () -> Void)?) {
        beforeRead.withLock { $0 = hook.map { LockedCallback($0) } }
    }

    /// Refuses new reads; queued ones still run, then the threads end.
    func close() {
        jobs.withLock { $0.closed = true }
        for _ in 0..<count { wake.signal() }
    }

    private func run(_ reader: Reader) {
        while true {
            wake.wait()
            let (job, finished) = jobs.withLock { jobs -> (Job?, Bool) in
                let job = jobs.pop()
                return (job, job == nil && jobs.closed)
            }
            if finished {
                // Let the other threads see the end too.
                wake.signal()
                return
            }
            guard let job else { continue }
            beforeRead.withLock { $0 }?.call(())
            reader.connection.withLock { job($0) }
        }
    }
}
