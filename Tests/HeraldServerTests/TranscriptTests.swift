import Foundation
import HeraldCore
import HeraldRules
import HeraldServer
import Testing

/// Records the PROTOCOL.md transcript: a real `openssl s_client -quiet` session against the real server and the
/// real `Rules/` folder. Runs only when `HERALD_TRANSCRIPT` names the output file.
@Suite(
    "Transcript", .timeLimit(.minutes(1)),
    .enabled(if: OpenSSLTool.isAvailable && ProcessInfo.processInfo.environment["HERALD_TRANSCRIPT"] != nil))
struct TranscriptTests {
    @Test("record an s_client session")
    func record() async throws {
        let path = try #require(ProcessInfo.processInfo.environment["HERALD_TRANSCRIPT"])
        let root = SeedScenarioTests.root
        let ruleSet = try #require(RuleSetLoader().load(root.appendingPathComponent("Rules").path).ruleSet)
        let certificates = try TestCertificates.shared.get()
        let minimax = try #require(
            try String(contentsOf: root.appendingPathComponent("seeds/articles.jsonl"), encoding: .utf8)
                .split(separator: "\n").first)
        let meituan = try String(
            contentsOf: root.appendingPathComponent("seeds/04-meituan-title-only.txt"), encoding: .utf8)
        let script: [[String]] = [
            ["HELP"], ["RULES"], ["SUB cn-* severity>=high"], ["SUB * tag=weather"], ["SUBS"], ["PING 42"],
            ["PUB " + minimax],
            ["ARTICLE"] + meituan.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + ["."],
            ["PUB " + minimax],
            [#"{"cmd":"ping","token":"from-a-program","id":"req-1"}"#],
            ["SUBB *"], ["PUB {\"title\": \"broken"], [#"PUB {"title":"","body":""}"#],
            ["UNSUB *"], ["QUIT"],
        ]
        try await TestServer.run(engine: try await TestEngine.make(ruleSet), certificates: certificates) { server in
            let session = try OpenSSLSession(port: server.port, caPath: server.caPath)
            defer { session.terminate() }
            var transcript: [String] = []
            func drain() async {
                while case .line(let line) = await session.inbox.next(timeout: .milliseconds(400)) {
                    transcript.append(line)
                }
            }
            await drain()
            for block in script {
                for line in block {
                    transcript.append("> " + line)
                    try session.send(line)
                }
                await drain()
            }
            #expect(try await OpenSSLTool.waitForExit(session.process, timeout: .seconds(10)))
            try (transcript.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}
