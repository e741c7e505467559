import Foundation
import HeraldArticle
import HeraldCore
import HeraldStore
import Logging
import ServiceLifecycle

/// Polls RSS and Atom feeds and publishes their new items as articles.
///
/// Each poll is a conditional GET (`If-None-Match` / `If-Modified-Since` from the last good response), so an
/// unchanged feed costs one `304`. Items already seen (by guid, id or link) are skipped; the engine's durable
/// content ids catch the same story under a new guid. The validators and the items seen are kept in the store
/// (``FeedState``) and read again before each poll, so a restarted node, or the node that takes over ingest in a
/// cluster, neither fetches an unchanged feed in full nor publishes its items again. A feed that fails —
/// timeout, HTTP error, malformed XML — is logged and retried at its next poll; the other feeds go on.
///
/// A ``Service``, stopped before the store on shutdown: graceful shutdown ends the waits between polls at once,
/// a fetch in flight is abandoned, and a poll in progress stops publishing at the next item (its feed is fetched
/// again at the next start).
public actor FeedPoller: Service {
    /// One feed to poll.
    public struct Feed: Sendable, Hashable {
        public var url: URL
        public var interval: Duration

        public init(url: URL, interval: Duration = .seconds(300)) {
            self.url = url
            self.interval = interval
        }
    }

    /// What one poll of one feed did.
    public struct Poll: Sendable, Equatable {
        public var feed: URL
        /// The server answered 304: nothing was parsed.
        public var notModified = false
        /// Items published as new articles.
        public var published = 0
        /// Items skipped: seen in an earlier poll of this feed, or the same content as an article already stored.
        public var skipped = 0
        public var alerts = 0
        public var error: String?

        public init(feed: URL) { self.feed = feed }
    }

    private struct State {
        var etag: String?
        var lastModified: String?
        var seen: Set<String> = []

        init() {}

        init(_ stored: FeedState) {
            etag = stored.etag
            lastModified = stored.lastModified
            seen = Set(stored.seen)
        }

        var stored: FeedState { FeedState(etag: etag, lastModified: lastModified, seen: seen.sorted()) }
    }

    private let feeds: [Feed]
    private let engine: AlertEngine
    private let fetcher: HTTPFetcher
    private let logger: Logger
    private var states: [URL: State] = [:]
    /// Bounds the memory of seen item keys per feed; a feed lists far fewer items than this.
    private let seenLimit = 10_000

    public init(feeds: [Feed], engine: AlertEngine, fetcher: HTTPFetcher = HTTPFetcher(), logger: Logger) {
        self.feeds = feeds
        self.engine = engine
        self.fetcher = fetcher
        self.logger = logger
    }

    /// Polls each feed on its own interval until graceful shutdown or cancellation; the first poll of each is
    /// immediate.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for feed in feeds {
                group.addTask { [self] in
                    while !FolderIngest.isStopping {
                        _ = await self.poll(feed.url)
                        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: feed.interval) }
                    }
                }
            }
        }
    }

    /// Polls every feed once, in order.
    public func pollAll() async -> [Poll] {
        var polls: [Poll] = []
        for feed in feeds { polls.append(await poll(feed.url)) }
        return polls
    }

    /// Polls one feed once.
    public func poll(_ url: URL) async -> Poll {
        var result = Poll(feed: url)
        var state = await loadState(url)
        var headers: [(String, String)] = []
        if let etag = state.etag { headers.append(("If-None-Match", etag)) }
        if let lastModified = state.lastModified { headers.append(("If-Modified-Since", lastModified)) }
        do {
            // A fetch in flight is abandoned on shutdown rather than allowed its whole timeout (20 s by default,
            // longer than the server's shutdown budget): nothing of it was published yet.
            let fetcher = self.fetcher
            let requestHeaders = headers
            let response = try await cancelWhenGracefulShutdown { try await fetcher.get(url, headers: requestHeaders) }
            if response.status == 304 {
                result.notModified = true
                logger.debug("feed not modified", metadata: ["feed": "\(url)"])
                return result
            }
            guard (200..<300).contains(response.status) else {
                throw FeedParser.Failure(description: "HTTP \(response.status)")
            }
            let items = try FeedParser.parse(response.body)
            let source = url.host ?? url.absoluteString
            for item in items {
                if FolderIngest.isStopping { throw FeedParser.Failure(description: "stopped by shutdown part-way") }
                guard !state.seen.contains(item.key) else {
                    result.skipped += 1
                    continue
                }
                guard !(item.title.isEmpty && item.text.isEmpty) else { continue }
                let article = Article(title: item.title, body: item.text, source: source, url: item.link, published: item.published)
                let outcome = try await engine.publish(article)
                state.seen.insert(item.key)
                if outcome.duplicate { result.skipped += 1 } else { result.published += 1 }
                result.alerts += outcome.alerts.count
            }
            // Validators are kept only once every item is stored: a failed publish is fetched again next time.
            state.etag = response.header("ETag")
            state.lastModified = response.header("Last-Modified")
            if state.seen.count > seenLimit { state.seen = Set(items.map(\.key)) }
            await saveState(state, for: url)
            logger.info(
                "feed polled",
                metadata: [
                    "feed": "\(url)", "items": "\(items.count)", "new": "\(result.published)", "alerts": "\(result.alerts)",
                ])
        } catch {
            await saveState(state, for: url)
            result.error = "\(error)"
            logger.warning("feed poll failed", metadata: ["feed": "\(url)", "error": "\(error)"])
        }
        return result
    }

    /// The feed's state as the store has it (another node may have polled it last), else as this node last had it.
    private func loadState(_ url: URL) async -> State {
        do {
            if let stored = try await engine.store.feedState(url.absoluteString) { return State(stored) }
        } catch {
            logger.warning("cannot read the feed's state from the store; using this node's", metadata: ["feed": "\(url)", "error": "\(error)"])
        }
        return states[url] ?? State()
    }

    private func saveState(_ state: State, for url: URL) async {
        states[url] = state
        do {
            try await engine.store.saveFeedState(url.absoluteString, state.stored)
        } catch {
            logger.warning("cannot keep the feed's state in the store", metadata: ["feed": "\(url)", "error": "\(error)"])
        }
    }
}
