import HeraldArticle
import HeraldCore
import HeraldProtocol
import HeraldStore
import NIOCore

/// `PUB` and `ARTICLE`, pipelined: each article is submitted as it is read and answered from its commit callback,
/// in the order sent (PROTOCOL.md, "Pipelining").
extension Session {
    /// Submits an article and returns to reading without waiting for the commit: the `ok` (or a storage error)
    /// is queued by the ticket's callback once the article and its alerts are durable and pushed to subscribers,
    /// so a publisher that is also subscribed still finds its alerts before the `ok`. Pipelining is what lets
    /// one busy publisher share group commits, and subscribers receive many alerts per write.
    mutating func publish(_ article: Article, form: PublishForm, ref: String?) async -> Next {
        let outcome: PublishOutcome
        let ticket: CommitTicket?
        let metrics = context.statistics.metrics
        let started = ContinuousClock.now
        do {
            (outcome, ticket) = try await context.engine.submit(article)
        } catch {
            await settle()
            logger.error("storing an article failed", metadata: ["error": "\(error)"])
            return reject(Self.storageFailed(error), command: form.rawValue, ref: ref)
        }
        let submitted = ContinuousClock.now
        ServerMetrics.record(submitted - started, on: metrics.matchTime)
        logger.info(
            "article published",
            metadata: [
                "command": "\(form.rawValue)", "article": "\(outcome.articleID)", "duplicate": "\(outcome.duplicate)",
                "alerts": "\(outcome.alerts.count)", "lines": "\(outcome.lineCount)",
            ])
        guard let ticket else {
            // A duplicate stores nothing: answered now, after the articles before it.
            context.statistics.published(duplicate: true, alerts: 0, linesQueued: 0)
            await settle()
            return send(Self.published(outcome, duplicateOf: nil, form: form, ref: ref))
        }
        let handle = self.handle
        let statistics = context.statistics
        let grace = context.slowConsumerGracePeriod
        let logger = self.logger
        ticket.onDurable { error in
            ServerMetrics.record(ContinuousClock.now - submitted, on: metrics.commitTime)
            if let error {
                logger.error("storing an article failed", metadata: ["error": "\(error)"])
                let failure = Self.storageFailed(error)
                statistics.error(failure.code)
                handle.send(ServerMessage.error(failure, command: form.rawValue, ref: ref), slowConsumerGrace: grace)
            } else {
                // The ids are the store's, given at commit; the store may also have found the content already held.
                // Read from the ticket and the lines' cells: this runs on the store's writer thread, which should
                // not compose the lines' JSON again (PublishOutcome.resolved does, for callers that want them).
                let duplicateOf = ticket.duplicateOf
                statistics.published(
                    duplicate: duplicateOf != nil, alerts: duplicateOf == nil ? outcome.alerts.count : 0, linesQueued: 0)
                handle.send(Self.published(outcome, duplicateOf: duplicateOf, form: form, ref: ref), slowConsumerGrace: grace)
            }
        }
        inFlight.append(ticket)
        if inFlight.count > Self.maximumPipelinedArticles, let oldest = inFlight.popFirst() {
            try? await oldest.durable()
        }
        return handle.isClosing ? .stop : .read
    }

    /// Waits until every pipelined article has been answered, so the next reply comes after their `ok`s.
    mutating func settle() async {
        guard let newest = inFlight.last else { return }
        // Tickets resolve in submission order: the newest being durable means all are, and all were answered.
        try? await newest.durable()
        inFlight.removeAll(keepingCapacity: true)
    }

    static func storageFailed(_ error: any Error) -> ProtocolError {
        ProtocolError(.storageFailed, "the alert log could not store this article (\(error)); nothing was sent, retry")
    }

    /// The `ok` for a published article; `duplicateOf` when the store found its content already held at commit.
    private static func published(_ outcome: PublishOutcome, duplicateOf: String?, form: PublishForm, ref: String?) -> ByteBuffer {
        let duplicate = outcome.duplicate || duplicateOf != nil
        let alertIDs = duplicate ? [] : outcome.alertIDs
        let lines = duplicate ? 0 : outcome.lineCount
        return ServerMessage.ok(form.rawValue, ref: ref) { writer in
            writer.string("article", duplicateOf ?? outcome.articleID)
            writer.string("content_id", outcome.contentID)
            writer.bool("duplicate", duplicate)
            writer.int("alerts", alertIDs.count)
            writer.beginArray("alert_ids")
            for id in alertIDs { writer.uint(nil, id) }
            writer.endArray()
            if lines > alertIDs.count {
                // Repeats inside a dedup window and throttle notices: stored and pushed, not new alerts.
                writer.int("other_lines", lines - alertIDs.count)
            }
        }
    }
}
