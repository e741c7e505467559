import Foundation
import HeraldServer
import NIOConcurrencyHelpers
import Testing

/// The Prometheus endpoint: plain HTTP on loopback, off unless a port is configured.
@Suite("Metrics endpoint", .timeLimit(.minutes(1)))
struct MetricsTests {
    @Test("GET /metrics exposes the STATS counters and the histograms, and they move as articles flow; other paths get 404")
    func scrape() async throws {
        let metricsPort = NIOLockedValueBox(0)
        try await TestServer.run(configure: { configuration in
            configuration.metricsPort = 0
            configuration.onMetricsRunning = { address in metricsPort.withLockedValue { $0 = address.port ?? 0 } }
        }) { server in
            let port = metricsPort.withLockedValue { $0 }
            #expect(port > 0)
            let before = try await Self.get("/metrics", port: port)
            #expect(before.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(before.contains("# TYPE herald_articles_in_total counter\nherald_articles_in_total 0\n"))
            #expect(before.contains("herald_connections_by_role{role=\"admin\"} 0.0\n"))
            #expect(before.contains("# TYPE herald_match_seconds histogram\n"))
            #expect(before.contains("herald_match_seconds_count 0\n"))

            let client = try await TestClient.connected(to: server)
            try await client.request("SUB *")
            try await client.send(#"PUB {"title":"Zebra","body":"A zebra."}"#)
            try await client.expect("alert")
            try await client.expect("ok")
            let after = try await Self.get("/metrics", port: port)
            #expect(after.contains("herald_articles_in_total 1\n"))
            #expect(after.contains("herald_alerts_by_rule_total{rule=\"zebra-sighting\"} 1\n"))
            #expect(after.contains("herald_connections_by_role{role=\"subscribe\"} 1.0\n"))
            #expect(after.contains("herald_rule_set_loaded_timestamp_seconds{hash=\""))
            // One article matched and committed, its one alert delivered, one subscriber's outbox sampled.
            #expect(after.contains("herald_match_seconds_count 1\n"), "\(after)")
            #expect(after.contains("herald_commit_seconds_count 1\n"))
            #expect(after.contains("herald_publish_to_deliver_seconds_count 1\n"))
            #expect(after.contains("# TYPE herald_outbox_bytes histogram\n"))
            #expect(after.contains("herald_outbox_bytes_count 1\n") || after.contains("herald_outbox_bytes_count 2\n"))

            #expect(try await Self.get("/", port: port).hasPrefix("HTTP/1.1 404 Not Found\r\n"))
            await client.close()
        }
    }

    static func get(_ path: String, port: Int) async throws -> String {
        let outcome = try await RawProbe.send(
            Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8), port: port, timeout: .seconds(5))
        #expect(outcome.closedByServer)
        return String(decoding: outcome.received, as: UTF8.self)
    }
}
