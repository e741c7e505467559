import Logging
import NIOConcurrencyHelpers

/// Keeps every log record in memory, so tests can check what the server logs and with which metadata.
struct CapturingLogHandler: LogHandler {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    final class Store: Sendable {
        private let records = NIOLockedValueBox<[Record]>([])

        var all: [Record] { records.withLockedValue { $0 } }

        func append(_ record: Record) { records.withLockedValue { $0.append(record) } }

        func logger() -> Logger {
            var logger = Logger(label: "herald.test.capture") { _ in CapturingLogHandler(store: self) }
            logger.logLevel = .debug
            return logger
        }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        merged.merge(event.metadata ?? [:]) { $1 }
        store.append(
            Record(
                level: event.level, message: event.message.description,
                metadata: merged.mapValues { "\($0)" }))
    }
}
