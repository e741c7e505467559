import HeraldCore
import HeraldProtocol
import HeraldStore
import Logging
import NIOCore
import NIOSSL

/// One connection's protocol state and command handling, owned by the task that reads the connection.
///
/// Every reply goes through the connection's ``Outbox``, in order; alerts from other publishers interleave
/// between replies but never inside one.
struct Session: Sendable {
    let handle: SessionHandle
    let context: SessionContext
    var logger: Logger
    private(set) var subscriptions: SubscriptionSet
    /// What this connection may do; grows with `AUTH`. Without `publish`, its lines are limited to
    /// ``maximumLineBytesWithoutPublish`` as they are framed.
    var roles: [Role] {
        didSet { applyLineLimit() }
    }
    /// The framer's limit for this connection (`nil` in unit tests without a channel).
    private let lineLimit: LineLimit?
    /// The token's or client certificate's name, for logs and `CLIENTS`.
    var name: String?
    /// The client's IP address: what failed `AUTH` attempts are counted by.
    let address: String
    /// The `ARTICLE` block being collected, if one is open.
    private var article: ArticleCollector?
    /// The publish rate limit; `nil` when publishing is unlimited.
    private var publishTokens: TokenBucket?
    /// Whether an article was published on this connection: a publisher is not idle-timed-out.
    private var hasPublished = false
    /// Articles submitted and not yet durable, oldest first. Their `ok`s are sent from the store's commit callback
    /// in order; any other reply first waits for these (``settle()``), so replies never overtake each other.
    var inFlight = CircularBuffer<CommitTicket>()
    /// How many articles one connection may have in flight before reading waits (TCP pushes back on the client).
    /// Large enough that a slow fsync is shared by many articles rather than throttling a busy publisher.
    static let maximumPipelinedArticles = 512
    /// The longest line a connection without the publish role may send: longer ones are refused without being
    /// read (no command but an article needs more than a few kilobytes).
    static let maximumLineBytesWithoutPublish = 64 << 10

    init(
        handle: SessionHandle, context: SessionContext, roles: [Role], name: String?, address: String,
        lineLimit: LineLimit? = nil, logger: Logger
    ) {
        self.lineLimit = lineLimit
        self.handle = handle
        self.context = context
        self.roles = roles
        self.name = name
        self.address = address
        self.logger = logger
        self.subscriptions = SubscriptionSet(limit: context.maximumSubscriptions)
        if context.publishRate > 0 {
            publishTokens = TokenBucket(rate: context.publishRate, capacity: Double(context.publishBurst), now: context.publishClock())
        }
        applyLineLimit()
    }

    private func applyLineLimit() {
        lineLimit?.set(
            roles.contains(.publish)
                ? context.maximumLineBytes : min(context.maximumLineBytes, Self.maximumLineBytesWithoutPublish))
    }

    /// Whether to keep reading after a line.
    enum Next: Sendable {
        case read
        case stop
    }

    /// Handles one inbound event; `.stop` once the session is over (the reason is recorded and the outbox closed).
    mutating func handle(_ event: InboundEvent) async -> Next {
        switch event {
        case .line(let line):
            return await receive(line)
        case .skippedLine(let bytes):
            guard !handle.isClosing else { return .stop }
            handle.noteActivity()
            return refuseLongLine(bytes: bytes)
        case .end:
            if article != nil {
                logger.debug("connection ended inside an ARTICLE block; the block was discarded")
            }
            // `printf 'PUB …\n' | client` closes its side at once: its articles are still answered.
            await settle()
            handle.close(reason: .clientClosed, grace: context.closeGracePeriod)
        case .failure(let error):
            switch error {
            case is LineTooLongError, is ByteToMessageDecoderError.PayloadTooLargeError:
                await settle()
                closeForLongLine()
            case NIOSSLError.uncleanShutdown:
                handle.close(reason: .uncleanShutdown, grace: context.closeGracePeriod)
            default:
                logger.debug("connection error", metadata: ["error": "\(error)"])
                handle.close(reason: .connectionError, grace: context.closeGracePeriod)
            }
        }
        return .stop
    }

    /// A line too long for a connection without the publish role, dropped unread.
    private func refuseLongLine(bytes: Int) -> Next {
        reject(
            ProtocolError(
                .forbidden,
                "a line of \(bytes) bytes was ignored unread: lines over \(Self.maximumLineBytesWithoutPublish) bytes "
                    + "are articles, which need the publish role"
                    + (context.auth == nil ? "" : "; AUTH with a token that has it")),
            command: nil, ref: nil)
    }

    private func closeForLongLine() {
        let error = ProtocolError(
            .lineTooLong, "a line was longer than \(context.maximumLineBytes) bytes; closing the connection")
        context.statistics.error(error.code)
        handle.close(reason: .lineTooLong, finalLine: ServerMessage.error(error), grace: context.closeGracePeriod)
    }

    /// Handles one line (without its terminator).
    mutating func receive(_ line: ByteBuffer) async -> Next {
        guard !handle.isClosing else { return .stop }
        // Any complete line is activity (a partial one never gets here): a half-sent line cannot keep a
        // connection alive, but a PING or a slowly typed ARTICLE does.
        if line.readableBytes > 0 { handle.noteActivity() }
        if var collector = article {
            // Taken out while it grows, so its buffer stays uniquely referenced and is not copied on every line.
            article = nil
            guard case .complete(let result) = collector.feed(line) else {
                article = collector
                return .read
            }
            switch result {
            case .success(let text):
                do {
                    let parsed = try context.parser.article(text: text)
                    return await execute(Request(.publish(parsed, form: .article)))
                } catch {
                    return reject(error, command: "article", ref: nil)
                }
            case .failure(let error):
                return reject(error, command: "article", ref: nil)
            }
        }
        // Roles first: a connection that may not publish gets its refusal before any article is parsed or hashed.
        // Only articles need long lines, so its long lines are refused unread, whatever they hold.
        let mayPublish = roles.contains(.publish)
        if !mayPublish, line.readableBytes > Self.maximumLineBytesWithoutPublish {
            return refuseLongLine(bytes: line.readableBytes)
        }
        guard let text = String(validating: line.readableBytesView, as: UTF8.self) else {
            return reject(
                ProtocolError(.invalidUTF8, "the line is not valid UTF-8 (\(line.readableBytes) bytes); it was ignored"),
                command: nil, ref: nil)
        }
        let request: Request?
        do {
            request = try context.parser.parse(text, mayPublish: mayPublish)
        } catch {
            return reject(error, command: nil, ref: nil)
        }
        guard let request else { return .read }
        return await execute(request)
    }

    private mutating func execute(_ request: Request) async -> Next {
        if case .publish = request.command {
            // Pipelined: answered from the commit callback, in order with the articles before it.
        } else {
            await settle()
        }
        let next = await perform(request)
        handle.noteEngaged(subscriptions.count > 0 || hasPublished)
        handle.noteSubscribed(subscriptions.count > 0)
        return next
    }

    private mutating func perform(_ request: Request) async -> Next {
        let command = request.command
        let ref = request.ref
        logger.debug("command", metadata: ["command": "\(command.verb)"])
        if let role = command.requiredRole, !roles.contains(role) {
            return forbidden(command, role: role, ref: ref)
        }
        switch command {
        case .auth(let token):
            return await authenticate(token, ref: ref)
        case .reload, .stats, .clients, .kick, .silence, .unsilence, .listSilences, .rule:
            return await administer(command, ref: ref)
        case .subscribe(let subscription):
            return await subscribe(subscription, ref: ref)
        case .unsubscribe(let patterns):
            let removed = subscriptions.remove(patterns)
            context.broker.update(handle.id, subscriptions: subscriptions)
            return send(
                ServerMessage.ok("unsub", ref: ref) { writer in
                    writer.strings("removed", removed)
                    writer.int("subscriptions", subscriptions.count)
                })
        case .listSubscriptions:
            return send(
                ServerMessage.ok("subs", ref: ref) { writer in
                    writer.beginArray("subscriptions")
                    for subscription in subscriptions.subscriptions {
                        writer.beginObject()
                        writer.string("rules", subscription.glob.pattern)
                        writer.optionalString("severity", subscription.minimumSeverity?.name)
                        writer.optionalString("tag", subscription.tag)
                        writer.endObject()
                    }
                    writer.endArray()
                })
        case .listRules:
            let rules = await context.engine.ruleSummaries()
            return send(
                ServerMessage.ok("rules", ref: ref) { writer in
                    writer.int("count", rules.count)
                    writer.beginArray("rules")
                    for rule in rules {
                        writer.beginObject()
                        writer.string("id", rule.id)
                        writer.string("title", rule.title)
                        writer.string("severity", rule.severity)
                        writer.strings("tags", rule.tags)
                        writer.endObject()
                    }
                    writer.endArray()
                })
        case .ping(let token):
            return send(ServerMessage.pong(token: token, ref: ref))
        case .quit:
            handle.close(
                reason: .quit, finalLine: ServerMessage.bye(reason: "quit", message: "goodbye", ref: ref),
                grace: context.closeGracePeriod)
            return .stop
        case .help(let topic):
            return help(topic: topic, ref: ref)
        case .publish(let article, let form):
            if let wait = publishTokens?.take(now: context.publishClock()) {
                await settle()
                return reject(Self.rateLimited(wait, rate: context.publishRate), command: form.rawValue, ref: ref)
            }
            hasPublished = true
            return await publish(article, form: form, ref: ref)
        case .unparsedPublish:
            // Refused by the role check above; never reaches here with the role.
            return forbidden(command, role: .publish, ref: ref)
        case .beginArticle:
            article = ArticleCollector(maximumBytes: context.maximumArticleBytes)
            return .read
        }
    }

    private mutating func subscribe(_ request: SubscriptionRequest, ref: String?) async -> Next {
        let filters = request.globs.map { Subscription(glob: $0, minimumSeverity: request.minimumSeverity, tag: request.tag) }
        let accepts: (AlertFacts) -> Bool = { facts in filters.contains { $0.matches(facts) } }
        // A replay is checked before the subscription exists, so a refused one leaves nothing behind.
        var cursor: UInt64?
        if let start = request.replay {
            do {
                switch try await replayCursor(start, matches: accepts) {
                case .success(let found): cursor = found
                case .failure(let error): return reject(error, command: "sub", ref: ref)
                }
            } catch {
                return reject(ProtocolError(.storageFailed, "the alert log could not be read: \(error)"), command: "sub", ref: ref)
            }
        }
        var added = subscriptions
        do {
            try added.add(request)
        } catch {
            return reject(error, command: "sub", ref: ref)
        }
        subscriptions = added
        // Hold live lines before the new subscription can match any, so the replay and the live stream meet exactly.
        if cursor != nil { context.broker.beginHold(handle.id) }
        context.broker.update(handle.id, subscriptions: subscriptions)
        // Naming the loaded rules whose alerts would pass these filters catches typos at once: "SUB cn-us-ai-teams"
        // or "SUB * tag=chian" match none. Alerts carry their rule's severity and tags, so this is exact.
        let rules = await context.engine.ruleSummaries()
        let matching = rules.filter { accepts(AlertFacts(rule: $0.id, severity: $0.severity, tags: $0.tags)) }.map(\.id)
        // A subscription that starts inside a silence hears about it now, not by alerts failing to arrive.
        let silenced = context.broker.activeSilences().filter { silence in
            request.globs.contains { SubscriptionSet.overlap($0, silence.glob) }
        }.map(\.id)
        let next = send(
            ServerMessage.ok("sub", ref: ref) { writer in
                writer.strings("rules", request.globs.map(\.pattern))
                writer.optionalString("severity", request.minimumSeverity?.name)
                writer.optionalString("tag", request.tag)
                writer.strings("matching_rules", matching)
                if !silenced.isEmpty { writer.strings("silenced_by", silenced) }
                writer.int("subscriptions", subscriptions.count)
                if let cursor { writer.uint("replay_after", cursor) }
            })
        guard let cursor, next == .read else { return next }
        do {
            let (sent, through) = try await replay(after: cursor, matches: accepts)
            // The marker goes before the held live lines: everything after it is live.
            let marker = ServerMessage.line(type: "replayed", ref: ref) { writer in
                writer.int("count", sent)
                writer.uint("after", cursor)
                writer.uint("through", through)
            }
            _ = send(marker)
            context.broker.endHold(handle.id, replayedThrough: through, replayed: filters)
            logger.info("replayed", metadata: ["after": "\(cursor)", "through": "\(through)", "lines": "\(sent)"])
        } catch {
            context.broker.endHold(handle.id, replayedThrough: cursor, replayed: [])
            return reject(
                ProtocolError(.storageFailed, "the replay failed part-way (\(error)); the subscription is live"),
                command: "sub", ref: ref)
        }
        return .read
    }

    private func help(topic: String?, ref: String?) -> Next {
        var entries = HelpText.entries
        if let topic {
            entries = entries.filter { $0.verb == topic }
            guard !entries.isEmpty else {
                return reject(CommandParser.unknownCommand(topic), command: "help", ref: ref)
            }
        }
        return send(
            ServerMessage.ok("help", ref: ref) { writer in
                writer.beginArray("commands")
                for entry in entries {
                    writer.beginObject()
                    writer.string("usage", entry.usage)
                    writer.string("summary", entry.summary)
                    writer.endObject()
                }
                writer.endArray()
                writer.string("notes", HelpText.notes)
            })
    }

    private func forbidden(_ command: Command, role: Role, ref: String?) -> Next {
        logger.notice(
            "command forbidden",
            metadata: [
                "command": "\(command.verb)", "needed_role": "\(role.rawValue)",
                "roles": "\(roles.map(\.rawValue).joined(separator: ","))", "name": "\(name ?? "-")",
            ])
        let hint = context.auth == nil ? "" : "; AUTH with a token that has it"
        return reject(
            ProtocolError(
                .forbidden, "\(command.verb.uppercased()) needs the \(role.rawValue) role, which this connection lacks\(hint)"),
            command: command.verb, ref: ref)
    }

    /// The refusal of an article over the publish rate; the article is not processed, and the client is told.
    private static func rateLimited(_ wait: TimeAmount, rate: Double) -> ProtocolError {
        let milliseconds = max(1, Int((Double(wait.nanoseconds) / 1e6).rounded(.up)))
        let perSecond = rate.rounded() == rate ? "\(Int(rate))" : "\(rate)"
        return ProtocolError(
            .rateLimited,
            "over the publish rate of \(perSecond) articles a second; the article was not processed, "
                + "send it again in \(milliseconds) ms",
            retryAfterMilliseconds: milliseconds)
    }

    /// Sends an `error` line; the session goes on.
    func reject(_ error: ProtocolError, command: String?, ref: String?) -> Next {
        context.statistics.error(error.code)
        logger.debug(
            "command rejected", metadata: ["code": "\(error.code.rawValue)", "command": "\(command ?? "-")"])
        return send(ServerMessage.error(error, command: command, ref: ref))
    }

    func send(_ line: ByteBuffer) -> Next {
        handle.send(line, slowConsumerGrace: context.slowConsumerGracePeriod) ? .read : .stop
    }
}

extension JSONWriter {
    /// Writes an array of strings.
    mutating func strings(_ key: String, _ values: [String]) {
        beginArray(key)
        for value in values { string(nil, value) }
        endArray()
    }
}
