import Foundation
import Testing

/// The real `herald serve` process, killed with SIGKILL and restarted on the same data folder: every alert the
/// server acknowledged before the crash is still there to replay, and ids carry on.
@Suite("Crash recovery", .timeLimit(.minutes(2)))
struct CrashRecoveryTests {
    /// The `herald` executable built beside this test bundle.
    static var heraldPath: String? {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("herald").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct RunningServer {
        let process: Process
        let port: Int
    }

    static func start(_ herald: String, folder: URL, certificates: (cert: String, key: String)) async throws -> RunningServer {
        let output = folder.appendingPathComponent("stdout-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: herald)
        process.arguments = [
            "serve", "--port", "0", "--rules", folder.appendingPathComponent("rules").path,
            "--data", folder.appendingPathComponent("data").path, "--cert", certificates.cert, "--key", certificates.key,
            "--log-level", "warning",
        ]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on [^ ]+:(\d+)"#, options: .regularExpression) {
                let match = String(text[range])
                if let port = match.split(separator: ":").last.flatMap({ Int($0) }) {
                    return RunningServer(process: process, port: port)
                }
            }
            guard process.isRunning else { throw TestFailure("herald serve exited: \(text)", #_sourceLocation) }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw TestFailure("herald serve did not report its port", #_sourceLocation)
    }

    @Test("after kill -9 and a restart on the same data folder, FROM 0 replays every acknowledged alert")
    func killAndRestart() async throws {
        let herald = try #require(Self.heraldPath, "the herald executable is built with the tests")
        let certificates = try TestCertificates.shared.get()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try """
            rule zebra-sighting
                title "Zebra sighted"
                let z = "zebra"
            """.write(to: folder.appendingPathComponent("rules/zoo.rules"), atomically: true, encoding: .utf8)
        let files = (certificates.serverCertificate.path, certificates.serverKey.path)
        // Declared first, so it runs last: after every server process below is gone, their alert log goes too.
        defer { try? FileManager.default.removeItem(at: folder) }

        let first = try await Self.start(herald, folder: folder, certificates: files)
        // Whatever happens below, no server process outlives the test.
        defer {
            if first.process.isRunning {
                kill(first.process.processIdentifier, SIGKILL)
                first.process.waitUntilExit()
            }
        }
        let publisher = try await TestClient.connect(port: first.port, caPath: certificates.caCertificate.path)
        _ = try await publisher.expect("hello")
        var acknowledged: [Int] = []
        for index in 0..<25 {
            let ok = try await publisher.request(#"PUB {"title":"Zebra \#(index)","body":"A zebra, report \#(index)."}"#)
            acknowledged += ok["alert_ids"] as? [Int] ?? []
        }
        #expect(acknowledged.count == 25)
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        #expect(first.process.terminationReason == .uncaughtSignal)
        await publisher.close()

        let second = try await Self.start(herald, folder: folder, certificates: files)
        defer {
            if second.process.isRunning {
                kill(second.process.processIdentifier, SIGKILL)
                second.process.waitUntilExit()
            }
        }
        let subscriber = try await TestClient.connect(port: second.port, caPath: certificates.caCertificate.path)
        _ = try await subscriber.expect("hello")
        try await subscriber.request("SUB * FROM 0")
        var replayed: [Int] = []
        while replayed.count < acknowledged.count {
            let message = try await subscriber.nextMessage()
            if message["type"] as? String == "alert", let id = message["id"] as? Int { replayed.append(id) }
        }
        #expect(replayed == acknowledged)
        _ = try await subscriber.expect("replayed")
        // The same content again is still a duplicate; new content continues the ids.
        let publisher2 = try await TestClient.connect(port: second.port, caPath: certificates.caCertificate.path)
        _ = try await publisher2.expect("hello")
        let again = try await publisher2.request(#"PUB {"title":"Zebra 0","body":"A zebra, report 0."}"#)
        #expect(again["duplicate"] as? Bool == true)
        let next = try await publisher2.request(#"PUB {"title":"Zebra new","body":"A new zebra."}"#)
        let nextID = try #require((next["alert_ids"] as? [Int])?.first)
        #expect(nextID > (acknowledged.max() ?? 0))
        #expect(try await subscriber.expect("alert")["id"] as? Int == nextID)
        await subscriber.close()
        await publisher2.close()
        second.process.terminate()
        second.process.waitUntilExit()
        #expect(second.process.terminationStatus == 0)
    }
}
