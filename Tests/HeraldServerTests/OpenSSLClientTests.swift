import Foundation
import HeraldServer
import Testing

@Suite("openssl s_client end to end", .timeLimit(.minutes(1)), .enabled(if: OpenSSLTool.isAvailable))
struct OpenSSLClientTests {
    @Test("SUB in s_client, PUB from another client, ARTICLE and QUIT from s_client")
    func endToEnd() async throws {
        try await TestServer.run { server in
            let session = try OpenSSLSession(port: server.port, caPath: server.caPath)
            defer { session.terminate() }
            let hello = try await session.expect("hello")
            #expect(hello["protocol"] as? Int == 1)
            try session.send("SUB * severity>=high")
            try await session.expect("ok")

            let publisher = try await TestClient.connected(to: server)
            try await publisher.request(#"PUB {"title":"Zebra at the zoo","body":"A zebra was born at the zoo."}"#)
            let alert = try await session.expect("alert")
            #expect(alert["rule"] as? String == "zebra-sighting")
            await publisher.close()

            for line in ["ARTICLE", "Typhoon warning", "", "A typhoon is due on Friday.", "."] {
                try session.send(line)
            }
            let typhoon = try await session.expect("alert")
            #expect(typhoon["rule"] as? String == "cn-typhoon")
            let ok = try await session.expect("ok")
            #expect(ok["alerts"] as? Int == 1)

            try session.send("QUIT")
            try await session.expect("bye")
            #expect(try await OpenSSLTool.waitForExit(session.process, timeout: .seconds(10)))
            if let path = ProcessInfo.processInfo.environment["HERALD_TRANSCRIPT"] {
                try session.received.withLockedValue { $0 }.joined(separator: "\n")
                    .write(toFile: path, atomically: true, encoding: .utf8)
            }
        }
    }
}
