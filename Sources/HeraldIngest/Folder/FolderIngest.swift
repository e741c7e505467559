import Foundation
import HeraldArticle
import HeraldCore
import Logging
import NIOPosix
import ServiceLifecycle

/// A watched folder: article files dropped into it are published once, then moved to `done/`, or to `failed/`
/// with a `<name>.error` file beside them saying why.
///
/// Writers must use write-then-rename: create the file under a hidden name (`.name`) or with a `.tmp` or `.part`
/// suffix, then rename it to its final name in the same folder. A rename is atomic, so the watcher never sees a
/// half-written file; files with those names are left alone. The folder is polled, which works on every file
/// system (inotify does not see network mounts) and costs one directory listing per interval.
///
/// Only regular files are read. A symbolic link is not followed, and a FIFO, socket or device is never opened:
/// each goes to `failed/` with the reason. A file over the parser's size limit is refused by its size, unread.
/// A file that cannot be moved away afterwards is remembered and left alone until it changes, rather than read
/// again at every pass. The file-system work runs on a thread pool, never on Swift's cooperative pool.
///
/// A ``Service``: `herald serve` runs it in its service group after the store, so on shutdown it is stopped
/// first. Graceful shutdown ends the wait between passes at once, and a file already taken is finished (published
/// and moved to `done/`) before ``run()`` returns, while the store is still open. A file whose articles the store
/// could not take is left where it is for the next pass, never moved to `failed/`: that is not the file's fault.
public actor FolderIngest: Service {
    /// What one pass over the folder did.
    public struct Pass: Sendable, Equatable {
        public var published = 0
        public var duplicates = 0
        public var alerts = 0
        public var failed = 0
    }

    private let folder: URL
    private let engine: AlertEngine
    private let parser: ArticleParser
    private let logger: Logger
    private let threadPool: NIOThreadPool
    /// Files handled but not moved away, by name, as they were then: skipped while they stay the same.
    private var unmovable: [String: FileIdentity] = [:]
    /// How long ``run()`` waits between passes.
    private let interval: Duration
    /// Called with a file's name once it has been read, before its articles are published (a test seam: a test
    /// triggers shutdown here to see the file finished rather than dropped).
    private let afterRead: (@Sendable (String) async -> Void)?

    public init(
        folder: URL, engine: AlertEngine, parser: ArticleParser = ArticleParser(), threadPool: NIOThreadPool = .singleton,
        interval: Duration = .seconds(2), afterRead: (@Sendable (String) async -> Void)? = nil, logger: Logger
    ) {
        self.interval = interval
        self.afterRead = afterRead
        self.folder = folder
        self.engine = engine
        self.parser = parser
        self.threadPool = threadPool
        self.logger = logger
    }

    /// Polls every interval until graceful shutdown or cancellation; the file in hand is finished first.
    public func run() async {
        logger.info("watching a folder for articles", metadata: ["folder": "\(folder.path)"])
        while !Self.isStopping {
            _ = await scanOnce()
            let interval = self.interval
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        logger.info("stopped watching the folder", metadata: ["folder": "\(folder.path)"])
    }

    static var isStopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

    /// One pass: every complete article file now in the folder, oldest name first.
    @discardableResult
    public func scanOnce() async -> Pass {
        var pass = Pass()
        let folder = self.folder
        let entries: [FolderEntry]
        do {
            entries = try await threadPool.runIfActive {
                FolderFiles.createSubfolders(in: folder)
                return try FolderFiles.list(folder)
            }
        } catch {
            logger.error("cannot list the watched folder", metadata: ["folder": "\(folder.path)", "error": "\(error)"])
            return pass
        }
        // A remembered file that is gone (or was replaced) is forgotten.
        unmovable = unmovable.filter { name, identity in entries.contains { $0.name == name && $0.identity == identity } }
        for entry in entries where Self.isReady(entry.name) && entry.kind != .directory {
            // Shutting down: the file in hand was finished; the rest wait for the next start.
            if Self.isStopping { break }
            guard unmovable[entry.name] != entry.identity else { continue }
            await handle(entry, pass: &pass)
        }
        return pass
    }

    private func handle(_ entry: FolderEntry, pass: inout Pass) async {
        let folder = self.folder
        let limit = parser.maximumBytes
        let name = entry.name
        let bytes: [UInt8]
        do {
            bytes = try await threadPool.runIfActive { () throws(FileRefusal) -> [UInt8] in
                if let refusal = FolderFiles.refusal(for: entry, limit: limit) { throw refusal }
                return try FolderFiles.read(folder.appendingPathComponent(name).path, name: name, limit: limit)
            }
        } catch {
            pass.failed += 1
            await fail(entry, reason: (error as? FileRefusal)?.description ?? "\(name): \(error)")
            return
        }
        await afterRead?(name)
        let articles: [Article]
        do {
            articles = try parser.parse(bytes, format: .auto, name: name)
        } catch {
            pass.failed += 1
            await fail(entry, reason: error.message)
            return
        }
        do {
            for article in articles {
                let outcome = try await engine.publish(article)
                if outcome.duplicate { pass.duplicates += 1 } else { pass.published += 1 }
                pass.alerts += outcome.alerts.count
            }
        } catch {
            // The store refused (closed during shutdown, disk full): the file is fine, so it stays for the next
            // pass or the next start; articles already stored are then recognised as duplicates.
            logger.error(
                "the alert log did not take a file's articles; the file is left to try again",
                metadata: ["file": "\(name)", "error": "\(error)"])
            return
        }
        await move(entry, to: "done")
        logger.info("ingested", metadata: ["file": "\(name)", "articles": "\(articles.count)"])
    }

    /// Moves a file that could not be used to `failed/`, with its reason beside it.
    private func fail(_ entry: FolderEntry, reason: String) async {
        logger.warning("could not ingest", metadata: ["file": "\(entry.name)", "reason": "\(reason)"])
        guard let moved = await move(entry, to: "failed") else { return }
        let folder = self.folder
        do {
            try await threadPool.runIfActive { try FolderFiles.writeReason(reason, for: moved, in: folder) }
        } catch {
            logger.error("cannot write why a file failed", metadata: ["file": "failed/\(moved)", "error": "\(error)"])
        }
    }

    /// Moves a processed file aside, never over an earlier file of the same name; returns its new name. One that
    /// cannot be moved is remembered, and not read again until it changes.
    @discardableResult
    private func move(_ entry: FolderEntry, to subfolder: String) async -> String? {
        let folder = self.folder
        let name = entry.name
        do {
            return try await threadPool.runIfActive { try FolderFiles.move(name, in: folder, to: subfolder) }
        } catch {
            unmovable[name] = entry.identity
            logger.error(
                "cannot move a processed file; it is left alone until it changes",
                metadata: ["file": "\(folder.appendingPathComponent(name).path)", "to": "\(subfolder)/", "error": "\(error)"])
            return nil
        }
    }

    /// Hidden files and `.tmp`/`.part` files are still being written; `done`/`failed` are ours.
    static func isReady(_ name: String) -> Bool {
        !name.hasPrefix(".") && !name.hasSuffix(".tmp") && !name.hasSuffix(".part") && name != "done" && name != "failed"
    }
}
