import Foundation
import HeraldStore
import Logging
import NIOCore
import PostgresNIO

/// The nodes of a cluster in the table `nodes`, and commands to all of them over `NOTIFY herald_control`.
extension PostgresAlertStore: ClusterMembership {
    /// The channel broadcast commands go on.
    public static let controlChannel = "herald_control"
    /// What a node sends on ``controlChannel`` once it added or ended a silence.
    static let silencesChanged = "silences"

    public func announce(node: String, state: [UInt8]) async throws {
        try await read("this node's announcement") { [self] connection in
            _ = try await connection.query(
                """
                INSERT INTO nodes (name, seen_at, state) VALUES (\(node), \(Self.milliseconds(Date())), \(ByteBuffer(bytes: state)))
                ON CONFLICT (name) DO UPDATE SET seen_at = excluded.seen_at, state = excluded.state
                """, logger: logger)
        }
    }

    public func members(seenWithin age: TimeInterval) async throws -> [ClusterNode] {
        let since = Self.milliseconds(Date().addingTimeInterval(-age))
        return try await read("the cluster's nodes") { [self] connection in
            var nodes: [ClusterNode] = []
            for try await (name, seenAt, state) in try await connection.query(
                "SELECT name, seen_at, state FROM nodes WHERE seen_at >= \(since) ORDER BY name", logger: logger
            ).decode((String, Int64, ByteBuffer).self) {
                nodes.append(
                    ClusterNode(name: name, seenAt: Date(timeIntervalSince1970: Double(seenAt) / 1000), state: Array(buffer: state)))
            }
            return nodes
        }
    }

    public func broadcast(_ command: String) async throws {
        try await read("a broadcast") { [self] connection in
            _ = try await connection.query("SELECT pg_notify(\(Self.controlChannel), \(command))", logger: logger)
        }
    }

    public func observeCommands(_ handler: @escaping @Sendable (String) -> Void) {
        commandHandler.withLock { $0 = LockedCallback(handler) }
    }

    /// LISTENs on the control channel for as long as the store is open, reconnecting after a failure.
    func listenForCommands() async {
        while !Task.isCancelled {
            do {
                let connection = try await controlConnection.connection()
                do {
                    try await connection.listen(on: Self.controlChannel) { commands in
                        // Silences another node changed while this one was not listening are read again now.
                        silenceObserver.withLock { $0 }?.call(())
                        for try await command in commands {
                            if command.payload == Self.silencesChanged {
                                silenceObserver.withLock { $0 }?.call(())
                            } else {
                                commandHandler.withLock { $0 }?.call(command.payload)
                            }
                        }
                    }
                } catch {
                    await controlConnection.discard(connection)
                    throw error
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("not listening for cluster commands; reconnecting", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
