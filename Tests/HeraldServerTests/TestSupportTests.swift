import Foundation
import HeraldStore
import Synchronization
import HeraldCore
import Testing

/// The test harness cleans up after itself: every store a test server used is closed (its writer thread ends)
/// and its folder removed, so a test run leaves no thread or folder behind.
@Suite("Test harness hygiene", .timeLimit(.minutes(1)))
struct TestSupportTests {
    @Test("TestServer.run closes the server's alert store once the server has stopped")
    func storeClosed() async throws {
        let captured = CapturedStore()
        try await TestServer.run { server in captured.set(server.engine.store) }
        let store = try #require(captured.store)
        await #expect(throws: StorageError.self) { try await store.submit(article: nil, entries: []).durable() }
        let path = try #require((store as? SQLiteAlertStore)?.path)
        #expect(!FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path))
    }

    @Test("the store is closed and removed when the test body fails, too")
    func storeClosedOnFailure() async throws {
        struct Expected: Error {}
        let captured = CapturedStore()
        await #expect(throws: Expected.self) {
            try await TestServer.run { server in
                captured.set(server.engine.store)
                throw Expected()
            }
        }
        let store = try #require(captured.store)
        await #expect(throws: StorageError.self) { try await store.submit(article: nil, entries: []).durable() }
    }

    @Test("TestEngine.with disposes of its engine")
    func engineWith() async throws {
        let store = try await TestEngine.with(.empty) { $0.store }
        await #expect(throws: StorageError.self) { try await store.submit(article: nil, entries: []).durable() }
    }
}

final class CapturedStore: Sendable {
    private let box = Mutex<(any AlertStore)?>(nil)
    var store: (any AlertStore)? { box.withLock { $0 } }
    func set(_ store: any AlertStore) { box.withLock { $0 = store } }
}
