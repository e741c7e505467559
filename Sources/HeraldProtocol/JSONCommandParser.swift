import Foundation

/// Parses a command sent as one JSON object: `{"cmd":"sub","rules":["cn-*"],"severity":"high","tag":"china"}`.
///
/// Unknown keys are rejected rather than ignored: a program that writes `"rule"` instead of `"rules"` should hear
/// about it at once, not wonder why nothing arrives. An `"id"` (string or number) is echoed in replies as `ref`.
struct JSONCommandParser {
    let parser: CommandParser
    /// Whether the connection may publish; if not, an article command is answered without reading its article.
    var mayPublish = true

    /// `"from": 12`, `"last": 20` or `"since": "2026-11-29T08:00:00Z"`; at most one.
    private func replay(_ fields: [String: Any]) throws(ProtocolError) -> ReplayStart? {
        let given = ["from", "last", "since"].filter { fields[$0] != nil }
        guard given.count <= 1 else { throw ProtocolError(.badArguments, "give one of \"from\", \"last\" or \"since\"") }
        if let value = fields["from"] {
            guard let number = value as? NSNumber, number.int64Value >= 0, !(value is Bool) else {
                throw ProtocolError(.badArguments, "\"from\" must be an alert id (0 for everything kept)")
            }
            return .after(number.uint64Value)
        }
        if let value = fields["last"] {
            guard let number = value as? NSNumber, number.intValue > 0 else {
                throw ProtocolError(.badArguments, "\"last\" must be a positive count")
            }
            return .last(min(number.intValue, CommandParser.maximumReplayLast))
        }
        if let value = fields["since"] {
            guard let text = value as? String, let date = CommandParser.parseTime(text) else {
                throw ProtocolError(.badArguments, "\"since\" must be an ISO-8601 time")
            }
            return .since(date)
        }
        return nil
    }

    func parse(_ line: String) throws(ProtocolError) -> Request {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        } catch {
            throw ProtocolError(.badJSON, "malformed JSON command: \(Self.describe(error))")
        }
        guard let fields = object as? [String: Any] else {
            throw ProtocolError(.badJSON, "a JSON command must be an object like {\"cmd\":\"ping\"}")
        }
        let ref = try reference(fields["id"])
        guard let verbValue = fields["cmd"] else {
            let hint =
                fields["title"] != nil || fields["body"] != nil
                ? "; to publish this article send PUB followed by it, or {\"cmd\":\"pub\",\"article\":{…}}" : ""
            throw ProtocolError(.badArguments, "a JSON command needs a \"cmd\" field\(hint)")
        }
        guard let verb = (verbValue as? String)?.lowercased() else {
            throw ProtocolError(.badArguments, "\"cmd\" must be a string")
        }
        let command = try self.command(verb, fields)
        return Request(command, ref: ref)
    }

    private func command(_ verb: String, _ fields: [String: Any]) throws(ProtocolError) -> Command {
        switch verb {
        case "sub":
            try allowOnly(["rules", "severity", "tag", "from", "last", "since"], in: fields, for: verb)
            var request = SubscriptionRequest(globs: [])
            for pattern in try strings(fields["rules"], key: "rules") {
                try parser.addGlob(pattern, to: &request)
            }
            guard !request.globs.isEmpty else {
                throw ProtocolError(.badArguments, "\"sub\" needs \"rules\": a glob or a list of globs, e.g. [\"cn-*\"]")
            }
            if let name = try string(fields["severity"], key: "severity") {
                request.minimumSeverity = try parser.severity(name)
            }
            if let tag = try string(fields["tag"], key: "tag") {
                request.tag = try parser.tag(tag)
            }
            request.replay = try replay(fields)
            return .subscribe(request)
        case "unsub":
            try allowOnly(["rules"], in: fields, for: verb)
            let patterns = try strings(fields["rules"], key: "rules")
            guard !patterns.isEmpty else {
                throw ProtocolError(.badArguments, "\"unsub\" needs \"rules\": a glob, a list of globs, or \"*\"")
            }
            return .unsubscribe(patterns)
        case "subs":
            try allowOnly([], in: fields, for: verb)
            return .listSubscriptions
        case "rules":
            try allowOnly([], in: fields, for: verb)
            return .listRules
        case "ping":
            try allowOnly(["token"], in: fields, for: verb)
            return .ping(token: try string(fields["token"], key: "token"))
        case "quit":
            try allowOnly([], in: fields, for: verb)
            return .quit
        case "help":
            try allowOnly(["topic"], in: fields, for: verb)
            return .help(topic: try string(fields["topic"], key: "topic")?.lowercased())
        case "pub" where !mayPublish:
            return .unparsedPublish(form: .pub)
        case "article" where !mayPublish:
            return .unparsedPublish(form: .article)
        case "pub":
            try allowOnly(["article"], in: fields, for: verb)
            guard let article = fields["article"], article is [String: Any] else {
                throw ProtocolError(.badArguments, "\"pub\" needs \"article\": an object with \"title\" and \"body\"")
            }
            let json: Data
            do {
                json = try JSONSerialization.data(withJSONObject: article)
            } catch {
                throw ProtocolError(.badJSON, "cannot re-encode \"article\": \(Self.describe(error))")
            }
            return .publish(try parser.article(json: String(decoding: json, as: UTF8.self)), form: .pub)
        case "article":
            try allowOnly(["text"], in: fields, for: verb)
            guard let text = try string(fields["text"], key: "text") else {
                throw ProtocolError(.badArguments, "\"article\" needs \"text\": the plain-text article")
            }
            return .publish(try parser.article(text: text), form: .article)
        default:
            return try adminCommand(verb, fields)
        }
    }

    /// `{"cmd":"auth","token":…}` and the admin commands.
    private func adminCommand(_ verb: String, _ fields: [String: Any]) throws(ProtocolError) -> Command {
        switch verb {
        case "auth":
            try allowOnly(["token"], in: fields, for: verb)
            guard let token = try string(fields["token"], key: "token") else {
                throw ProtocolError(.badArguments, "\"auth\" needs \"token\"")
            }
            return .auth(token: token)
        case "reload", "stats", "clients", "silences":
            try allowOnly([], in: fields, for: verb)
            return ["reload": .reload, "stats": .stats, "clients": .clients][verb] ?? .listSilences
        case "kick":
            try allowOnly(["connection"], in: fields, for: verb)
            guard let number = fields["connection"] as? NSNumber, number.int64Value > 0 else {
                throw ProtocolError(.badArguments, "\"kick\" needs \"connection\": a connection id")
            }
            return .kick(number.uint64Value)
        case "silence":
            try allowOnly(["rules", "duration", "reason"], in: fields, for: verb)
            guard let glob = try string(fields["rules"], key: "rules"),
                let duration = try string(fields["duration"], key: "duration")
            else {
                throw ProtocolError(.badArguments, "\"silence\" needs \"rules\" (a glob) and \"duration\" (e.g. \"2h\")")
            }
            return try parser.silence(glob: glob, duration: duration, reason: try string(fields["reason"], key: "reason"))
        case "unsilence":
            try allowOnly(["silence"], in: fields, for: verb)
            guard let id = try string(fields["silence"], key: "silence") else {
                throw ProtocolError(.badArguments, "\"unsilence\" needs \"silence\": a silence id")
            }
            return .unsilence(id)
        case "rule":
            try allowOnly(["rule"], in: fields, for: verb)
            guard let id = try string(fields["rule"], key: "rule") else {
                throw ProtocolError(.badArguments, "\"rule\" needs \"rule\": a rule id")
            }
            return .rule(id)
        default:
            throw CommandParser.unknownCommand(verb)
        }
    }

    private func allowOnly(_ keys: Set<String>, in fields: [String: Any], for verb: String) throws(ProtocolError) {
        let allowed = keys.union(["cmd", "id"])
        let unknown = fields.keys.filter { !allowed.contains($0) }.sorted()
        guard unknown.isEmpty else {
            let expected = keys.isEmpty ? "no fields besides cmd and id" : keys.sorted().joined(separator: ", ")
            throw ProtocolError(
                .badArguments,
                "unknown field\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) for \"\(verb)\" (expected \(expected))")
        }
    }

    private func string(_ value: Any?, key: String) throws(ProtocolError) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw ProtocolError(.badArguments, "\"\(key)\" must be a string") }
        return text
    }

    /// A string or a list of strings.
    private func strings(_ value: Any?, key: String) throws(ProtocolError) -> [String] {
        guard let value, !(value is NSNull) else { return [] }
        if let text = value as? String { return [text] }
        if let list = value as? [Any] {
            var result: [String] = []
            for element in list {
                guard let text = element as? String else {
                    throw ProtocolError(.badArguments, "\"\(key)\" must be a string or a list of strings")
                }
                result.append(text)
            }
            return result
        }
        throw ProtocolError(.badArguments, "\"\(key)\" must be a string or a list of strings")
    }

    private func reference(_ value: Any?) throws(ProtocolError) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        if let text = value as? String { return text }
        if let number = value as? NSNumber { return number.stringValue }
        throw ProtocolError(.badArguments, "\"id\" must be a string or a number")
    }

    /// Foundation's JSON errors put the useful part ("Unexpected character … around line 1, column 7") in the
    /// debug description of the underlying error; fall back to the localized description.
    private static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        if let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return nsError.localizedDescription
    }
}
