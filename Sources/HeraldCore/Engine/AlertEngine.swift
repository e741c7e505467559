import Foundation
import HeraldArticle
import HeraldRules
import HeraldStore
import Synchronization

/// A rule as the server lists it, without its syntax.
public struct RuleSummary: Sendable, Hashable {
    public var id: String
    public var title: String
    public var severity: String
    public var tags: [String]
}

/// What publishing one article produced.
///
/// From ``AlertEngine/submit(_:now:)`` the lines are not numbered yet (the store numbers them at commit): ``alerts``
/// carry id 0 and ``entries`` is empty until ``resolved(by:)`` is called once the ticket has resolved, which
/// ``AlertEngine/publish(_:now:)`` does.
public struct PublishOutcome: Sendable {
    public var articleID: String
    public var contentID: String
    /// The same content was published before (known to the engine, or found by the store at commit): no new
    /// alerts were created, and ``articleID`` is the first article's id.
    public var duplicate: Bool
    /// The new alerts, in text order; ids filled in by ``resolved(by:)``.
    public var alerts: [Alert]
    /// Every log line the article produced — alerts, updates, throttle notices — as stored and pushed, once
    /// resolved.
    public var entries: [LogEntry] = []
    /// The lines as submitted, ids assigned at commit.
    public let submitted: [NewLogEntry]
    /// Each alert's line, in the order of ``alerts``.
    let alertLines: [AssignedID]

    /// How many log lines the article produced.
    public var lineCount: Int { submitted.count }

    init(articleID: String, contentID: String, duplicate: Bool, alerts: [Alert] = [], submitted: [NewLogEntry] = [], alertLines: [AssignedID] = []) {
        self.articleID = articleID
        self.contentID = contentID
        self.duplicate = duplicate
        self.alerts = alerts
        self.submitted = submitted
        self.alertLines = alertLines
    }

    /// The alerts' ids, once their commit is done (lines never stored are left out).
    public var alertIDs: [UInt64] { alertLines.compactMap(\.value) }

    /// The outcome once `ticket` has resolved: ids filled in, the stored lines in ``entries``; a duplicate found by
    /// the store at commit has no alerts and no lines.
    public func resolved(by ticket: CommitTicket?) -> PublishOutcome {
        var outcome = self
        if let original = ticket?.duplicateOf {
            outcome.articleID = original
            outcome.duplicate = true
            outcome.alerts = []
            outcome.entries = []
            return outcome
        }
        for index in outcome.alerts.indices where index < alertLines.count {
            outcome.alerts[index].id = alertLines[index].value ?? 0
        }
        outcome.entries = submitted.compactMap(\.committed)
        return outcome
    }
}

/// Turns articles into durable log lines: matches them with the current rule set, applies dedup windows and
/// throttles, and waits until the store has them on disk.
///
/// The server holds one engine and knows nothing of rule syntax; a reload hands it a new compiled ``RuleSet``.
/// Submissions are queued without suspending once their order is decided, so the store commits (and the server
/// fans out) in that order even when many publishers share one group commit. The store numbers the lines at commit
/// (``AlertStore``): in a cluster only the commit knows the order of all nodes' lines.
public actor AlertEngine {
    public private(set) var ruleSet: RuleSet
    /// The rule set matching reads, outside the actor: each publisher matches its own article on its own thread,
    /// so one large article holds up nobody else; only dedup and throttles are decided inside, in order.
    private nonisolated let matchingRules: CurrentRuleSet
    /// Tests replace matching to hold one article in it; nil in the server.
    nonisolated let matchHook: (@Sendable (RuleSet, Article) -> MatchReport)?
    private nonisolated let log: any AlertStore
    /// Whether articles' texts are kept for backtests.
    private let archiving: Bool
    private var gate: AlertGate
    /// Recent content ids, the front cache of duplicate detection: read without the actor.
    private nonisolated let seen: RecentArticles
    /// Whether repeats inside a dedup window are pushed to subscribers as `update` lines (always stored).
    private let pushUpdates: Bool
    private var published = 0

    /// - Parameter archiving: keep each new article's text in the store, for backtests (`[archive]`).
    public init(
        ruleSet: RuleSet, store: any AlertStore, pushUpdates: Bool = true, rememberArticles: Int = 100_000,
        archiving: Bool = true
    ) async throws {
        try await self.init(
            ruleSet: ruleSet, store: store, pushUpdates: pushUpdates, rememberArticles: rememberArticles,
            archiving: archiving, matchHook: nil)
    }

    init(
        ruleSet: RuleSet, store: any AlertStore, pushUpdates: Bool = true, rememberArticles: Int = 100_000,
        archiving: Bool = true, matchHook: (@Sendable (RuleSet, Article) -> MatchReport)?
    ) async throws {
        self.archiving = archiving
        self.matchHook = matchHook
        self.ruleSet = ruleSet
        self.matchingRules = CurrentRuleSet(ruleSet)
        self.log = store
        self.pushUpdates = pushUpdates
        self.seen = RecentArticles(memory: rememberArticles)
        let longest = ruleSet.rules.map(\.dedupWindow).max() ?? 0
        let records = longest > 0 ? try await store.dedupRecords(since: Date().addingTimeInterval(-Double(longest))) : []
        self.gate = AlertGate(records: records)
        // Other nodes' alerts (a cluster on PostgreSQL) open dedup windows and count toward throttles here too.
        store.observeOtherNodes { [weak self] lines in
            guard let self else { return }
            Task { await self.learn(lines) }
        }
    }

    /// Other nodes' lines the gate has taken in (tests wait on it).
    private(set) var linesLearned = 0

    /// Takes in alerts other nodes stored (``AlertGate/learn(rule:dedupKey:id:at:window:throttle:now:)``).
    func learn(_ lines: [LogEntry], now: Date = Date()) {
        for line in lines where line.kind == .alert || line.kind == .suppressed {
            guard let rule = ruleSet.rule(line.rule) else { continue }
            gate.learn(
                rule: line.rule, dedupKey: line.kind == .alert ? line.dedupKey : nil, id: line.id, at: line.createdAt,
                window: rule.dedupWindow, throttle: rule.throttle, now: now)
        }
        linesLearned += lines.count
    }

    /// Matches an article, stores what it produced and returns once that is durable (and handed to the store's
    /// commit observer), ids filled in. A duplicate of content seen before produces nothing and says so.
    public func publish(_ article: Article, now: Date = Date()) async throws -> PublishOutcome {
        let (outcome, ticket) = try await submit(article, now: now)
        try await ticket?.durable()
        return outcome.resolved(by: ticket)
    }

    /// Matches an article and queues what it produced for the store, returning without waiting for the commit:
    /// the ticket says when it is durable (`nil` for a duplicate the engine recognised, which stores nothing).
    /// Submissions are committed in the order they return, so a publisher can pipeline articles and answer each
    /// from its ticket (``PublishOutcome/resolved(by:)``).
    public nonisolated func submit(_ article: Article, now: Date = Date()) async throws -> (PublishOutcome, CommitTicket?) {
        if let original = seen.original(of: article.contentID) {
            return (PublishOutcome(articleID: original, contentID: article.contentID, duplicate: true), nil)
        }
        // Content the cache does not know may still be in the store (published before a restart, or by another
        // node): asked here, outside the actor, so that a network round trip holds up no other publisher.
        if let original = try await log.article(contentID: article.contentID) {
            seen.remember(article.contentID, as: original)
            return (PublishOutcome(articleID: original, contentID: article.contentID, duplicate: true), nil)
        }
        // Matching is the costly part and needs nothing of the actor's state: it runs on the caller's thread. The
        // store hears that a submission is coming, so that a commit starting meanwhile can wait for it.
        log.expectSubmission()
        let rules = matchingRules.value
        let report = matchHook?(rules, article) ?? rules.match(title: article.title, body: article.body, published: article.published)
        return await record(article, report: report, now: now)
    }

    /// The ordered part of a submission: duplicate check against concurrent publishers, dedup and throttles, the
    /// store's queue.
    private func record(_ article: Article, report: MatchReport, now: Date) -> (PublishOutcome, CommitTicket?) {
        // Checked and remembered in one step, so the same content arriving meanwhile is a duplicate.
        if let original = seen.rememberIfNew(article.contentID, as: article.id) {
            log.cancelExpectedSubmission()
            return (PublishOutcome(articleID: original, contentID: article.contentID, duplicate: true), nil)
        }
        // From here to `submit` nothing suspends: the order decided here is the commit order.
        var alerts: [Alert] = []
        var alertLines: [AssignedID] = []
        var entries: [NewLogEntry] = []
        let source = article.source ?? article.url ?? article.id
        // The article part of the alert lines, encoded with the first match and shared by the article's alerts.
        var encodedArticle: EncodedArticle?
        for match in report.matches {
            let rule = match.rule
            if let closed = gate.closedWindow(rule: rule.id, throttle: rule.throttle, now: now), let throttle = rule.throttle {
                entries.append(
                    throttledLine(rule, closed.suppressed, throttle, closed.start, closed.firstSuppressed, final: true, now))
            }
            let id = AssignedID()
            let encoded = encodedArticle ?? EncodedArticle(article, matchedAt: now)
            encodedArticle = encoded
            let alert = Alert(match: match, encodedArticle: encoded)
            switch gate.decide(
                rule: rule.id, dedupKey: match.dedupKey, window: rule.dedupWindow, throttle: rule.throttle, id: id,
                source: source, now: now)
            {
            case .alert:
                alerts.append(alert)
                alertLines.append(id)
                entries.append(entry(alert, id, kind: .alert, line: alert.lineTemplate(), dedupKey: match.dedupKey, now: now))
            case .repeatOf(let original, let repeats, let sources):
                let line = LogLines.update(original: original, alert: alert, repeats: repeats, sources: sources, now: now)
                entries.append(entry(alert, id, kind: pushUpdates ? .update : .suppressed, line: line, now: now))
            case .suppressed(let announce, _, let windowEnd):
                entries.append(entry(alert, id, kind: .suppressed, line: alert.lineTemplate(), now: now))
                if announce, let throttle = rule.throttle {
                    let start = windowEnd.addingTimeInterval(-Double(throttle.seconds))
                    entries.append(throttledLine(rule, 1, throttle, start, .line(id), final: false, now))
                }
            }
        }
        published += 1
        if published % 1000 == 0 {
            gate.expire(now: now, longestWindow: ruleSet.rules.map(\.dedupWindow).max() ?? 0)
        }
        let ticket = log.submit(article: ArticleRecord(article, receivedAt: now, archiving: archiving), entries: entries)
        // Remembered above under this article's id; if the store found the content already held (another node
        // stored it a moment before), later duplicates must name the first article.
        let seen = self.seen
        let contentID = article.contentID
        ticket.onDurable { [ticket] error in
            guard error == nil, let original = ticket.duplicateOf else { return }
            seen.correct(contentID, to: original)
        }
        let outcome = PublishOutcome(
            articleID: article.id, contentID: article.contentID, duplicate: false, alerts: alerts, submitted: entries,
            alertLines: alertLines)
        return (outcome, ticket)
    }

    /// The durable log the engine writes; the server observes its commits to fan lines out.
    ///
    /// A computed property rather than a stored one seen from other modules: the actor's layout changes with
    /// `RuleSet`'s, and an incremental build that does not recompile a dependent module must not read a stale offset.
    public nonisolated var store: any AlertStore { log }

    /// Swaps in a new rule set; articles already being matched finish with the old one.
    public func replace(ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        matchingRules.value = ruleSet
    }

    public func ruleSummaries() -> [RuleSummary] {
        ruleSet.rules.map { RuleSummary(id: $0.id, title: $0.title, severity: $0.severity.rawValue, tags: $0.tags) }
    }

    private func entry(
        _ alert: Alert, _ id: AssignedID, kind: LogEntry.Kind, line: LineTemplate, dedupKey: String? = nil, now: Date
    ) -> NewLogEntry {
        NewLogEntry(
            id: id, kind: kind, rule: alert.rule, severity: alert.severity.rawValue, tags: alert.tags, createdAt: now,
            line: line, dedupKey: dedupKey)
    }

    private func throttledLine(
        _ rule: CompiledRule, _ suppressed: Int, _ throttle: (count: Int, seconds: Int), _ start: Date,
        _ firstSuppressed: IDReference?, final: Bool, _ now: Date
    ) -> NewLogEntry {
        let line = LogLines.throttled(
            rule: rule.id, severity: rule.severity.rawValue, suppressed: suppressed, limit: throttle.count,
            windowSeconds: throttle.seconds, windowEnd: start.addingTimeInterval(Double(throttle.seconds)),
            firstSuppressed: firstSuppressed, final: final, now: now)
        return NewLogEntry(
            kind: .throttled, rule: rule.id, severity: rule.severity.rawValue, tags: rule.tags, createdAt: now, line: line)
    }
}

/// The content ids the engine saw last, and the article id each was first published under: the front cache of
/// duplicate detection, a lock around a bounded map, read by publishers without entering the engine's actor.
final class RecentArticles: Sendable {
    private struct State {
        var seen: [String: String] = [:]
        var order: [String] = []
        var start = 0
    }

    private let state = Mutex(State())
    /// How many content ids to remember.
    private let memory: Int

    init(memory: Int) {
        self.memory = memory
    }

    func original(of contentID: String) -> String? {
        state.withLock { $0.seen[contentID] }
    }

    /// Remembers the content under `articleID` unless it is known; returns the known article id if it is.
    func rememberIfNew(_ contentID: String, as articleID: String) -> String? {
        state.withLock { state in
            if let original = state.seen[contentID] { return original }
            Self.add(contentID, articleID, to: &state, memory: memory)
            return nil
        }
    }

    /// Replaces what the cache says about content it holds (the store found the content first published under
    /// another article).
    func correct(_ contentID: String, to articleID: String) {
        state.withLock { state in
            guard state.seen[contentID] != nil else { return }
            state.seen[contentID] = articleID
        }
    }

    func remember(_ contentID: String, as articleID: String) {
        state.withLock { state in
            guard state.seen[contentID] == nil else { return }
            Self.add(contentID, articleID, to: &state, memory: memory)
        }
    }

    private static func add(_ contentID: String, _ articleID: String, to state: inout State, memory: Int) {
        state.seen[contentID] = articleID
        state.order.append(contentID)
        if state.order.count - state.start > memory {
            state.seen[state.order[state.start]] = nil
            state.start += 1
            if state.start > memory {
                state.order.removeFirst(state.start)
                state.start = 0
            }
        }
    }
}

/// The rule set publishers match with, swapped by a reload: a lock around one value, read without the actor.
final class CurrentRuleSet: Sendable {
    private let current: Mutex<RuleSet>

    init(_ ruleSet: RuleSet) {
        current = Mutex(ruleSet)
    }

    var value: RuleSet {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}
