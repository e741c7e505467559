import Dispatch
import Synchronization

/// Maps a batch on `jobs` threads and returns the results in the batch's order: how `herald match` and
/// `herald backtest` use every core while printing in input order. Threads take the next item as they finish
/// one, so a long article holds up only its own thread.
enum ParallelMap {
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], jobs: Int, _ transform: @Sendable (Item) -> Result
    ) -> [Result] {
        guard jobs > 1, items.count > 1 else { return items.map(transform) }
        let results = Mutex<[Result?]>(Array(repeating: nil, count: items.count))
        let next = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: min(jobs, items.count)) { _ in
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
        return results.withLock { $0 }.compactMap { $0 }
    }
}
