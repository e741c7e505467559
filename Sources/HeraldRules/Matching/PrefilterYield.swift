import Synchronization

/// Decides, from how many articles the prefilter has been turning away lately, whether running it still pays.
///
/// The prefilter costs a pass over an article's bytes, about a tenth of what matching a candidate costs, and saves
/// all of the rest on each article it turns away. On a news wire watched by a few rules it turns away nearly
/// everything; with ten thousand rules watching thousands of firms and places nearly every article has some rule's
/// words, and the pass is pure cost (11 % of matching on herald-bench's generated corpus). So the prefilter runs on
/// the first ``probe`` articles of every ``window``, and on the rest of the window only when it turned away at least
/// one in ``worthwhile`` of those.
///
/// Skipping the prefilter never changes an alert: it only ever turns away articles no rule can fire on. The counts
/// are shared by every thread matching against one rule set and kept with relaxed atomics: a count off by one
/// under a race changes when the pass runs, never what matches.
final class PrefilterYield: Sendable {
    static let window = 1024
    static let probe = 128
    /// Turned away at least one article in this many of the probe: below that the pass costs more than it saves.
    static let worthwhile = 10

    private let seen = Atomic<Int>(0)
    private let turnedAway = Atomic<Int>(0)

    /// Whether to run the prefilter on the next article; `record(turnedAway:)` must follow when it says yes.
    func shouldRun() -> Bool {
        let position = seen.wrappingAdd(1, ordering: .relaxed).oldValue % Self.window
        if position == 0 { turnedAway.store(0, ordering: .relaxed) }
        if position < Self.probe { return true }
        return turnedAway.load(ordering: .relaxed) * Self.worthwhile >= Self.probe
    }

    func record(turnedAway wasTurnedAway: Bool) {
        if wasTurnedAway { turnedAway.wrappingAdd(1, ordering: .relaxed) }
    }
}
