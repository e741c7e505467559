import Foundation
import Synchronization

@testable import HeraldCore
@testable import HeraldStore

/// The alert stores a test opens, in one temporary folder: every one is closed (its writer thread ends) and the
/// folder removed when the test ends, whether it passed or threw.
final class TemporaryStores: Sendable {
    let folder: URL
    private let opened = Mutex<[SQLiteAlertStore]>([])

    /// The log file every ``open()`` opens: reopening it is how tests see what survived.
    var path: String { folder.appendingPathComponent("alerts.sqlite").path }

    private init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Opens (or reopens) the store at ``path``.
    func open(commitDelay: Duration = .milliseconds(1)) throws -> SQLiteAlertStore {
        let store = try SQLiteAlertStore(path: path, commitDelay: commitDelay)
        opened.withLock { $0.append(store) }
        return store
    }

    /// Runs `body`, then closes every store it opened and removes the folder.
    static func with<T>(_ body: (TemporaryStores) async throws -> T) async throws -> T {
        let stores = try TemporaryStores()
        do {
            let result = try await body(stores)
            await stores.dispose()
            return result
        } catch {
            await stores.dispose()
            throw error
        }
    }

    private func dispose() async {
        // Closing twice is fine: a test may have closed a store itself to reopen the file.
        for store in opened.withLock({ $0 }) { await store.close() }
        try? FileManager.default.removeItem(at: folder)
    }
}
