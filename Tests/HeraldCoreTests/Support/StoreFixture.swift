import Foundation
import HeraldStorePostgres
import Logging
import Synchronization
import Testing

@testable import HeraldStore

/// The alert-store implementations the conformance suite runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// One log of either backend for one test: an SQLite file in a temporary folder, or a new database in the test
/// PostgreSQL server. ``open()`` opens (or reopens) a store on it; every store opened is closed, and the folder
/// removed, when the test ends, whether it passed or threw.
final class StoreFixture: Sendable {
    let backend: Backend
    private let sqlite: TemporaryStores?
    /// The PostgreSQL database, for `.postgres`.
    let postgres: PostgresStoreConfiguration?
    private let opened = Mutex<[any AlertStore]>([])

    private init(backend: Backend, sqlite: TemporaryStores?, postgres: PostgresStoreConfiguration?) {
        self.backend = backend
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// A logger for PostgreSQL stores in tests: warnings and worse, to standard error.
    static let logger: Logger = {
        var logger = Logger(label: "herald.test.store")
        logger.logLevel = .warning
        return logger
    }()

    /// Opens (or reopens) a store on this test's log: with two stores open on one PostgreSQL database, they are two
    /// nodes of one cluster.
    func open() async throws -> any AlertStore {
        let store: any AlertStore
        if let sqlite {
            store = try sqlite.open()
        } else if let postgres {
            store = try await PostgresAlertStore(configuration: postgres, logger: Self.logger)
        } else {
            preconditionFailure("a fixture has a backend")
        }
        opened.withLock { $0.append(store) }
        return store
    }

    static func with<T>(_ backend: Backend, _ body: (StoreFixture) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite:
            return try await TemporaryStores.with { stores in
                let fixture = StoreFixture(backend: backend, sqlite: stores, postgres: nil)
                return try await fixture.run(body)
            }
        case .postgres:
            let cluster = try await PostgresTestCluster.start()
            let fixture = StoreFixture(backend: backend, sqlite: nil, postgres: try await cluster.makeDatabase())
            return try await fixture.run(body)
        }
    }

    private func run<T>(_ body: (StoreFixture) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            await dispose()
            return result
        } catch {
            await dispose()
            throw error
        }
    }

    private func dispose() async {
        for store in opened.withLock({ $0 }) { await store.close() }
    }
}

extension NewLogEntry {
    /// A test line `{"id":<its id>,"rule":"…"}`, plus `"of":<other>` when it names another line.
    static func test(
        _ rule: String, at date: Date = Date(), kind: LogEntry.Kind = .alert, dedupKey: String? = "k", of other: IDReference? = nil
    ) -> NewLogEntry {
        let prefix = Array(#"{"id":"#.utf8)
        var bytes = prefix
        var slots = [LineTemplate.Slot(offset: prefix.count, id: .own)]
        if let other {
            bytes += Array(#","of":"#.utf8)
            slots.append(LineTemplate.Slot(offset: bytes.count, id: other))
        }
        bytes += Array(#","rule":"\#(rule)"}"#.utf8)
        return NewLogEntry(
            kind: kind, rule: rule, severity: "high", tags: ["a", "b"], createdAt: date, line: LineTemplate(bytes: bytes, slots: slots),
            dedupKey: dedupKey)
    }
}
