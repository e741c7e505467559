import CoreMetrics
import Foundation
import HeraldProtocol
import NIOConcurrencyHelpers
import Prometheus

/// The server's metrics, counted and timed through swift-metrics and exported by swift-prometheus on `/metrics`.
///
/// Each server has a registry of its own rather than the process-wide `MetricsSystem`: tests run many servers in
/// one process, and each must see its own counts. `herald serve` bootstraps `MetricsSystem` with this factory, so
/// anything else in the process that counts through swift-metrics shows up on the same page.
///
/// The metric names are those Herald exported before (`herald_articles_in_total`, …). The histograms are what
/// operators ask for first: how long matching an article takes, how long its commit takes, how long from an
/// article's arrival to its alerts being queued to subscribers, and how full subscribers' outboxes are.
public final class ServerMetrics: Sendable {
    /// What `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// For `MetricsSystem.bootstrap` in `main`: metrics made anywhere land in ``registry``.
    public let factory: PrometheusMetricsFactory

    let matchTime: CoreMetrics.Timer
    let commitTime: CoreMetrics.Timer
    let deliverLatency: CoreMetrics.Timer
    let outboxDepth: CoreMetrics.Recorder
    private let startedAt = Date()
    /// The rule-set gauge carries the hash as a label: the previous one goes when a new set is loaded.
    private let ruleSetGauge = NIOLockedValueBox<CoreMetrics.Gauge?>(nil)
    /// Counters and gauges made so far, by name and then by the value of their one label ("" without one). The
    /// fan-out counts every alert: looked up here, a count costs a lock and two dictionary reads, not a new
    /// metric object and a lookup in the registry.
    private let counters = NIOLockedValueBox<[String: [String: CoreMetrics.Counter]]>([:])
    private let gauges = NIOLockedValueBox<[String: [String: CoreMetrics.Gauge]]>([:])

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let milliseconds: [Duration] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500].map { .milliseconds($0) }
        factory.durationHistogramBuckets = [
            "herald_match_seconds": [.microseconds(100), .microseconds(250), .microseconds(500)] + milliseconds,
            "herald_commit_seconds": milliseconds,
            "herald_publish_to_deliver_seconds": milliseconds,
        ]
        factory.valueHistogramBuckets = [
            "herald_outbox_bytes": [0, 1 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 2 << 20, 4 << 20].map(Double.init)
        ]
        self.registry = registry
        self.factory = factory
        matchTime = CoreMetrics.Timer(label: "herald_match_seconds", factory: factory)
        commitTime = CoreMetrics.Timer(label: "herald_commit_seconds", factory: factory)
        deliverLatency = CoreMetrics.Timer(label: "herald_publish_to_deliver_seconds", factory: factory)
        outboxDepth = CoreMetrics.Recorder(label: "herald_outbox_bytes", aggregate: true, factory: factory)
    }

    /// Records a duration on one of the timers (swift-metrics takes nanoseconds).
    static func record(_ duration: Duration, on timer: CoreMetrics.Timer) {
        let (seconds, attoseconds) = duration.components
        timer.recordNanoseconds(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }

    /// Adds `amount` (0: only makes sure the counter is exported, at zero).
    /// Dimensions are at most one label, as every Herald metric has.
    func increment(_ name: String, by amount: Int = 1, _ dimensions: [(String, String)] = []) {
        let counter = Self.cached(counters, name, dimensions) {
            CoreMetrics.Counter(label: name, dimensions: dimensions, factory: factory)
        }
        if amount > 0 { counter.increment(by: amount) }
    }

    func gauge(_ name: String, _ value: Double, _ dimensions: [(String, String)] = []) {
        Self.cached(gauges, name, dimensions) { CoreMetrics.Gauge(label: name, dimensions: dimensions, factory: factory) }
            .record(value)
    }

    private static func cached<Metric>(
        _ cache: NIOLockedValueBox<[String: [String: Metric]]>, _ name: String, _ dimensions: [(String, String)],
        make: () -> Metric
    ) -> Metric {
        let label = dimensions.first?.1 ?? ""
        return cache.withLockedValue { cache in
            if let metric = cache[name]?[label] { return metric }
            let metric = make()
            cache[name, default: [:]][label] = metric
            return metric
        }
    }

    func ruleSetLoaded(hash: String, at date: Date) {
        let gauge = CoreMetrics.Gauge(label: "herald_rule_set_loaded_timestamp_seconds", dimensions: [("hash", hash)], factory: factory)
        gauge.record(date.timeIntervalSince1970.rounded())
        let previous = ruleSetGauge.withLockedValue { current in
            defer { current = gauge }
            return current
        }
        if let previous, previous.label != gauge.label || previous.dimensions.first?.1 != hash { previous.destroy() }
    }

    /// The exposition text, after setting what is read at scrape time: uptime, sessions by role, and each
    /// subscriber's outbox depth into the histogram.
    func render(byRole: [Role: Int], outboxBytes: [Int]) -> String {
        gauge("herald_uptime_seconds", Date().timeIntervalSince(startedAt).rounded())
        for role in Role.allCases { gauge("herald_connections_by_role", Double(byRole[role] ?? 0), [("role", role.rawValue)]) }
        for bytes in outboxBytes { outboxDepth.record(bytes) }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
