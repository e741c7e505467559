import Foundation
import HeraldArticle

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
    /// An article command (`PUB`, `{"cmd":"pub"…}`, `{"cmd":"article"…}`) from a connection without the publish
    /// role: the article was left unparsed and unhashed, and the answer is `forbidden`.
    case unparsedPublish(form: PublishForm)
    /// `AUTH <token>`: take the roles of a configured token.
    case auth(token: String)
    /// `RELOAD`: recompile the rules and swap them in, or keep the old ones and report every diagnostic.
    case reload
    /// `STATS`: the server's counters.
    case stats
    /// `CLIENTS`: one line per connection.
    case clients
    /// `KICK <id>`: close a connection.
    case kick(UInt64)
    /// `SILENCE <rule-glob> <duration> [reason]`: stop pushing matching alerts for a while (they are still stored).
    case silence(RuleGlob, seconds: Int, reason: String?)
    /// `UNSILENCE <id>`: end a silence early.
    case unsilence(String)
    /// `SILENCES`: the active silences.
    case listSilences
    /// `RULE <id>`: one rule's source and counters.
    case rule(String)

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
        case .unparsedPublish(let form): form.rawValue
        case .auth: "auth"
        case .reload: "reload"
        case .stats: "stats"
        case .clients: "clients"
        case .kick: "kick"
        case .silence: "silence"
        case .unsilence: "unsilence"
        case .listSilences: "silences"
        case .rule: "rule"
        }
    }

    /// The role a connection needs for this command; `nil` for commands anyone may send.
    public var requiredRole: Role? {
        switch self {
        case .subscribe: .subscribe
        case .publish, .beginArticle, .unparsedPublish: .publish
        case .reload, .stats, .clients, .kick, .silence, .unsilence, .listSilences, .rule: .admin
        case .unsubscribe, .listSubscriptions, .listRules, .ping, .quit, .help, .auth: nil
        }
    }

    /// Every verb a client can send, for `HELP` and did-you-mean suggestions.
    public static let verbs = [
        "sub", "unsub", "subs", "rules", "ping", "quit", "help", "pub", "article", "auth", "reload", "stats", "clients",
        "kick", "silence", "unsilence", "silences", "rule",
    ]
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
