/// The command summary returned by `HELP`, one entry per command, in the order a newcomer needs them.
enum HelpText {
    struct Entry {
        var verb: String
        var usage: String
        var summary: String
    }

    static let entries: [Entry] = [
        Entry(
            verb: "sub", usage: "SUB <rule-glob>… [severity>=LEVEL] [tag=TAG] [FROM <id> | FROM LAST <n> | SINCE <time>]",
            summary: "receive alerts from rules whose id matches a glob (* and ?), optionally at least LEVEL "
                + "(info, low, medium, high, critical) and carrying TAG; SUB again with the same glob replaces its "
                + "filters; FROM/SINCE first replays stored alerts (FROM 0: all kept), then goes live"),
        Entry(verb: "unsub", usage: "UNSUB <rule-glob>…|*", summary: "drop the subscriptions with these globs; * drops all"),
        Entry(verb: "subs", usage: "SUBS", summary: "list this connection's subscriptions"),
        Entry(verb: "rules", usage: "RULES", summary: "list the loaded rules: id, title, severity, tags"),
        Entry(
            verb: "pub", usage: "PUB <json-article>",
            summary: "publish one article given as a JSON object with title and body (id, source, url, published "
                + "optional); the ok reply comes after its alerts were sent to subscribers"),
        Entry(
            verb: "article", usage: "ARTICLE … .",
            summary: "publish a plain-text article: the lines after ARTICLE up to a line holding only a dot; "
                + "start a line with .. to send a line starting with ."),
        Entry(verb: "ping", usage: "PING [token]", summary: "answered by pong with the same token"),
        Entry(verb: "help", usage: "HELP [command]", summary: "this list"),
        Entry(verb: "quit", usage: "QUIT", summary: "answered by bye; then the server closes the connection"),
        Entry(verb: "auth", usage: "AUTH <token>", summary: "add the roles of a token from the server's auth file"),
        Entry(
            verb: "reload", usage: "RELOAD",
            summary: "admin: recompile the rules; on errors keep the old ones and list every diagnostic"),
        Entry(verb: "stats", usage: "STATS", summary: "admin: uptime, connections, articles, alerts, drops, rule-set hash"),
        Entry(verb: "clients", usage: "CLIENTS", summary: "admin: one client line per connection, then ok"),
        Entry(verb: "kick", usage: "KICK <connection-id>", summary: "admin: close a connection (it gets bye kicked)"),
        Entry(
            verb: "silence", usage: "SILENCE <rule-glob> <duration> [reason]",
            summary: "admin: store but do not push matching alerts for a while (30m, 2h); subscribers get a notice"),
        Entry(verb: "unsilence", usage: "UNSILENCE <silence-id>", summary: "admin: end a silence early"),
        Entry(verb: "silences", usage: "SILENCES", summary: "admin: list the active silences"),
        Entry(verb: "rule", usage: "RULE <rule-id>", summary: "admin: one rule as written, and its alert count"),
    ]

    static let notes =
        "commands are case-insensitive, one per line; any command may also be a JSON object such as "
        + "{\"cmd\":\"sub\",\"rules\":[\"cn-*\"],\"severity\":\"high\",\"id\":1} (the id is echoed as ref)"
}
