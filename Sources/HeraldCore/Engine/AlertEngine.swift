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
public struct PublishOutcome: Sendable {
    public var articleID: String
    public var contentID: String
    /// The same content was published before: no new alerts were created.
    public var duplicate: Bool
    /// The new alerts, ids assigned, in text order.
    public var alerts: [Alert]
    /// Every log line the article produced — alerts, updates, throttle notices — as stored and pushed.
    public var entries: [LogEntry]
}

/// Turns articles into durable log lines: matches them with the current rule set, applies dedup windows and
/// throttles, assigns ids, and waits until the store has them on disk.
///
/// The server holds one engine and knows nothing of rule syntax; a reload hands it a new compiled ``RuleSet``.
/// Ids are assigned and submissions queued without suspending, so the store commits (and the server fans out)
/// in id order even when many publishers share one group commit.
public actor AlertEngine {
    public private(set) var ruleSet: RuleSet
    /// The rule set matching reads, outside the actor: each publisher matches its own article on its own thread,
    /// so one large article holds up nobody else; only ids, dedup and throttles are taken inside, in order.
    private nonisolated let matchingRules: CurrentRuleSet
    /// Tests replace matching to hold one article in it; nil in the server.
    nonisolated let matchHook: (@Sendable (RuleSet, Article) -> MatchReport)?
    private nonisolated let log: any AlertStore
    private var nextID: UInt64
    /// Whether articles' texts are kept for backtests.
    private let archiving: Bool
    private var gate: AlertGate
    private var seen: [String: String] = [:]
    private var seenOrder: [String] = []
    private var seenStart = 0
    /// How many recent content ids to remember for duplicate detection.
    private let memory: Int
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
        self.memory = rememberArticles
        self.nextID = try await store.highestID() + 1
        let longest = ruleSet.rules.map(\.dedupWindow).max() ?? 0
        let records = longest > 0 ? try await store.dedupRecords(since: Date().addingTimeInterval(-Double(longest))) : []
        self.gate = AlertGate(records: records)
    }

    /// Matches an article, stores what it produced and returns once that is durable (and handed to the store's
    /// commit observer). A duplicate of content seen before produces nothing and says so.
    public func publish(_ article: Article, now: Date = Date()) async throws -> PublishOutcome {
        let (outcome, ticket) = try await submit(article, now: now)
        try await ticket?.durable()
        return outcome
    }

    /// Matches an article and queues what it produced for the store, returning without waiting for the commit:
    /// the ticket says when it is durable (`nil` for a duplicate, which stores nothing). Submissions are committed
    /// in the order they return, so a publisher can pipeline articles and answer each from its ticket.
    public nonisolated func submit(_ article: Article, now: Date = Date()) async throws -> (PublishOutcome, CommitTicket?) {
        // Matching is the costly part and needs nothing of the actor's state: it runs on the caller's thread.
        let rules = matchingRules.value
        let report = matchHook?(rules, article) ?? rules.match(title: article.title, body: article.body, published: article.published)
        return try await record(article, report: report, now: now)
    }

    /// The ordered part of a submission: duplicate check, ids, dedup and throttles, the store's queue.
    private func record(_ article: Article, report: MatchReport, now: Date) async throws -> (PublishOutcome, CommitTicket?) {
        if let original = seen[article.contentID] {
            return (PublishOutcome(articleID: original, contentID: article.contentID, duplicate: true, alerts: [], entries: []), nil)
        }
        // Remembered before the store is asked, so the same content arriving meanwhile is already a duplicate.
        remember(article)
        if let original = try log.article(contentID: article.contentID) {
            seen[article.contentID] = original
            return (PublishOutcome(articleID: original, contentID: article.contentID, duplicate: true, alerts: [], entries: []), nil)
        }
        // From here to `submit` nothing suspends: ids are taken and queued in one step, in order.
        var alerts: [Alert] = []
        var entries: [LogEntry] = []
        let source = article.source ?? article.url ?? article.id
        // The article part of the alert lines, encoded with the first match and shared by the article's alerts.
        var encodedArticle: EncodedArticle?
        for match in report.matches {
            let rule = match.rule
            if let closed = gate.closedWindow(rule: rule.id, throttle: rule.throttle, now: now), let throttle = rule.throttle {
                entries.append(
                    throttledLine(rule, closed.suppressed, throttle, closed.start, closed.firstSuppressed, final: true, now))
            }
            let id = takeID()
            let encoded = encodedArticle ?? EncodedArticle(article, matchedAt: now)
            encodedArticle = encoded
            let alert = Alert(match: match, encodedArticle: encoded, id: id)
            switch gate.decide(
                rule: rule.id, dedupKey: match.dedupKey, window: rule.dedupWindow, throttle: rule.throttle, id: id,
                source: source, now: now)
            {
            case .alert:
                alerts.append(alert)
                entries.append(entry(alert, kind: .alert, json: alert.jsonLineBytesWithoutNewline(), dedupKey: match.dedupKey, now: now))
            case .repeatOf(let original, let repeats, let sources):
                let json = LogLines.update(id: id, original: original, alert: alert, repeats: repeats, sources: sources, now: now)
                entries.append(entry(alert, kind: pushUpdates ? .update : .suppressed, json: json, now: now))
            case .suppressed(let announce, _, let windowEnd):
                entries.append(entry(alert, kind: .suppressed, json: alert.jsonLineBytesWithoutNewline(), now: now))
                if announce, let throttle = rule.throttle {
                    let start = windowEnd.addingTimeInterval(-Double(throttle.seconds))
                    entries.append(throttledLine(rule, 1, throttle, start, id, final: false, now))
                }
            }
        }
        published += 1
        if published % 1000 == 0 {
            gate.expire(now: now, longestWindow: ruleSet.rules.map(\.dedupWindow).max() ?? 0)
        }
        let ticket = log.submit(article: ArticleRecord(article, receivedAt: now, archiving: archiving), entries: entries)
        let outcome = PublishOutcome(
            articleID: article.id, contentID: article.contentID, duplicate: false, alerts: alerts, entries: entries)
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

    private func takeID() -> UInt64 {
        defer { nextID += 1 }
        return nextID
    }

    private func entry(_ alert: Alert, kind: LogEntry.Kind, json: [UInt8], dedupKey: String? = nil, now: Date) -> LogEntry {
        LogEntry(
            id: alert.id, kind: kind, rule: alert.rule, severity: alert.severity.rawValue, tags: alert.tags, createdAt: now,
            json: json, dedupKey: dedupKey)
    }

    private func throttledLine(
        _ rule: CompiledRule, _ suppressed: Int, _ throttle: (count: Int, seconds: Int), _ start: Date,
        _ firstSuppressed: UInt64?, final: Bool, _ now: Date
    ) -> LogEntry {
        let id = takeID()
        let json = LogLines.throttled(
            id: id, rule: rule.id, severity: rule.severity.rawValue, suppressed: suppressed, limit: throttle.count,
            windowSeconds: throttle.seconds, windowEnd: start.addingTimeInterval(Double(throttle.seconds)),
            firstSuppressed: firstSuppressed, final: final, now: now)
        return LogEntry(
            id: id, kind: .throttled, rule: rule.id, severity: rule.severity.rawValue, tags: rule.tags, createdAt: now,
            json: json)
    }

    private func remember(_ article: Article) {
        seen[article.contentID] = article.id
        seenOrder.append(article.contentID)
        if seenOrder.count - seenStart > memory {
            seen[seenOrder[seenStart]] = nil
            seenStart += 1
            if seenStart > memory {
                seenOrder.removeFirst(seenStart)
                seenStart = 0
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
