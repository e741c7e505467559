import Foundation
import Testing

/// `herald publish` and `herald sub` against a real `herald serve`, all as child processes.
@Suite("herald publish and herald sub", .timeLimit(.minutes(2)))
struct ClientCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func connection(_ server: ServeProcess) -> [String] {
        ["--port", String(server.port), "--ca", server.ca]
    }

    @Test("publish a folder, then sub --from 0 prints exactly the expected alerts as JSON lines")
    func publishThenReplay() async throws {
        try await ServeProcess.with(rules: Self.root.appendingPathComponent("Rules").path) { server in
            let seeds = Self.root.appendingPathComponent("seeds").path
            let published = try await HeraldProcess.run(["publish"] + connection(server) + [seeds])
            #expect(published.status == 0, "\(published.stderr)")
            #expect(published.stderr.contains("17 sent, 0 duplicates, 10 alerts, 0 errors"), "\(published.stderr)")
            let again = try await HeraldProcess.run(["publish"] + connection(server) + [seeds + "/articles.jsonl"])
            #expect(again.stderr.contains("4 sent, 4 duplicates, 0 alerts"), "\(again.stderr)")

            let sub = try await HeraldProcess.run(["sub"] + connection(server) + ["--from", "0", "--max-alerts", "10"])
            #expect(sub.status == 0, "\(sub.stderr)")
            let lines = sub.stdout.split(separator: "\n")
            #expect(lines.count == 10)
            let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(objects.compactMap { $0["id"] as? Int } == Array(1...10))
            let firms = Set(objects.compactMap { ($0["fields"] as? [String: String])?["firm"] })
            #expect(firms == ["Zhipu AI", "ByteDance", "Lenovo", "Meituan", "Xiaomi", "MiniMax", "DeepSeek", "iFlytek", "NetEase", "Kuaishou"])
        }
    }

    @Test("--state keeps the cursor across runs: the second run prints only what is new")
    func stateFile() async throws {
        try await ServeProcess.with(rules: Self.root.appendingPathComponent("Rules").path) { server in
            let state = server.folder.appendingPathComponent("cursor").path
            let jsonl = Self.root.appendingPathComponent("seeds/articles.jsonl").path
            _ = try await HeraldProcess.run(["publish"] + connection(server) + [jsonl])
            let first = try await HeraldProcess.run(
                ["sub"] + connection(server) + ["--from", "0", "--max-alerts", "4", "--state", state])
            #expect(first.stdout.split(separator: "\n").count == 4)
            #expect(try String(contentsOfFile: state, encoding: .utf8) == "4\n")
            let text = Self.root.appendingPathComponent("seeds/01-zhipu-bellevue-office.txt").path
            _ = try await HeraldProcess.run(["publish"] + connection(server) + [text])
            let second = try await HeraldProcess.run(["sub"] + connection(server) + ["--max-alerts", "1", "--state", state])
            let line = try #require(second.stdout.split(separator: "\n").first)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["id"] as? Int == 5)
            #expect((object["fields"] as? [String: String])?["firm"] == "Zhipu AI")
        }
    }

    @Test("publish reports unreadable and malformed input with the file and reason, and exits 1")
    func publishErrors() async throws {
        try await ServeProcess.with(rules: Self.root.appendingPathComponent("Rules").path) { server in
            let result = try await HeraldProcess.run(
                ["publish"] + connection(server) + ["-", "/nonexistent/article.txt"], input: "{\"title\": oops\n")
            #expect(result.status == 1)
            #expect(result.stderr.contains("0 sent, 0 duplicates, 0 alerts, 2 errors"), "\(result.stderr)")
            #expect(result.stderr.contains("<stdin>:1: malformed JSON"), "\(result.stderr)")
            #expect(result.stderr.contains("cannot read /nonexistent/article.txt: No such file or directory"), "\(result.stderr)")
        }
    }

    @Test("sub refuses what retrying cannot fix, and says why")
    func subFatal() async throws {
        try await ServeProcess.with(rules: Self.root.appendingPathComponent("Rules").path) { server in
            let result = try await HeraldProcess.run(["sub"] + connection(server) + ["--severity", "urgent", "--once"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("bad_arguments"), "\(result.stderr)")
        }
    }

    @Test("herald serve --watch publishes files renamed into the folder, and subscribers see the alerts")
    func watchedFolder() async throws {
        let rules = Self.root.appendingPathComponent("Rules").path
        try await ServeProcess.with(rules: rules, extraArguments: ["--watch", "{folder}/inbox", "--watch-interval", "0.1"]) {
            server in
            let inbox = server.folder.appendingPathComponent("inbox")
            let seed = Self.root.appendingPathComponent("seeds/04-meituan-title-only.txt")
            // Write-then-rename, as documented: the .tmp name is never read.
            try FileManager.default.copyItem(at: seed, to: inbox.appendingPathComponent("a.txt.tmp"))
            try FileManager.default.moveItem(
                at: inbox.appendingPathComponent("a.txt.tmp"), to: inbox.appendingPathComponent("a.txt"))
            let sub = try await HeraldProcess.run(["sub"] + connection(server) + ["--from", "0", "--max-alerts", "1"])
            #expect(sub.stdout.contains("\"firm\":\"Meituan\""), "\(sub.stdout) \(sub.stderr)")
            let deadline = ContinuousClock.now + .seconds(10)
            while !FileManager.default.fileExists(atPath: inbox.appendingPathComponent("done/a.txt").path) {
                guard ContinuousClock.now < deadline else { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(FileManager.default.fileExists(atPath: inbox.appendingPathComponent("done/a.txt").path))
        }
    }

    @Test("sub treats a server that sends nothing, not even a heartbeat, as dead: it reconnects and resumes from the last id")
    func subReconnectsOnSilence() async throws {
        let rules = Self.root.appendingPathComponent("Rules").path
        // Heartbeats off: an idle server is indistinguishable from a dead path, which is what sub must detect.
        try await ServeProcess.with(rules: rules, extraArguments: ["--heartbeat", "0"]) { server in
            let jsonl = Self.root.appendingPathComponent("seeds/articles.jsonl").path
            _ = try await HeraldProcess.run(["publish"] + connection(server) + [jsonl])
            let sub = try BackgroundProcess(
                ["sub"] + connection(server) + ["--from", "0", "--max-alerts", "5", "--heartbeat-timeout", "0.3"])
            defer { sub.terminate() }
            // The event: sub says it gave up on the silent connection (at least twice, so it also resumed once).
            try await sub.waitForStandardError { $0.components(separatedBy: "sent nothing for 300 ms").count > 2 }
            let text = Self.root.appendingPathComponent("seeds/01-zhipu-bellevue-office.txt").path
            _ = try await HeraldProcess.run(["publish"] + connection(server) + [text])
            let status = try await sub.waitForExit()
            #expect(status == 0, "\(sub.standardError)")
            let ids = sub.standardOutput.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? Int
            }
            // Every alert once, in order: the reconnects resumed from the last id printed.
            #expect(ids == [1, 2, 3, 4, 5], "\(sub.standardOutput)")
        }
    }

    @Test("publish streams an input larger than the article limit, many articles in flight, every one answered")
    func publishLargeInput() async throws {
        let rules = try BacktestCommandTests.rules(places: "@PLACE")
        try await ServeProcess.with(rules: rules, extraArguments: ["--publish-rate", "0"]) { server in
            // About 11 MB in 20,000 distinct articles, every tenth one an alert.
            var text = ""
            var index = 0
            while text.utf8.count < 11_000_000 {
                let body = index % 10 == 0 ? "Alibaba opened an office in Sunnyvale." : "Nothing to report."
                text += #"{"id":"p\#(index)","title":"Story \#(index)","body":"\#(body) \#(String(repeating: "Filler. ", count: 60))"}"# + "\n"
                index += 1
            }
            let path = server.folder.appendingPathComponent("archive.jsonl").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try await HeraldProcess.run(["publish"] + connection(server) + [path], timeout: .seconds(240))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("herald publish: \(index) sent, 0 duplicates, \((index + 9) / 10) alerts, 0 errors"), "\(result.stderr)")
        }
    }
}

/// A `herald` command left running while the test acts, with its outputs in files the test can watch.
final class BackgroundProcess {
    let process = Process()
    let folder: URL

    init(_ arguments: [String]) throws {
        guard let executable = HeraldProcess.executable else {
            throw HeraldProcess.Failure(description: "the herald executable is not built")
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["out", "err"] {
            _ = FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: nil)
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: folder.appendingPathComponent("out"))
        process.standardError = try FileHandle(forWritingTo: folder.appendingPathComponent("err"))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var standardOutput: String { (try? String(contentsOf: folder.appendingPathComponent("out"), encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOf: folder.appendingPathComponent("err"), encoding: .utf8)) ?? "" }

    func waitForStandardError(timeout: Duration = .seconds(30), until condition: (String) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(standardError) {
            guard ContinuousClock.now < deadline, process.isRunning else {
                throw HeraldProcess.Failure(description: "not seen on standard error: \(standardError)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw HeraldProcess.Failure(description: "did not exit") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    func terminate() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}
