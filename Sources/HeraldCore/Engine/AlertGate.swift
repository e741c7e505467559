import Foundation
import HeraldStore

/// Decides what becomes of each match across articles: a new alert, a repeat of one inside its rule's dedup
/// window, or an alert held back by its rule's throttle. Nothing is dropped silently: repeats become `update`
/// lines and held-back alerts are stored and announced by `throttled` lines.
struct AlertGate {
    enum Decision: Equatable {
        /// A new alert; the first over a throttle window may need a summary of the previous window first.
        case alert
        /// A repeat of alert `original` inside the dedup window; `repeats` counts every repeat so far.
        case repeatOf(original: IDReference, repeats: Int, sources: [String])
        /// Over the rule's throttle; `announce` is true for the first one in the window.
        case suppressed(announce: Bool, suppressedSoFar: Int, windowEnd: Date)
    }

    private struct DedupState {
        /// The original alert's line: numbered by the store at commit, or read back from it after a restart.
        var original: IDReference
        var firstAt: Date
        var repeats: Int
        var sources: [String]
    }

    struct ThrottleWindow: Equatable {
        var start: Date
        var count = 0
        var suppressed = 0
        var firstSuppressed: IDReference?
    }

    private var dedup: [String: DedupState] = [:]
    private(set) var throttles: [String: ThrottleWindow] = [:]

    /// Rebuilds dedup windows from alerts stored before a restart.
    init(records: [DedupRecord] = []) {
        for record in records {
            let key = Self.key(record.rule, record.dedupKey)
            if dedup[key] == nil {
                dedup[key] = DedupState(original: .stored(record.id), firstAt: record.createdAt, repeats: 0, sources: [])
            }
        }
    }

    static func key(_ rule: String, _ dedupKey: String) -> String { rule + "\u{0}" + dedupKey }

    /// A throttle window that ended with alerts held back, to be summarised before the rule's next line.
    mutating func closedWindow(rule: String, throttle: (count: Int, seconds: Int)?, now: Date) -> ThrottleWindow? {
        guard let throttle, var window = throttles[rule] else { return nil }
        guard now >= window.start.addingTimeInterval(TimeInterval(throttle.seconds)) else { return nil }
        let closed = window.suppressed > 0 ? window : nil
        window = ThrottleWindow(start: now)
        throttles[rule] = window
        return closed
    }

    /// Classifies one match; `id` is its line's (numbered at commit), `source` names where the article came from.
    ///
    /// A window whose original alert was never stored (its article turned out, at commit, to be a duplicate, or its
    /// transaction failed) is no window: the next match is an alert again.
    mutating func decide(
        rule: String, dedupKey: String, window: Int, throttle: (count: Int, seconds: Int)?, id: AssignedID,
        source: String, now: Date
    ) -> Decision {
        let key = Self.key(rule, dedupKey)
        if window > 0, var state = dedup[key], !state.original.wasDropped,
            now.timeIntervalSince(state.firstAt) < TimeInterval(window)
        {
            state.repeats += 1
            if !state.sources.contains(source) && state.sources.count < 50 { state.sources.append(source) }
            dedup[key] = state
            return .repeatOf(original: state.original, repeats: state.repeats, sources: state.sources)
        }
        if let throttle {
            var current = throttles[rule] ?? ThrottleWindow(start: now)
            current.count += 1
            if current.count > throttle.count {
                current.suppressed += 1
                if current.firstSuppressed == nil { current.firstSuppressed = .line(id) }
                throttles[rule] = current
                return .suppressed(
                    announce: current.suppressed == 1, suppressedSoFar: current.suppressed,
                    windowEnd: current.start.addingTimeInterval(TimeInterval(throttle.seconds)))
            }
            throttles[rule] = current
        }
        if window > 0 { dedup[key] = DedupState(original: .line(id), firstAt: now, repeats: 0, sources: [source]) }
        return .alert
    }

    /// Takes in an alert another node of the cluster stored (id `id`, at `at`): it opens the dedup window of its
    /// rule and key here too, unless one is open already, and counts toward its rule's throttle window. So a repeat
    /// published on this node becomes an update of the other node's alert, and the throttle counts both nodes'
    /// alerts. Two nodes alerting on the same key within the few milliseconds before each hears of the other both
    /// keep their alert.
    mutating func learn(
        rule: String, dedupKey: String?, id: UInt64, at: Date, window: Int, throttle: (count: Int, seconds: Int)?,
        now: Date
    ) {
        if window > 0, let dedupKey, now.timeIntervalSince(at) < TimeInterval(window) {
            let key = Self.key(rule, dedupKey)
            let open = dedup[key].map { !$0.original.wasDropped && now.timeIntervalSince($0.firstAt) < TimeInterval(window) } ?? false
            if !open {
                dedup[key] = DedupState(original: .stored(id), firstAt: at, repeats: 0, sources: [])
            }
        }
        if let throttle {
            var current = throttles[rule] ?? ThrottleWindow(start: at)
            if now >= current.start.addingTimeInterval(TimeInterval(throttle.seconds)) {
                // The window ended: a summary of it, if any, comes with this node's next line for the rule.
                return
            }
            current.count += 1
            throttles[rule] = current
        }
    }

    /// Forgets dedup windows that have ended, so memory follows the windows, not the history.
    mutating func expire(now: Date, longestWindow: Int) {
        guard longestWindow > 0 else {
            dedup.removeAll()
            return
        }
        dedup = dedup.filter { now.timeIntervalSince($0.value.firstAt) < TimeInterval(longestWindow) }
    }
}
