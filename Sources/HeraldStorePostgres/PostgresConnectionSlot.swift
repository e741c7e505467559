import HeraldStore
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// One connection to PostgreSQL, made when first needed and made again after it failed: the store's writer, its
/// reader and its listener each hold one. Concurrent callers share one connection attempt.
actor PostgresConnectionSlot {
    private let configuration: PostgresStoreConfiguration
    private let logger: Logger
    private let role: String
    private var current: PostgresConnection?
    private var connecting: Task<PostgresConnection, any Error>?
    private var closed = false
    private static let ids = IDGenerator()

    init(configuration: PostgresStoreConfiguration, role: String, logger: Logger) {
        self.configuration = configuration
        self.role = role
        self.logger = logger
    }

    /// The open connection, connecting first if there is none.
    ///
    /// - Throws: ``StorageError`` saying PostgreSQL cannot be reached (or refused the login), or that the store is
    ///   closed.
    func connection() async throws -> PostgresConnection {
        guard !closed else { throw StorageError("the alert store is closed") }
        if let current, !current.isClosed { return current }
        if let connecting { return try await connecting.value }
        let configuration = configuration
        let logger = logger
        let role = role
        let task = Task { () throws -> PostgresConnection in
            do {
                return try await PostgresConnection.connect(
                    configuration: try configuration.connectionConfiguration(), id: Self.ids.next(), logger: logger)
            } catch let error as StorageError {
                throw error
            } catch {
                throw StorageError(
                    "PostgreSQL at \(configuration) cannot be reached for the store's \(role): \(PostgresErrorText.describe(error))")
            }
        }
        connecting = task
        defer { connecting = nil }
        do {
            let connection = try await task.value
            if closed {
                try? await connection.close()
                throw StorageError("the alert store is closed")
            }
            current = connection
            logger.debug("connected to PostgreSQL", metadata: ["role": "\(role)", "server": "\(configuration)"])
            return connection
        } catch {
            logger.warning(
                "PostgreSQL unreachable", metadata: ["role": "\(role)", "server": "\(configuration)", "error": "\(error)"])
            throw error
        }
    }

    /// Drops `connection` after an error: the next call connects again.
    func discard(_ connection: PostgresConnection) async {
        guard current === connection else { return }
        current = nil
        try? await connection.close()
    }

    func close() async {
        closed = true
        if let current {
            self.current = nil
            try? await current.close()
        }
    }

    /// Connection ids, which postgres-nio logs.
    final class IDGenerator: Sendable {
        private let last = Atomic<Int>(0)
        func next() -> Int { last.wrappingAdd(1, ordering: .relaxed).newValue }
    }
}

/// Runs `body` on `connection`, closing the connection if `body` has not finished within `timeout`: a database that
/// stopped answering without closing the connection (a network partition, a frozen server) fails the operation
/// with an error, so publishers are answered, instead of holding it for ever.
@discardableResult
func withDeadline<T>(
    _ timeout: Duration, on connection: PostgresConnection, logger: Logger, what: String, _ body: () async throws -> T
) async throws -> T {
    let watchdog = Task {
        try await Task.sleep(for: timeout)
        logger.error(
            "PostgreSQL did not answer in time; closing the connection", metadata: ["operation": "\(what)", "timeout": "\(timeout)"])
        try? await connection.close()
    }
    defer { watchdog.cancel() }
    return try await body()
}

/// Turns postgres-nio's errors into sentences: its `description` hides the server's message on purpose (it may
/// hold data), but an operator needs it to know what went wrong.
enum PostgresErrorText {
    /// Whether `error` says the connection failed (rather than the server refusing a statement).
    static func isConnectionError(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.code != .server }
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].compactMap { $0 }.contains { isConnectionError($0) }
        }
        return !(error is StorageError)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            var text = "\(error.code)"
            if let message = error.serverInfo?[.message] {
                text += ": " + message
                if let state = error.serverInfo?[.sqlState] { text += " (SQLSTATE \(state))" }
            }
            if let underlying = error.underlying { text += ": \(underlying)" }
            return text
        }
        if let error = error as? PostgresTransactionError {
            for part in [error.beginError, error.closureError, error.commitError].compactMap({ $0 }) {
                return describe(part)
            }
        }
        if let error = error as? StorageError { return error.message }
        return "\(error)"
    }
}
