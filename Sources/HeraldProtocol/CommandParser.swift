import Foundation
import HeraldArticle

/// Parses one line into a ``Request``: a text command (`SUB cn-* severity>=high`) or, when the line starts
/// with `{`, a JSON command (`{"cmd":"sub","rules":["cn-*"]}`).
///
/// Verbs and option keys are case-insensitive so a person can type them; arguments keep their case.
public struct CommandParser: Sendable {
    /// Parses articles for `PUB`; its size limit applies to published articles.
    public var articleParser: ArticleParser
    /// The longest rule glob accepted; longer ones are almost certainly pasted by mistake.
    public var maximumGlobLength = 256

    /// Creates a parser.
    public init(articleParser: ArticleParser = ArticleParser()) {
        self.articleParser = articleParser
    }

    /// Parses `line`; returns `nil` for a blank line, which is ignored (people press return).
    ///
    /// With `mayPublish` false (a connection without the publish role) an article command is returned as
    /// ``Command/unparsedPublish(form:)`` without parsing or hashing its article: the role is checked first.
    public func parse(_ line: String, mayPublish: Bool = true) throws(ProtocolError) -> Request? {
        let trimmed = line.trimmingWhitespace()
        guard let first = trimmed.first else { return nil }
        // A line starting with `[` is a JSON mistake, not a verb: it gets bad_json, not unknown_command.
        if first == "{" || first == "[" {
            return try JSONCommandParser(parser: self, mayPublish: mayPublish).parse(String(trimmed))
        }
        let verbEnd = trimmed.firstIndex(where: \.isProtocolWhitespace) ?? trimmed.endIndex
        let word = String(trimmed[..<verbEnd])
        let rest = trimmed[verbEnd...].trimmingWhitespace()
        // A `PUB` line is a whole article: splitting it into words would cost more than parsing its JSON.
        let isPublish = word.utf8.count == 3 && word.lowercased() == "pub"
        if isPublish, !mayPublish { return Request(.unparsedPublish(form: .pub)) }
        let arguments = isPublish ? [] : rest.split(whereSeparator: \.isProtocolWhitespace).map(String.init)
        return Request(try command(word: word, arguments: arguments, rawArguments: rest))
    }

    private func command(word: String, arguments: [String], rawArguments: Substring) throws(ProtocolError) -> Command {
        switch word.lowercased() {
        case "sub":
            return .subscribe(try subscription(arguments))
        case "unsub":
            guard !arguments.isEmpty else {
                throw ProtocolError(.badArguments, "UNSUB needs a rule glob, or * to remove every subscription")
            }
            return .unsubscribe(arguments)
        case "subs":
            try expectNoArguments("SUBS", arguments)
            return .listSubscriptions
        case "rules":
            try expectNoArguments("RULES", arguments)
            return .listRules
        case "ping":
            return .ping(token: rawArguments.isEmpty ? nil : String(rawArguments))
        case "quit":
            try expectNoArguments("QUIT", arguments)
            return .quit
        case "help":
            return .help(topic: arguments.first?.lowercased())
        case "pub":
            guard !rawArguments.isEmpty else {
                throw ProtocolError(.badArguments, "PUB needs a JSON article on the same line, e.g. PUB {\"title\":…,\"body\":…}")
            }
            return .publish(try article(json: String(rawArguments)), form: .pub)
        case "article":
            try expectNoArguments("ARTICLE", arguments)
            return .beginArticle
        default:
            return try adminCommand(word: word, arguments: arguments)
        }
    }

    /// `AUTH` and the admin commands.
    private func adminCommand(word: String, arguments: [String]) throws(ProtocolError) -> Command {
        let verb = word.lowercased()
        switch verb {
        case "auth":
            guard arguments.count == 1 else { throw ProtocolError(.badArguments, "write AUTH <token>") }
            return .auth(token: arguments[0])
        case "reload", "stats", "clients", "silences":
            try expectNoArguments(verb.uppercased(), arguments)
            return ["reload": .reload, "stats": .stats, "clients": .clients][verb] ?? .listSilences
        case "kick":
            guard arguments.count == 1, let id = UInt64(arguments[0]) else {
                throw ProtocolError(.badArguments, "write KICK <connection-id> (CLIENTS lists them)")
            }
            return .kick(id)
        case "silence":
            guard arguments.count >= 2 else {
                throw ProtocolError(.badArguments, "write SILENCE <rule-glob> <duration> [reason], e.g. SILENCE cn-* 2h drill")
            }
            let reason = arguments.count > 2 ? arguments[2...].joined(separator: " ") : nil
            return try silence(glob: arguments[0], duration: arguments[1], reason: reason)
        case "unsilence":
            guard arguments.count == 1 else { throw ProtocolError(.badArguments, "write UNSILENCE <silence-id>") }
            return .unsilence(arguments[0])
        case "rule":
            guard arguments.count == 1 else { throw ProtocolError(.badArguments, "write RULE <rule-id>") }
            return .rule(arguments[0])
        default:
            throw Self.unknownCommand(word)
        }
    }

    /// Builds a `SILENCE` command from its glob and a duration such as `90s`, `30m`, `2h` or `1d`.
    func silence(glob: String, duration: String, reason: String?) throws(ProtocolError) -> Command {
        var request = SubscriptionRequest(globs: [])
        try addGlob(glob, to: &request)
        guard let unit = duration.last, let amount = Int(duration.dropLast()), amount > 0,
            let scale = ["s": 1, "m": 60, "h": 3600, "d": 86_400][String(unit).lowercased()]
        else {
            throw ProtocolError(.badArguments, "a silence duration is a number and s, m, h or d, e.g. 30m")
        }
        return .silence(RuleGlob(glob), seconds: amount * scale, reason: reason)
    }

    /// Builds a ``SubscriptionRequest`` from `SUB`'s words: `severity>=LEVEL`, `tag=TAG`, the rest are globs.
    func subscription(_ arguments: [String]) throws(ProtocolError) -> SubscriptionRequest {
        var request = SubscriptionRequest(globs: [])
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            let lower = argument.lowercased()
            if lower == "from" || lower == "since" {
                guard request.replay == nil else { throw ProtocolError(.badArguments, "SUB takes one FROM or SINCE") }
                let rest = arguments[index...].prefix(2).map { $0 }
                let (start, used) = try replayStart(keyword: lower, rest)
                request.replay = start
                index += used
            } else if Self.isFilter(lower, key: "severity") {
                guard lower.hasPrefix("severity>=") else {
                    throw ProtocolError(.badArguments, "write the severity filter as severity>=LEVEL (\(SeverityLevel.allNames))")
                }
                guard request.minimumSeverity == nil else {
                    throw ProtocolError(.badArguments, "SUB takes at most one severity>= filter")
                }
                request.minimumSeverity = try severity(String(argument.dropFirst("severity>=".count)))
            } else if Self.isFilter(lower, key: "tag") {
                guard lower.hasPrefix("tag=") else { throw ProtocolError(.badArguments, "write the tag filter as tag=TAG") }
                guard request.tag == nil else { throw ProtocolError(.badArguments, "SUB takes at most one tag= filter") }
                request.tag = try tag(String(argument.dropFirst("tag=".count)))
            } else {
                try addGlob(argument, to: &request)
            }
        }
        guard !request.globs.isEmpty else {
            throw ProtocolError(.badArguments, "SUB needs at least one rule glob, e.g. SUB * or SUB cn-* severity>=high")
        }
        return request
    }

    /// `FROM <id>`, `FROM LAST <n>`, `SINCE <ISO-8601 time>`; returns the start and how many words it used.
    func replayStart(keyword: String, _ words: [String]) throws(ProtocolError) -> (ReplayStart, Int) {
        if keyword == "since" {
            guard let text = words.first, let date = Self.parseTime(text) else {
                throw ProtocolError(.badArguments, "write SINCE with an ISO-8601 time, e.g. SINCE 2026-11-29T08:00:00Z")
            }
            return (.since(date), 1)
        }
        if words.first?.lowercased() == "last" {
            guard words.count > 1, let count = Int(words[1]), count > 0 else {
                throw ProtocolError(.badArguments, "write FROM LAST <n> with a positive count, e.g. FROM LAST 20")
            }
            return (.last(min(count, Self.maximumReplayLast)), 2)
        }
        guard let text = words.first, let id = UInt64(text) else {
            throw ProtocolError(
                .badArguments, "write FROM <alert-id> (FROM 0 replays everything kept), or FROM LAST <n>")
        }
        return (.after(id), 1)
    }

    /// The most lines `FROM LAST n` replays.
    static let maximumReplayLast = 100_000

    /// An ISO-8601 time with or without fractional seconds; a bare date means its midnight UTC.
    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }

    /// `severity>=high`, `severity=high` and a bare `severity` are all attempts at the filter (the latter two get a
    /// helpful error); `severity-*` is a glob.
    static func isFilter(_ word: String, key: String) -> Bool {
        guard word.hasPrefix(key) else { return false }
        guard let next = word.dropFirst(key.count).first else { return true }
        return next == "=" || next == ">" || next == "<"
    }

    func addGlob(_ pattern: String, to request: inout SubscriptionRequest) throws(ProtocolError) {
        guard !pattern.isEmpty, pattern.unicodeScalars.count <= maximumGlobLength else {
            throw ProtocolError(.badArguments, "a rule glob must be 1 to \(maximumGlobLength) characters")
        }
        guard !pattern.contains("="), !pattern.contains(">"), !pattern.contains("<") else {
            throw ProtocolError(
                .badArguments, "'\(pattern)' is neither a rule glob nor a filter (severity>=LEVEL or tag=TAG)")
        }
        let glob = RuleGlob(pattern)
        if !request.globs.contains(glob) { request.globs.append(glob) }
    }

    func severity(_ name: String) throws(ProtocolError) -> SeverityLevel {
        guard let level = SeverityLevel(name: name) else {
            throw ProtocolError(.badArguments, "unknown severity '\(name)'; use one of \(SeverityLevel.allNames)")
        }
        return level
    }

    func tag(_ value: String) throws(ProtocolError) -> String {
        guard !value.isEmpty, value.unicodeScalars.count <= maximumGlobLength else {
            throw ProtocolError(.badArguments, "a tag must be 1 to \(maximumGlobLength) characters")
        }
        return value.lowercased()
    }

    /// Parses a JSON article, telling malformed JSON (`bad_json`) apart from a bad article (`bad_article`).
    public func article(json: String) throws(ProtocolError) -> Article {
        do {
            return try articleParser.parseJSON(json)
        } catch {
            throw Self.articleError(error)
        }
    }

    /// Parses a plain-text article (an `ARTICLE` block or `{"cmd":"article"}`).
    public func article(text: String) throws(ProtocolError) -> Article {
        do {
            return try articleParser.parseText(text)
        } catch {
            throw Self.articleError(error)
        }
    }

    static func articleError(_ error: ArticleError) -> ProtocolError {
        switch error.code {
        case "bad_json": ProtocolError(.badJSON, error.message)
        case "invalid_utf8": ProtocolError(.invalidUTF8, error.message)
        case "too_large": ProtocolError(.articleTooLarge, error.message, reason: error.code)
        default: ProtocolError(.badArticle, error.message, reason: error.code)
        }
    }

    /// The command an unknown verb was probably meant to be (uppercase), if one is close enough.
    public static func unknownCommandSuggestion(_ verb: String) -> String? {
        Suggestion.nearest(to: verb, in: Command.verbs)?.uppercased()
    }

    /// The error for an unknown verb, quoting it as the client wrote it and suggesting the nearest real one.
    public static func unknownCommand(_ verb: String) -> ProtocolError {
        let shown = verb.count > 32 ? String(verb.prefix(32)) + "…" : verb
        if let suggestion = unknownCommandSuggestion(verb) {
            return ProtocolError(
                .unknownCommand, "unknown command '\(shown)'; did you mean \(suggestion)? (HELP lists commands)",
                suggestion: suggestion)
        }
        return ProtocolError(.unknownCommand, "unknown command '\(shown)'; HELP lists commands")
    }

    private func expectNoArguments(_ verb: String, _ arguments: [String]) throws(ProtocolError) {
        guard arguments.isEmpty else { throw ProtocolError(.badArguments, "\(verb) takes no arguments") }
    }
}

extension Character {
    /// Spaces and tabs separate words; other whitespace is unusual inside a line and treated the same way.
    var isProtocolWhitespace: Bool { isWhitespace }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace, as a substring (no copy).
    func trimmingWhitespace() -> SubSequence {
        guard let start = firstIndex(where: { !$0.isProtocolWhitespace }),
            let end = lastIndex(where: { !$0.isProtocolWhitespace })
        else { return self[endIndex...] }
        return self[start...end]
    }
}
