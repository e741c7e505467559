import HeraldCore
import HeraldStore
import ServiceLifecycle

/// The alert store as a service: it does nothing until the group shuts down, then closes the store.
///
/// Put first in the service group, it is stopped last, after the server and every ingest source (services stop
/// in reverse order), so nothing that is still publishing finds the store closed under it.
public struct StoreService: Service {
    private let store: any AlertStore

    public init(store: any AlertStore) {
        self.store = store
    }

    public func run() async {
        // Returns on graceful shutdown, or throws on cancellation: the store closes either way.
        try? await gracefulShutdown()
        await store.close()
    }
}
