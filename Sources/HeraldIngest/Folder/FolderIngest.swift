import Foundation
import HeraldCore
import Logging

/// A watched folder: article files dropped into it are published once, then moved to `done/`, or to `failed/`
/// with a `<name>.error` file beside them saying why.
///
/// Writers must use write-then-rename: create the file under a hidden name (`.name`) or with a `.tmp` or `.part`
/// suffix, then rename it to its final name in the same folder. A rename is atomic, so the watcher never sees a
/// half-written file; files with those names are left alone. The folder is polled, which works on every file
/// system (inotify does not see network mounts) and costs one directory listing per interval.
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

    public init(folder: URL, engine: AlertEngine, parser: ArticleParser = ArticleParser(), logger: Logger) {
        self.folder = folder
        self.engine = engine
        self.parser = parser
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
        let manager = FileManager.default
        for name in ["done", "failed"] {
            try? manager.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        guard let names = try? manager.contentsOfDirectory(atPath: folder.path) else {
            logger.error("cannot list the watched folder", metadata: ["folder": "\(folder.path)"])
            return pass
        }
        for name in names.sorted() where Self.isReady(name) {
            let file = folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            do {
                let bytes = try [UInt8](Data(contentsOf: file))
                let articles = try parser.parse(bytes, format: .auto, name: name)
                for article in articles {
                    let outcome = try await engine.publish(article)
                    if outcome.duplicate { pass.duplicates += 1 } else { pass.published += 1 }
                    pass.alerts += outcome.alerts.count
                }
                move(file, to: "done")
                logger.info("ingested", metadata: ["file": "\(name)", "articles": "\(articles.count)"])
            } catch {
                pass.failed += 1
                let reason = (error as? ArticleError)?.message ?? "\(error)"
                move(file, to: "failed")
                let errorFile = folder.appendingPathComponent("failed/\(name).error")
                try? Data((reason + "\n").utf8).write(to: errorFile)
                logger.warning("could not ingest", metadata: ["file": "\(name)", "reason": "\(reason)"])
            }
        }
        return pass
    }

    /// Hidden files and `.tmp`/`.part` files are still being written; `done`/`failed` are ours.
    static func isReady(_ name: String) -> Bool {
        !name.hasPrefix(".") && !name.hasSuffix(".tmp") && !name.hasSuffix(".part") && name != "done" && name != "failed"
    }

    /// Moves a processed file aside, never over an earlier file of the same name.
    private func move(_ file: URL, to subfolder: String) {
        let manager = FileManager.default
        var target = folder.appendingPathComponent(subfolder).appendingPathComponent(file.lastPathComponent)
        var counter = 1
        while manager.fileExists(atPath: target.path) {
            target = folder.appendingPathComponent(subfolder).appendingPathComponent("\(file.lastPathComponent).\(counter)")
            counter += 1
        }
        do {
            try manager.moveItem(at: file, to: target)
        } catch {
            logger.error("cannot move a processed file", metadata: ["file": "\(file.path)", "error": "\(error)"])
        }
    }
}
