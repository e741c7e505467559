import Foundation
import HeraldCore
import HeraldStore

/// A node of a cluster (``HeraldServerConfiguration/cluster``): it announces its state every few seconds, so that
/// `STATS` on any node lists every node with its rule-set hash, and a `RELOAD` on one node reloads them all.
extension HeraldServer {
    /// How often a node announces itself; `STATS` lists the nodes heard from within three times that.
    static let announceInterval: Duration = .seconds(5)

    /// The broadcast that asks every other node to reload: `reload <origin node>`.
    static func reloadCommand(from node: String) -> String { "reload \(node)" }

    /// Announces this node until cancelled, and reloads when another node's `RELOAD` asks every node to.
    func runClusterMember() async {
        guard let cluster = configuration.cluster, let node = configuration.nodeName else { return }
        cluster.observeCommands { [self] command in
            let words = command.split(separator: " ", maxSplits: 1).map(String.init)
            guard words.first == "reload", words.count == 2, words[1] != node else { return }
            Task {
                logger.notice("reloading the rules: another node's RELOAD asked every node", metadata: ["from": "\(words[1])"])
                _ = await self.reloadRules()
                await self.announce()
            }
        }
        while !Task.isCancelled {
            await announce()
            try? await Task.sleep(for: Self.announceInterval)
        }
    }

    /// Records this node's state in the cluster: version, rule-set hash, connections and counters.
    func announce() async {
        guard let cluster = configuration.cluster, let node = configuration.nodeName else { return }
        let snapshot = statistics.snapshot
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.string("version", configuration.version)
        writer.string("rule_set_hash", snapshot.ruleSetHash)
        writer.int("connections", snapshot.sessionsOpen)
        writer.int("articles_published", snapshot.articlesPublished)
        writer.int("alerts_created", snapshot.alertsCreated)
        writer.string("started_at", Silence.format(snapshot.startedAt))
        writer.endObject()
        do {
            try await cluster.announce(node: node, state: writer.bytes)
        } catch {
            logger.warning("cannot announce this node to the cluster", metadata: ["error": "\(error)"])
        }
    }

    /// After a `RELOAD` here: asks every other node to reload too, and says how many were heard from lately.
    func reloadOtherNodes() async -> Int? {
        guard let cluster = configuration.cluster, let node = configuration.nodeName else { return nil }
        await announce()
        do {
            try await cluster.broadcast(Self.reloadCommand(from: node))
            let seen = TimeInterval(Self.announceInterval.components.seconds * 3)
            return try await cluster.members(seenWithin: seen).filter { $0.name != node }.count
        } catch {
            logger.warning("cannot ask the other nodes to reload", metadata: ["error": "\(error)"])
            return 0
        }
    }

    /// The nodes heard from lately, for `STATS`.
    func clusterMembers() async -> [ClusterNode]? {
        guard let cluster = configuration.cluster else { return nil }
        let seen = TimeInterval(Self.announceInterval.components.seconds * 3)
        return try? await cluster.members(seenWithin: seen)
    }
}
