import Foundation

/// One node of a cluster as it last described itself.
public struct ClusterNode: Sendable, Hashable {
    public var name: String
    /// When it last announced itself.
    public var seenAt: Date
    /// What it said: a JSON object of its own making (its version, rule-set hash, counters).
    public var state: [UInt8]

    public init(name: String, seenAt: Date, state: [UInt8]) {
        self.name = name
        self.seenAt = seenAt
        self.state = state
    }
}

/// What the nodes sharing a store know of each other: each announces its state every few seconds, any can list
/// them (`STATS` shows the cluster), and any can send every node a command (`RELOAD ALL`). Only a store several
/// nodes share has it (`PostgresAlertStore`).
public protocol ClusterMembership: Sendable {
    /// Records this node's state (a JSON object), seen now.
    func announce(node: String, state: [UInt8]) async throws

    /// The nodes that announced themselves within the last `age` seconds, by name.
    func members(seenWithin age: TimeInterval) async throws -> [ClusterNode]

    /// Sends `command` (a short text) to every node's ``observeCommands(_:)`` handler, this node's included; nodes
    /// not listening at that moment do not get it.
    func broadcast(_ command: String) async throws

    /// Called with each command a node broadcast.
    func observeCommands(_ handler: @escaping @Sendable (String) -> Void)
}
