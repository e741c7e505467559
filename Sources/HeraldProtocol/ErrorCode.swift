/// The machine-readable `code` of an `error` line. Clients switch on these; the message is for people.
public enum ErrorCode: String, Sendable, Hashable, CaseIterable {
    /// The line was not valid UTF-8.
    case invalidUTF8 = "invalid_utf8"
    /// The first word is not a command; the message suggests the nearest one.
    case unknownCommand = "unknown_command"
    /// A command had missing or malformed arguments (e.g. `SUB` with no glob, an unknown severity).
    case badArguments = "bad_arguments"
    /// A JSON line (a JSON command or `PUB`'s argument) did not parse.
    case badJSON = "bad_json"
    /// The article parsed as JSON or text but is not a usable article (missing title and body, binary, …).
    case badArticle = "bad_article"
    /// A `SUB` would take the connection over its subscription limit.
    case tooManySubscriptions = "too_many_subscriptions"
    /// A line exceeded the maximum line length; the connection is closed after this error.
    case lineTooLong = "line_too_long"
    /// An `ARTICLE` block exceeded the maximum article size; the block is discarded.
    case articleTooLarge = "article_too_large"
    /// The connection's outbound queue overflowed; the connection is closed after this error.
    case slowConsumer = "slow_consumer"
    /// The command needs a role this connection does not have.
    case forbidden = "forbidden"
    /// The alert log could not store the article's alerts; nothing was pushed, the publisher may retry.
    case storageFailed = "storage_failed"
    /// A replay asked for alerts older than retention keeps; the message names the oldest id still held.
    case replayUnavailable = "replay_unavailable"
    /// `AUTH` with a token the server does not know, or on a server with no auth configured.
    case authFailed = "auth_failed"
    /// `RELOAD` found errors in the rules; the message lists every diagnostic and the old rules stay loaded.
    case reloadFailed = "reload_failed"
    /// `KICK`, `UNSILENCE` or `RULE` named a connection, silence or rule that does not exist.
    case notFound = "not_found"
    /// The server, or the client's address, has its maximum of connections; the connection is closed.
    case tooManyConnections = "too_many_connections"
    /// The connection sent no command for the idle timeout and holds no subscription; it is closed.
    case idleTimeout = "idle_timeout"
    /// A publisher exceeded its article rate; the article was not processed (`retry_after_ms` says when to retry).
    case rateLimited = "rate_limited"
}

/// An error to report to the client as one `error` line.
public struct ProtocolError: Error, Sendable, Hashable {
    /// The machine-readable code.
    public var code: ErrorCode
    /// A sentence for a person reading the stream.
    public var message: String
    /// For `unknown_command`: the closest real command, when one is close enough.
    public var suggestion: String?
    /// For `bad_article`: the article parser's own reason (`missing_field`, `binary`, …).
    public var reason: String?
    /// For `rate_limited`: how many milliseconds until the command would be accepted.
    public var retryAfterMilliseconds: Int?

    /// Creates an error line's content.
    public init(
        _ code: ErrorCode, _ message: String, suggestion: String? = nil, reason: String? = nil,
        retryAfterMilliseconds: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.suggestion = suggestion
        self.reason = reason
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }
}
