import Foundation
import HeraldArticle
import HeraldCore
import HeraldRules
import HeraldStore
import Testing

/// `herald backtest` as an analyst runs it: a data folder a server wrote, an edited rule folder, JSON lines or a
/// table of what differs.
@Suite("herald backtest", .timeLimit(.minutes(2)))
struct BacktestCommandTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-backtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A rule folder: `firm in place`, the places given.
    static func rules(places: String) throws -> String {
        let folder = try folder()
        try "list FIRM kind=entity\nAlibaba\nBaidu\n\nlist PLACE kind=entity\nSunnyvale\nAustin\n"
            .write(to: folder.appendingPathComponent("l.list"), atomically: true, encoding: .utf8)
        try """
            include "l.list"
            rule firm-in-place
                title "Firm in place"
                severity high
                let firm = @FIRM
                let place = \(places)
                emit firm=firm, place=place
            """.write(to: folder.appendingPathComponent("r.rules"), atomically: true, encoding: .utf8)
        return folder.path
    }

    /// A data folder as `herald serve` leaves it, the articles published with `rules`.
    static func data(rules: String) async throws -> String {
        let data = try folder()
        let ruleSet = try #require(RuleSetLoader().load(rules).ruleSet)
        let store = try SQLiteAlertStore(path: data.appendingPathComponent("alerts.sqlite").path)
        let engine = try await AlertEngine(ruleSet: ruleSet, store: store)
        _ = try await engine.publish(Article(id: "s1", title: "Sunnyvale", body: "Alibaba opened an office in Sunnyvale."))
        _ = try await engine.publish(Article(id: "a1", title: "Austin", body: "Baidu opened an office in Austin."))
        await store.close()
        return data.path
    }

    @Test("JSON lines: one per alert with what changed, one per rule, one in total; the table lists the differences")
    func jsonAndTable() async throws {
        let data = try await Self.data(rules: try Self.rules(places: #""Sunnyvale""#))
        let edited = try Self.rules(places: #""Austin""#)
        let json = try await HeraldProcess.run(["backtest", "--rules", edited, "--data", data, "--since", "1d", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let lines = try json.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let changes = lines.filter { $0["type"] as? String == "backtest" }.map {
            "\($0["change"] ?? "") \(($0["article"] as? [String: Any])?["id"] ?? "")"
        }
        #expect(changes == ["gone s1", "new a1"])
        let rule = try #require(lines.first { $0["type"] as? String == "backtest_rule" })
        #expect(rule["rule"] as? String == "firm-in-place")
        #expect(rule["would_raise"] as? Int == 1 && rule["new"] as? Int == 1 && rule["gone"] as? Int == 1)
        let total = try #require(lines.last)
        #expect(total["type"] as? String == "backtest_summary" && total["articles"] as? Int == 2)
        #expect(total["differences"] as? Int == 2)

        let table = try await HeraldProcess.run(["backtest", "--rules", edited, "--data", data, "--format", "table"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("firm-in-place: would raise 1 (same 0, new 1, changed 0); gone 1"), "\(table.stdout)")
        #expect(table.stdout.contains("+ new") && table.stdout.contains("firm=Baidu place=Austin"), "\(table.stdout)")
        #expect(table.stdout.contains("- gone") && table.stdout.contains("firm=Alibaba place=Sunnyvale"), "\(table.stdout)")
        #expect(table.stdout.contains("2 archived articles since"), "\(table.stdout)")
    }

    @Test("no data folder, rules that do not compile and a bad --since are clear errors")
    func errors() async throws {
        let rules = try Self.rules(places: "@PLACE")
        let missing = try await HeraldProcess.run(["backtest", "--rules", rules, "--data", "/nonexistent/herald"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no alert log at /nonexistent/herald/alerts.sqlite"), "\(missing.stderr)")
        let broken = try Self.rules(places: "@NOWHERE")
        let bad = try await HeraldProcess.run(["backtest", "--rules", broken, "--data", "/nonexistent/herald"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("unknown list '@NOWHERE'"), "\(bad.stderr)")
        let since = try await HeraldProcess.run(["backtest", "--rules", rules, "--since", "yesterday"])
        #expect(since.status != 0)
        #expect(since.stderr.contains("--since takes a number and a unit"), "\(since.stderr)")
    }

    /// Sends `lines` with `openssl s_client` (a real client, as a person would) and returns what the server said.
    static func openssl(port: Int, ca: String, _ lines: [String]) async throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "s_client", "-quiet", "-CAfile", ca, "-connect", "localhost:\(port)"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(lines.map { $0 + "\r\n" }.joined().utf8))
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test("beside a running server: backtest reads its archive, and RELOAD answers with the last day's backtest")
    func reloadAnswersWithBacktest() async throws {
        let rules = try Self.rules(places: #""Sunnyvale""#)
        try await ServeProcess.with(rules: rules) { server in
            let articles = [
                #"{"id":"s1","title":"Sunnyvale","body":"Alibaba opened an office in Sunnyvale."}"#,
                #"{"id":"a1","title":"Austin","body":"Baidu opened an office in Austin."}"#,
            ].joined(separator: "\n")
            let published = try await HeraldProcess.run(
                ["publish", "--port", String(server.port), "--ca", server.ca, "-"], input: articles)
            #expect(published.status == 0, "\(published.stderr)")

            // Edit the folder the server runs: Austin instead of Sunnyvale.
            try """
                include "l.list"
                rule firm-in-place
                    title "Firm in place"
                    severity high
                    let firm = @FIRM
                    let place = "Austin"
                    emit firm=firm, place=place
                """.write(toFile: rules + "/r.rules", atomically: true, encoding: .utf8)
            let data = server.folder.appendingPathComponent("data").path
            let backtest = try await HeraldProcess.run(["backtest", "--rules", rules, "--data", data, "--format", "json"])
            #expect(backtest.status == 0, "\(backtest.stderr)")
            #expect(backtest.stdout.contains(#""type":"backtest_summary""#) && backtest.stdout.contains(#""differences":2"#))

            let replies = try await Self.openssl(port: server.port, ca: server.ca, ["RELOAD", "QUIT"])
            let reload = try #require(replies.first { $0["type"] as? String == "ok" && $0["command"] as? String == "reload" }, "\(replies)")
            #expect(reload["changed"] as? [String] == ["firm-in-place"])
            #expect(reload["lists_changed"] as? [String] == [], "only the rule file was edited")
            let digest = try #require(reload["backtest"] as? [String: Any], "\(reload)")
            #expect(digest["articles"] as? Int == 2)
            #expect(digest["complete"] as? Bool == true)
            let counts = try #require((digest["rules"] as? [String: Any])?["firm-in-place"] as? [String: Int])
            #expect(counts == ["would_raise": 1, "same": 0, "new": 1, "changed": 0, "gone": 1])
        }
    }
}
