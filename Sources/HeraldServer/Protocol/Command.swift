import Foundation
import HeraldCore

/// One client command, parsed from a text line or a JSON line.
public enum Command: Sendable, Equatable {
    /// `SUB <rule-glob>… [severity>=LEVEL] [tag=TAG]`: add (or replace) one subscription per glob.
    case subscribe(SubscriptionRequest)
    /// `UNSUB <glob>…`; the single pattern `*` removes every subscription.
    case unsubscribe([String])
    /// `SUBS`: list this connection's subscriptions.
    case listSubscriptions
    /// `RULES`: list the loaded rules.
    case listRules
    /// `PING [token]`: answered by `pong`, echoing the token.
    case ping(token: String?)
    /// `QUIT`: answered by `bye`, then the server closes.
    case quit
    /// `HELP [command]`: the command summary.
    case help(topic: String?)
    /// `PUB <json-article>`, `{"cmd":"pub",…}` or `{"cmd":"article","text":…}`: match an article and fan out alerts.
    case publish(Article, form: PublishForm)
    /// `ARTICLE`: the following lines, up to a line holding a single `.`, are a plain-text article.
    case beginArticle

    /// The lowercase verb echoed as `command` in replies and logged as the `command` metadata.
    public var verb: String {
        switch self {
        case .subscribe: "sub"
        case .unsubscribe: "unsub"
        case .listSubscriptions: "subs"
        case .listRules: "rules"
        case .ping: "ping"
        case .quit: "quit"
        case .help: "help"
        case .publish(_, let form): form.rawValue
        case .beginArticle: "article"
        }
    }

    /// Every verb a client can send, for `HELP` and did-you-mean suggestions.
    public static let verbs = ["sub", "unsub", "subs", "rules", "ping", "quit", "help", "pub", "article"]
}

/// How an article arrived: a JSON article (`PUB`) or plain text (`ARTICLE` block).
public enum PublishForm: String, Sendable, Hashable {
    /// `PUB` or `{"cmd":"pub"}`: a JSON article.
    case pub
    /// An `ARTICLE` block or `{"cmd":"article"}`: plain text.
    case article
}

/// What a `SUB` asks for: one subscription per glob, all sharing the same filters.
public struct SubscriptionRequest: Sendable, Hashable {
    /// Rule-id patterns, in the order given, duplicates removed.
    public var globs: [RuleGlob]
    /// Only alerts at least this severe, when set.
    public var minimumSeverity: SeverityLevel?
    /// Only alerts carrying this tag (case-insensitive), when set.
    public var tag: String?
    /// Replay stored lines before going live, when set (`FROM id`, `FROM LAST n`, `SINCE time`).
    public var replay: ReplayStart?

    /// Creates a request.
    public init(globs: [RuleGlob], minimumSeverity: SeverityLevel? = nil, tag: String? = nil, replay: ReplayStart? = nil) {
        self.globs = globs
        self.minimumSeverity = minimumSeverity
        self.tag = tag
        self.replay = replay
    }
}

/// Where a subscription's replay starts.
public enum ReplayStart: Sendable, Hashable {
    /// Every stored line with an id greater than this (`FROM 0`: everything retained).
    case after(UInt64)
    /// The last n stored lines that match the subscription.
    case last(Int)
    /// Every stored line created at or after this time.
    case since(Date)
}

/// A parsed command together with the client's correlation id, which every reply to it echoes as `ref`.
public struct Request: Sendable, Equatable {
    /// The command.
    public var command: Command
    /// The `id` of a JSON command, echoed so a program can match replies to requests; text commands have none.
    public var ref: String?

    /// Creates a request.
    public init(_ command: Command, ref: String? = nil) {
        self.command = command
        self.ref = ref
    }
}
