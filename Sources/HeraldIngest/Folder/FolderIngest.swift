import Foundation
import HeraldCore
import Logging
import NIOPosix

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
public actor FolderIngest {
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

    public init(
        folder: URL, engine: AlertEngine, parser: ArticleParser = ArticleParser(), threadPool: NIOThreadPool = .singleton,
        logger: Logger
    ) {
        self.folder = folder
        self.engine = engine
        self.parser = parser
        self.threadPool = threadPool
        self.logger = logger
    }

    /// Polls every `interval` until cancelled.
    public func run(interval: Duration = .seconds(2)) async {
        logger.info("watching a folder for articles", metadata: ["folder": "\(folder.path)"])
        while !Task.isCancelled {
            _ = await scanOnce()
            try? await Task.sleep(for: interval)
        }
    }

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
        do {
            let articles = try parser.parse(bytes, format: .auto, name: name)
            for article in articles {
                let outcome = try await engine.publish(article)
                if outcome.duplicate { pass.duplicates += 1 } else { pass.published += 1 }
                pass.alerts += outcome.alerts.count
            }
            await move(entry, to: "done")
            logger.info("ingested", metadata: ["file": "\(name)", "articles": "\(articles.count)"])
        } catch {
            pass.failed += 1
            await fail(entry, reason: (error as? ArticleError)?.message ?? "\(error)")
        }
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
