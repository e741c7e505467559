import ArgumentParser
import Foundation
import HeraldClient
import NIOCore

/// `herald sub`: subscribe and print alerts, reconnecting and resuming so that nothing is missed or repeated.
public struct SubCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sub",
        abstract: "Subscribe to a Herald server and print alerts as they happen.",
        discussion: """
            Connects over TLS, subscribes to the rules matching each RULE-GLOB (every rule when none is given) \
            and prints every alert, update and throttle notice. Standard output gets raw JSON lines when it is \
            not a terminal (pipe it to jq), a readable line per alert when it is; --json and --pretty force either.

            If the connection drops, herald sub reconnects with backoff (0.5 s doubling to 30 s) and resumes \
            with `SUB … FROM <last id printed>`, so nothing is missed or printed twice. --from and --since replay \
            stored alerts first; --state FILE keeps the last id across runs (read at start, written after every \
            line), so a cron job or a restart picks up where it stopped.

            The server sends subscribers a heartbeat line every 30 s (herald serve --heartbeat). If nothing at all \
            arrives for --heartbeat-timeout (default 90 s), herald sub treats the connection as dead (a server \
            that hung, a NAT that dropped the connection without a word), reconnects and resumes the same way. \
            Heartbeats are not printed.

            Exit status: 0 after --max-alerts lines or when the server says goodbye on shutdown with --once; \
            1 for errors that retrying cannot fix (forbidden, a replay past retention, bad arguments).
            """
    )

    @Argument(help: "Rule id globs, such as 'cn-*' (default: every rule).")
    public var rules: [String] = []

    @Option(help: "Only alerts at least this severe: info, low, medium, high or critical.")
    public var severity: String?

    @Option(help: "Only alerts carrying this tag.")
    public var tag: String?

    @OptionGroup var connection: ServerConnectionOptions

    @Option(help: ArgumentHelp("Replay stored alerts after this id first (0: everything kept).", valueName: "id"))
    public var from: UInt64?

    @Option(help: ArgumentHelp("Replay stored alerts since this ISO-8601 time first.", valueName: "time"))
    public var since: String?

    @Option(help: ArgumentHelp("Keep the last alert id in this file, to resume across runs.", valueName: "file"))
    public var state: String?

    @Option(help: "Exit after printing this many alert lines.")
    public var maxAlerts: Int?

    @Flag(help: "Print raw JSON lines, even on a terminal.")
    public var json = false

    @Flag(help: "Print one readable line per alert, even into a pipe.")
    public var pretty = false

    @Option(
        help: ArgumentHelp(
            "Reconnect when the server sends nothing, not even a heartbeat, for this many seconds (0: never).",
            valueName: "seconds"))
    public var heartbeatTimeout: Double = 90

    @Flag(help: "Do not reconnect: exit when the connection ends.")
    public var once = false

    public init() {}

    public func validate() throws {
        if from != nil && since != nil { throw ValidationError("Give --from or --since, not both.") }
        if json && pretty { throw ValidationError("Give --json or --pretty, not both.") }
        if !(heartbeatTimeout >= 0) { throw ValidationError("--heartbeat-timeout cannot be negative.") }
    }

    public func run() async throws {
        var options = connection.clientOptions
        if heartbeatTimeout > 0 { options.silenceTimeout = .milliseconds(Int64((heartbeatTimeout * 1000).rounded())) }
        let readable = pretty || (!json && isatty(STDOUT_FILENO) == 1)
        var cursor = from ?? state.flatMap(Self.readState)
        // Without an id yet, a reconnect resumes from when the first subscription began, so a drop before the
        // first alert loses nothing either.
        var resumeSince = since
        var printed = 0
        var delay = 0.5
        while true {
            do {
                let outcome = try await HeraldConnection.with(options) { connection in
                    let subscribedAt = Date()
                    try await connection.send(subscribeLine(cursor: cursor, since: resumeSince))
                    let reply = try await connection.reply()
                    guard reply.type == "ok" else { throw FatalServerError(line: reply.text) }
                    if resumeSince == nil { resumeSince = Self.iso8601(subscribedAt) }
                    delay = 0.5
                    while let line = try await connection.nextLine() {
                        switch line.type {
                        case "alert", "update", "throttled":
                            if let id = line.object["id"] as? Int { cursor = UInt64(id) }
                            emit(line, readable: readable)
                            if let state, let cursor { Self.writeState(cursor, to: state) }
                            if ["alert", "update"].contains(line.type) { printed += 1 }
                            if let maxAlerts, printed >= maxAlerts { return true }
                        case "bye":
                            StandardStreams.error("herald sub: server said goodbye: \(line.text)")
                            return once
                        case "error":
                            StandardStreams.error("herald sub: \(line.text)")
                        case "heartbeat":
                            break
                        default:
                            if readable { StandardStreams.error("herald sub: \(line.text)") }
                        }
                    }
                    return once
                }
                if outcome { return }
            } catch let error as FatalServerError {
                StandardStreams.error("herald sub: \(error.line)")
                throw ExitCode.failure
            } catch {
                if once { throw error }
                StandardStreams.error("herald sub: \(error); reconnecting in \(delay) s")
            }
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            delay = min(delay * 2, 30)
        }
    }

    /// The SUB line: after a reconnect it always resumes from the last id printed.
    func subscribeLine(cursor: UInt64?, since: String?) -> String {
        var words = ["SUB"] + (rules.isEmpty ? ["*"] : rules)
        if let severity { words.append("severity>=\(severity)") }
        if let tag { words.append("tag=\(tag)") }
        if let cursor {
            words += ["FROM", String(cursor)]
        } else if let since {
            words += ["SINCE", since]
        }
        return words.joined(separator: " ")
    }

    private func emit(_ line: ServerLine, readable: Bool) {
        StandardStreams.output(Array(((readable ? AlertLineFormatter.format(line) : line.text) + "\n").utf8))
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date.addingTimeInterval(-1))
    }

    static func readState(_ path: String) -> UInt64? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Written to a temporary file and renamed, so a crash never leaves half a number behind.
    static func writeState(_ id: UInt64, to path: String) {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data("\(id)\n".utf8)) else { return }
        _ = rename(temporary, path)
    }
}

/// A refusal that retrying would only repeat.
struct FatalServerError: Error {
    var line: String
}
