import Dispatch
import Synchronization

/// Maps a batch on `jobs` threads and returns the results in the batch's order: how `herald match` and
/// `herald backtest` use every core while printing in input order. Threads take the next item as they finish
/// one, so a long article holds up only its own thread.
enum ParallelMap {
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], jobs: Int, _ transform: @escaping @Sendable (Item) -> Result
    ) -> [Result] {
        guard jobs > 1, items.count > 1 else { return items.map(transform) }
        return start(items, jobs: jobs, transform).wait()
    }

    /// Starts mapping `items` on `jobs - 1` threads of the global queue and returns at once, so that the caller can
    /// read the next batch meanwhile; ``Pending/wait()`` makes the caller the last of the `jobs` threads and gives
    /// the results in order. (libdispatch on Linux adds no worker while the process already has as many runnable
    /// threads as cores: with two cores and a busy reader, asking it for two workers got one.)
    static func start<Item: Sendable, Result: Sendable>(
        _ items: [Item], jobs: Int, _ transform: @escaping @Sendable (Item) -> Result
    ) -> Pending<Item, Result> {
        let pending = Pending(items: items, transform: transform)
        for _ in 0..<max(0, min(jobs, items.count) - 1) {
            DispatchQueue.global().async(group: pending.group) { pending.work() }
        }
        return pending
    }

    /// A batch being mapped by ``start(_:jobs:_:)``.
    final class Pending<Item: Sendable, Result: Sendable>: Sendable {
        fileprivate let group = DispatchGroup()
        private let items: [Item]
        private let transform: @Sendable (Item) -> Result
        private let next = Mutex(0)
        private let results: Mutex<[Result?]>

        fileprivate init(items: [Item], transform: @escaping @Sendable (Item) -> Result) {
            self.items = items
            self.transform = transform
            results = Mutex(Array(repeating: nil, count: items.count))
        }

        /// Takes items until none is left.
        fileprivate func work() {
            while true {
                let index = next.withLock { index in
                    defer { index += 1 }
                    return index
                }
                guard index < items.count else { return }
                let result = transform(items[index])
                results.withLock { $0[index] = result }
            }
        }

        /// Works on what is left, waits for the other threads, and returns the results in the items' order.
        func wait() -> [Result] {
            work()
            group.wait()
            return results.withLock { $0 }.compactMap { $0 }
        }
    }
}
