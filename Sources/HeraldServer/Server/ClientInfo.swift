import Foundation
import HeraldProtocol

/// What `CLIENTS` reports about a connection besides its subscriptions and queue.
struct ClientInfo: Sendable {
    var peer: String
    var roles: [Role]
    /// The token's name or the client certificate's common name, once known.
    var name: String?
    var connectedSince: Date
}
