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

/// Runs `body` on `connection` and returns its result, or fails after `timeout` whatever `body` is doing: a database
/// that stopped answering without closing the connection (a network partition, a frozen server) fails the operation
/// with an error, so publishers are answered, instead of holding it for ever. The connection is closed then, so what
/// `body` sent can no longer commit.
///
/// `body` runs in a task of its own and the caller is resumed by whichever ends first, the body or the timer: the
/// caller must not wait for `body` itself, because an await inside postgres-nio that never completes (a query written
/// to a connection just closed under it) would hold it for good. Such a body task is left behind, and logged.
@discardableResult
func withDeadline<T: Sendable>(
    _ timeout: Duration, on connection: PostgresConnection, logger: Logger, what: String,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = DeadlineOutcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            outcome.start(continuation)
            let work = Task {
                do {
                    outcome.finish(.success(try await body()))
                } catch {
                    outcome.finish(.failure(error))
                }
            }
            let timer = Task {
                try await Task.sleep(for: timeout)
                let failure = StorageError("PostgreSQL did not answer within \(timeout) (\(what)); the connection was closed")
                guard outcome.finish(.failure(failure)) else { return }
                logger.error(
                    "PostgreSQL did not answer in time; closing the connection",
                    metadata: ["operation": "\(what)", "timeout": "\(timeout)"])
                work.cancel()
                try? await connection.close()
            }
            outcome.onFinish { timer.cancel() }
        }
    } onCancel: {
        outcome.finish(.failure(CancellationError()))
    }
}

/// The one result of a ``withDeadline(_:on:logger:what:_:)``: the first `finish` resumes the caller, later ones
/// do nothing.
private final class DeadlineOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
        var finished = false
        var onFinish: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            guard state.finished else {
                state.continuation = continuation
                return nil
            }
            return state.result
        }
        if let early { continuation.resume(with: early) }
    }

    /// Resumes the caller with `result` unless that was done already; says whether this call did it.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (continuation, onFinish, first) = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?, Bool) in
            guard !state.finished else { return (nil, nil, false) }
            state.finished = true
            state.result = result
            let continuation = state.continuation
            state.continuation = nil
            return (continuation, state.onFinish, true)
        }
        continuation?.resume(with: result)
        onFinish?()
        return first
    }

    /// Runs `action` once it is finished (at once if it is).
    func onFinish(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            guard !state.finished else { return true }
            state.onFinish = action
            return false
        }
        if now { action() }
    }
}

/// Turns postgres-nio's errors into sentences: its `description` hides the server's message on purpose (it may
/// hold data), but an operator needs it to know what went wrong.
enum PostgresErrorText {
    /// Whether `error` says the connection failed (rather than the server refusing a statement).
    static func isConnectionError(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            guard error.code == .server else { return true }
            // The server ending the session: shutting down (57P01, 57P02), not accepting yet (57P03), or a
            // connection exception (08…). The statement itself was not refused.
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57P") || state.hasPrefix("08")
        }
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
