import Foundation
import HeraldRules
import HeraldStorePostgres

/// The config file's keys, each with its type check and where it lands in ``ServerSettings``. This table is the
/// single source for what the file may say; README.md's configuration section lists the same keys.
extension ServerSettings {
    /// Reads and applies a config file; relative paths in it are relative to the file's folder.
    static func load(configFile path: String, over defaults: ServerSettings = ServerSettings()) -> (ServerSettings?, [Diagnostic]) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let location = SourceLocation(file: path, line: 1, column: 1)
            return (nil, [Diagnostic(.error, at: location, "cannot read the config file: \(error.localizedDescription)")])
        }
        let (document, diagnostics) = ConfigParser.parse(text, file: path)
        guard let document else { return (nil, diagnostics) }
        return defaults.applying(document, base: (path as NSString).deletingLastPathComponent)
    }

    /// The settings with a parsed file's values on top; every unknown table, unknown key and wrong type is reported.
    func applying(_ document: ConfigDocument, base: String) -> (ServerSettings?, [Diagnostic]) {
        var settings = self
        var diagnostics: [Diagnostic] = []
        let context = Context(base: base)
        var fileFeeds: [Feed] = []
        for table in document.tables {
            if table.name.isEmpty, let first = table.entries.first {
                diagnostics.append(
                    Diagnostic(
                        .error, at: first.keyLocation, length: first.key.count, "'\(first.key)' must be inside a table",
                        hint: Self.tableOf(first.key).map { "put it under [\($0)]" }, sourceLine: first.sourceLine))
                continue
            }
            if table.name.isEmpty { continue }
            if table.name == "feed" {
                guard table.isArrayElement else {
                    diagnostics.append(
                        Diagnostic(
                            .error, at: table.location, length: table.name.count + 2, "feeds are an array of tables",
                            hint: "write [[feed]] once per feed", sourceLine: table.sourceLine))
                    continue
                }
                if let feed = Self.feed(table, context: context, diagnostics: &diagnostics) { fileFeeds.append(feed) }
                continue
            }
            guard let keys = Self.keys[table.name] else {
                let known = Self.keys.keys.filter { !$0.isEmpty } + ["feed"]
                let hint = Suggestion.closest(to: table.name, in: known).map { "did you mean [\($0)]?" }
                    ?? "tables are \(known.sorted().map { "[\($0)]" }.joined(separator: ", "))"
                diagnostics.append(
                    Diagnostic(
                        .error, at: table.location, length: table.name.count + 2,
                        "unknown table [\(table.name)]", hint: hint,
                        sourceLine: table.sourceLine))
                continue
            }
            if table.isArrayElement {
                diagnostics.append(
                    Diagnostic(
                        .error, at: table.location, "[[\(table.name)]] is a single table", hint: "write [\(table.name)]",
                        sourceLine: table.sourceLine))
                continue
            }
            for entry in table.entries {
                guard let apply = keys[entry.key] else {
                    diagnostics.append(Self.unknownKey(entry, table: table.name, known: keys.keys))
                    continue
                }
                do {
                    try apply(&settings, entry.value, context)
                } catch {
                    diagnostics.append(
                        Diagnostic(
                            .error, at: entry.valueLocation, "[\(table.name)] \(entry.key): \(error.message)", hint: error.hint,
                            sourceLine: entry.sourceLine))
                }
            }
        }
        if !fileFeeds.isEmpty { settings.feeds = fileFeeds }
        return (diagnostics.isEmpty ? settings : nil, diagnostics)
    }

    struct Context {
        var base: String

        /// Relative paths are taken from the config file's folder, so the file works from any directory.
        func path(_ value: String) -> String {
            guard !value.hasPrefix("/"), !base.isEmpty else { return value }
            return (base as NSString).appendingPathComponent(value)
        }
    }

    struct Failure: Error {
        var message: String
        var hint: String?
    }

    typealias Apply = @Sendable (inout ServerSettings, ConfigDocument.Value, Context) throws(Failure) -> Void

    static let keys: [String: [String: Apply]] = [
        "server": [
            "host": { settings, value, _ throws(Failure) in settings.host = try string(value) },
            "port": { settings, value, _ throws(Failure) in settings.port = try integer(value, in: 0...65535) },
            "rules": { settings, value, context throws(Failure) in settings.rules = context.path(try string(value)) },
            "data": { settings, value, context throws(Failure) in settings.data = context.path(try string(value)) },
            "log_level": { settings, value, _ throws(Failure) in
                let level = try string(value).lowercased()
                guard logLevels.contains(level) else {
                    throw Failure(message: "unknown level '\(level)'", hint: "one of \(logLevels.joined(separator: ", "))")
                }
                settings.logLevel = level
            },
            "metrics_port": { settings, value, _ throws(Failure) in settings.metricsPort = try integer(value, in: 0...65535) },
            "node_name": { settings, value, _ throws(Failure) in
                let name = try string(value)
                guard !name.isEmpty else { throw Failure(message: "the node name cannot be empty") }
                settings.nodeName = name
            },
        ],
        "store": [
            "url": { settings, value, _ throws(Failure) in
                let url = try string(value)
                guard PostgresStoreConfiguration.isPostgresURL(url) else {
                    throw Failure(
                        message: "the store URL must start with postgres:// or postgresql://",
                        hint: "leave [store] out to keep the embedded SQLite log in [server] data")
                }
                settings.storeURL = url
            },
            "password_file": { settings, value, context throws(Failure) in
                settings.storePasswordFile = context.path(try string(value))
            },
        ],
        "tls": [
            "certs": { settings, value, context throws(Failure) in settings.certs = context.path(try string(value)) },
            "cert": { settings, value, context throws(Failure) in settings.cert = context.path(try string(value)) },
            "key": { settings, value, context throws(Failure) in settings.key = context.path(try string(value)) },
            "client_ca": { settings, value, context throws(Failure) in settings.clientCA = context.path(try string(value)) },
        ],
        "auth": [
            "file": { settings, value, context throws(Failure) in settings.authFile = context.path(try string(value)) }
        ],
        "limits": [
            "max_line_bytes": { settings, value, _ throws(Failure) in
                settings.maxLineBytes = try integer(value, in: 64...(1 << 30))
            },
            "max_connections": { settings, value, _ throws(Failure) in
                settings.maxConnections = try integer(value, in: 0...Int(Int32.max))
            },
            "max_connections_per_address": { settings, value, _ throws(Failure) in
                settings.maxConnectionsPerAddress = try integer(value, in: 0...Int(Int32.max))
            },
            "idle_timeout": { settings, value, _ throws(Failure) in settings.idleTimeoutSeconds = try duration(value) },
            "heartbeat": { settings, value, _ throws(Failure) in settings.heartbeatSeconds = try duration(value) },
            "dead_peer_timeout": { settings, value, _ throws(Failure) in
                settings.deadPeerTimeoutSeconds = try duration(value)
            },
            "publish_rate": { settings, value, _ throws(Failure) in
                let rate = try number(value)
                guard rate >= 0 else { throw Failure(message: "cannot be negative", hint: "0 means no limit") }
                settings.publishRate = rate
            },
            "publish_burst": { settings, value, _ throws(Failure) in
                settings.publishBurst = try integer(value, in: 1...Int(Int32.max))
            },
        ],
        "alerts": [
            "retain": { settings, value, _ throws(Failure) in settings.retainSeconds = try duration(value) },
            "retain_count": { settings, value, _ throws(Failure) in
                settings.retainCount = try integer(value, in: 1...Int.max)
            },
            "quiet_updates": { settings, value, _ throws(Failure) in settings.quietUpdates = try boolean(value) },
        ],
        "archive": [
            "retain": { settings, value, _ throws(Failure) in settings.archiveRetainSeconds = try duration(value) }
        ],
        "watch": [
            "folder": { settings, value, context throws(Failure) in settings.watch = context.path(try string(value)) },
            "interval": { settings, value, _ throws(Failure) in
                let seconds = try number(value)
                guard seconds >= 0.05 else { throw Failure(message: "must be at least 0.05 seconds") }
                settings.watchIntervalSeconds = seconds
            },
        ],
    ]

    private static let feedKeys = ["url", "interval"]

    /// Which table a key belongs in, for the hint when it is written outside any table.
    private static func tableOf(_ key: String) -> String? {
        keys.first { $0.value[key] != nil }?.key ?? (feedKeys.contains(key) ? "[feed]" : nil)
    }

    private static func feed(_ table: ConfigDocument.Table, context: Context, diagnostics: inout [Diagnostic]) -> Feed? {
        var url: String?
        var sawURL = false
        var interval = defaultFeedIntervalSeconds
        for entry in table.entries {
            do throws(Failure) {
                switch entry.key {
                case "url":
                    sawURL = true
                    let text = try string(entry.value)
                    guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
                        parsed.host != nil
                    else { throw Failure(message: "'\(text)' is not an http or https URL") }
                    url = text
                case "interval":
                    interval = try duration(entry.value)
                    guard interval >= 1 else { throw Failure(message: "must be at least 1s") }
                default:
                    diagnostics.append(unknownKey(entry, table: "feed", known: feedKeys))
                }
            } catch {
                diagnostics.append(
                    Diagnostic(
                        .error, at: entry.valueLocation, "[[feed]] \(entry.key): \(error.message)", hint: error.hint,
                        sourceLine: entry.sourceLine))
            }
        }
        guard let url else {
            if sawURL { return nil }
            diagnostics.append(
                Diagnostic(.error, at: table.location, "[[feed]] needs a url", hint: "url = \"https://…/rss\"", sourceLine: table.sourceLine))
            return nil
        }
        return Feed(url: url, intervalSeconds: interval)
    }

    private static func unknownKey(_ entry: ConfigDocument.Entry, table: String, known: some Collection<String>) -> Diagnostic {
        let hint = Suggestion.closest(to: entry.key, in: known).map { "did you mean '\($0)'?" }
            ?? "[\(table)] takes \(known.sorted().joined(separator: ", "))"
        return Diagnostic(
            .error, at: entry.keyLocation, length: entry.key.count, "unknown key '\(entry.key)' in [\(table)]", hint: hint,
            sourceLine: entry.sourceLine)
    }

    // MARK: Types

    private static func string(_ value: ConfigDocument.Value) throws(Failure) -> String {
        guard case .string(let text) = value else { throw Failure(message: "expected a string, found \(value.kind)") }
        return text
    }

    private static func integer(_ value: ConfigDocument.Value, in range: ClosedRange<Int>) throws(Failure) -> Int {
        guard case .integer(let number) = value else { throw Failure(message: "expected an integer, found \(value.kind)") }
        guard range.contains(number) else {
            throw Failure(message: "\(number) is out of range", hint: "between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    private static func number(_ value: ConfigDocument.Value) throws(Failure) -> Double {
        switch value {
        case .integer(let number): return Double(number)
        case .float(let number): return number
        default: throw Failure(message: "expected a number, found \(value.kind)")
        }
    }

    private static func boolean(_ value: ConfigDocument.Value) throws(Failure) -> Bool {
        guard case .boolean(let flag) = value else { throw Failure(message: "expected true or false, found \(value.kind)") }
        return flag
    }

    /// A duration string such as "30d", or a number of seconds.
    private static func duration(_ value: ConfigDocument.Value) throws(Failure) -> Int {
        switch value {
        case .integer(let number) where number >= 0: return number
        case .string(let text):
            guard let seconds = seconds(text) else {
                throw Failure(message: "'\(text)' is not a duration", hint: "a number and s, m, h, d or w, such as \"30d\"; 0 for none")
            }
            return seconds
        default: throw Failure(message: "expected a duration such as \"60s\", found \(value.kind)")
        }
    }
}
