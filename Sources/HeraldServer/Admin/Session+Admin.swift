import Foundation
import HeraldCore
import HeraldProtocol
import HeraldStore
import Logging
import NIOCore

/// `AUTH` and the admin commands. The role check happens before any of these run (see `Session.execute`).
extension Session {
    /// `AUTH <token>`: adds the token's roles to the connection's.
    ///
    /// After repeated failures from the client's address, the token is checked only after a delay (see
    /// ``AuthThrottle``); commands sent after it on this connection wait for its answer, as replies stay in order.
    /// Failures are not logged one by one: the server logs a summary per interval.
    mutating func authenticate(_ token: String, ref: String?) async -> Next {
        guard let auth = context.auth else {
            return reject(
                ProtocolError(.authFailed, "this server has no authentication configured; loopback clients have every role"),
                command: "auth", ref: ref)
        }
        let delay = context.authThrottle.delay(for: address)
        if delay > .zero {
            if let authDelay = context.authDelay { await authDelay(delay) } else { await handle.pause(delay) }
            guard !handle.isClosing else { return .stop }
        }
        guard let entry = auth.authenticate(token: token) else {
            let failures = context.authThrottle.recordFailure(from: address)
            let next = context.authThrottle.policy.delay(afterFailures: failures)
            var message = "unknown token"
            if next > .zero {
                message += "; after \(failures) failed attempts from \(address), each AUTH from it is answered after a "
                    + "delay (next: \(IdleWatchdog.describe(next)))"
            }
            return reject(ProtocolError(.authFailed, message), command: "auth", ref: ref)
        }
        roles = Array(Set(roles).union(entry.roles)).sorted()
        name = entry.name
        logger[metadataKey: "name"] = "\(entry.name)"
        logger[metadataKey: "roles"] = "\(roles.map(\.rawValue).joined(separator: ","))"
        context.broker.update(handle.id, roles: roles, name: entry.name)
        logger.info("authenticated", metadata: ["token": "\(entry.name)"])
        let roles = self.roles
        return send(
            ServerMessage.ok("auth", ref: ref) { writer in
                writer.string("name", entry.name)
                writer.strings("roles", roles.map(\.rawValue))
            })
    }

    /// The admin commands.
    func administer(_ command: Command, ref: String?) async -> Next {
        let admin = name ?? "connection \(handle.id)"
        logger.info("admin command", metadata: ["command": "\(command.verb)"])
        switch command {
        case .reload:
            let outcome = await context.reload()
            // In a cluster every node reloads (each from its own rule folder), whatever became of this one.
            let others = outcome == nil ? nil : await context.reloadOthers()
            return reload(outcome, othersAsked: others, ref: ref)
        case .stats:
            let members = await context.clusterMembers()
            return send(
                adminOK("stats", ref: ref) { writer in
                    StatsReport(
                        statistics: context.statistics.snapshot, byRole: context.broker.connectionsByRole()
                    ).write(to: &writer)
                    if let members {
                        // Every node heard from lately, as it last announced itself.
                        writer.beginArray("cluster")
                        for member in members {
                            writer.beginObject()
                            writer.string("node", member.name)
                            writer.string("seen_at", Silence.format(member.seenAt))
                            writer.raw("state", member.state)
                            writer.endObject()
                        }
                        writer.endArray()
                    }
                })
        case .clients:
            return clients(ref: ref)
        case .kick(let id):
            guard id != handle.id else {
                return reject(ProtocolError(.badArguments, "KICK names another connection; use QUIT to leave"), command: "kick", ref: ref)
            }
            guard context.broker.kick(id, by: admin, grace: context.closeGracePeriod) else {
                return reject(ProtocolError(.notFound, "no connection \(id); CLIENTS lists them"), command: "kick", ref: ref)
            }
            logger.notice("kicked a connection", metadata: ["kicked": "\(id)"])
            return send(adminOK("kick", ref: ref) { $0.uint("connection", id) })
        case .silence(let glob, let seconds, let reason):
            // Kept by the store first, so that every node of a cluster holds it (and a restart keeps it).
            let now = Date()
            let record: SilenceRecord
            do {
                record = try await context.engine.store.addSilence(
                    SilenceRecord(
                        rules: glob.pattern, reason: reason, createdBy: admin, startsAt: now,
                        endsAt: now.addingTimeInterval(Double(seconds))))
            } catch {
                logger.error("cannot store a silence", metadata: ["error": "\(error)"])
                return reject(
                    ProtocolError(.storageFailed, "the silence was not started: the store could not keep it (\(error))"),
                    command: "silence", ref: ref)
            }
            let silence = Silence(record)
            context.broker.startSilence(silence)
            logger.notice("silence started", metadata: ["silence": "\(silence.id)", "rules": "\(glob.pattern)"])
            return send(adminOK("silence", ref: ref) { silence.write(to: &$0) })
        case .unsilence(let id):
            let notFound = ProtocolError(.notFound, "no active silence \(id); SILENCES lists them")
            guard let number = Silence.number(id) else { return reject(notFound, command: "unsilence", ref: ref) }
            let ended: SilenceRecord?
            do {
                ended = try await context.engine.store.endSilence(id: number, endedBy: admin, now: Date())
            } catch {
                logger.error("cannot end a silence in the store", metadata: ["error": "\(error)"])
                return reject(
                    ProtocolError(.storageFailed, "the silence was not ended: the store could not record it (\(error))"),
                    command: "unsilence", ref: ref)
            }
            guard let ended else { return reject(notFound, command: "unsilence", ref: ref) }
            let silence = context.broker.removeSilence(Silence.id(of: ended), by: admin) ?? Silence(ended)
            logger.notice("silence ended", metadata: ["silence": "\(silence.id)"])
            return send(adminOK("unsilence", ref: ref) { silence.write(to: &$0) })
        case .listSilences:
            // The store is the truth in a cluster: a silence another node started a moment ago is listed even
            // before its notification reaches this node.
            do {
                try await context.broker.syncSilences(from: context.engine.store)
            } catch {
                logger.warning("cannot read the silences from the store; listing those held", metadata: ["error": "\(error)"])
            }
            let silences = context.broker.activeSilences()
            return send(
                adminOK("silences", ref: ref) { writer in
                    writer.beginArray("silences")
                    for silence in silences {
                        writer.beginObject()
                        silence.write(to: &writer)
                        writer.endObject()
                    }
                    writer.endArray()
                })
        case .rule(let id):
            guard let rule = await context.engine.ruleDetail(id) else {
                return reject(ProtocolError(.notFound, "no rule '\(id)'; RULES lists them"), command: "rule", ref: ref)
            }
            let matches = context.statistics.snapshot.alertsByRule[rule.id] ?? 0
            return send(
                adminOK("rule", ref: ref) { writer in
                    writer.string("id", rule.id)
                    writer.string("title", rule.title)
                    writer.string("severity", rule.severity)
                    writer.strings("tags", rule.tags)
                    writer.string("location", rule.location)
                    writer.string("source", rule.source)
                    writer.beginObject("counters")
                    writer.int("alerts", matches)
                    writer.endObject()
                })
        default:
            return .read
        }
    }

    /// An admin command's `ok`; a node of a cluster says which one answered (`"node"`, last).
    private func adminOK(_ command: String, ref: String?, _ body: (inout JSONWriter) -> Void = { _ in }) -> ByteBuffer {
        let node = context.nodeName
        return ServerMessage.ok(command, ref: ref) { writer in
            body(&writer)
            writer.optionalString("node", node)
        }
    }

    private func reload(_ outcome: ReloadOutcome?, othersAsked: Int?, ref: String?) -> Next {
        switch outcome {
        case nil:
            return reject(ProtocolError(.reloadFailed, "this server was started without a rule folder to reload"), command: "reload", ref: ref)
        case .failed(let diagnostics):
            let (errors, warnings) = diagnostics.counts
            return send(
                ServerMessage.line(type: "error", ref: ref) { writer in
                    writer.string("code", ErrorCode.reloadFailed.rawValue)
                    writer.string("message", "the rules have \(diagnostics.summary); the old rules stay loaded")
                    writer.string("command", "reload")
                    writer.int("errors", errors)
                    writer.int("warnings", warnings)
                    writer.strings("diagnostics", diagnostics.map(\.text))
                    if let othersAsked { writer.int("other_nodes_asked", othersAsked) }
                    writer.optionalString("node", context.nodeName)
                })
        case .reloaded(let change):
            return send(
                adminOK("reload", ref: ref) { writer in
                    writer.string("hash", change.hash)
                    writer.int("rules", change.ruleCount)
                    writer.strings("added", change.added)
                    writer.strings("removed", change.removed)
                    writer.strings("changed", change.changed)
                    writer.strings("lists_changed", change.listsChanged)
                    if let digest = change.backtest { Self.write(digest, to: &writer) }
                    if let othersAsked { writer.int("other_nodes_asked", othersAsked) }
                })
        }
    }

    private func clients(ref: String?) -> Next {
        for client in context.broker.clients() {
            let line = ServerMessage.line(type: "client", ref: ref) { writer in
                writer.uint("connection", client.id)
                writer.string("peer", client.info.peer)
                writer.strings("roles", client.info.roles.map(\.rawValue))
                writer.optionalString("name", client.info.name)
                writer.strings("subscriptions", client.subscriptions)
                writer.int("queued_bytes", client.queuedBytes)
                writer.string("connected_since", Silence.format(client.info.connectedSince))
            }
            guard send(line) == .read else { return .stop }
        }
        return send(adminOK("clients", ref: ref) { $0.int("count", context.broker.sessionCount) })
    }
}

extension Session {
    /// `"backtest":{"since","articles","complete","rules":{id:{"would_raise","same","new","changed","gone"}}}`.
    static func write(_ digest: BacktestDigest, to writer: inout JSONWriter) {
        writer.beginObject("backtest")
        writer.string("since", Timestamp.iso8601(digest.since))
        writer.int("articles", digest.articles)
        writer.bool("complete", digest.complete)
        writer.beginObject("rules")
        for (rule, counts) in digest.byRule.sorted(by: { $0.key < $1.key }) {
            writer.beginObject(rule)
            writer.int("would_raise", counts.wouldRaise)
            writer.int("same", counts.same)
            writer.int("new", counts.new)
            writer.int("changed", counts.changed)
            writer.int("gone", counts.gone)
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
    }
}
