import ArgumentParser
import Foundation
import HeraldProtocol
import HeraldServer

/// `herald token`: manage the tokens clients send with `AUTH`.
public struct TokenCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage the tokens clients authenticate with (AUTH <token>).",
        discussion: """
            A token gives a connection roles: subscribe (SUB), publish (PUB, ARTICLE) and admin (RELOAD, STATS, \
            CLIENTS, KICK, SILENCE, RULE). Tokens live in an auth file, one line each, stored only as SHA-256 \
            hashes; the same file maps client certificates (mutual TLS) to roles. With an auth file, `herald \
            serve` may listen on any address; without one it runs in protected mode: loopback only, every role.

            Example: herald token add alice --roles subscribe,publish
            """,
        subcommands: [Add.self])

    public init() {}

    /// `herald token add NAME --roles subscribe,publish [--file .herald/tokens]`.
    public struct Add: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Create a token, print it once, and append its SHA-256 hash to the auth file.",
            discussion: """
                The token itself is printed once on standard output and never stored: only its hash goes into \
                the file. Give it to the client, which sends AUTH <token> after connecting. `herald serve` reads \
                the file at start (--auth-file, by default .herald/tokens).
                """)

        @Argument(help: "A name for the token, shown in logs and CLIENTS (letters, digits, - and _).")
        public var name: String

        @Option(help: "Comma-separated roles: subscribe, publish, admin.")
        public var roles: String

        @Option(help: ArgumentHelp("The auth file to append to (created mode 0600 if missing).", valueName: "file"))
        public var file = ".herald/tokens"

        public init() {}

        public func validate() throws {
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw ValidationError("NAME may hold letters, digits, - and _ only")
            }
            guard Role.list(roles) != nil else {
                throw ValidationError("--roles takes a comma-separated list of subscribe, publish, admin")
            }
        }

        public func run() throws {
            let roles = Role.list(self.roles) ?? []
            // 32 bytes from the system CSPRNG, as 64 hex digits: long enough that guessing is hopeless, and
            // safe to paste into a shell or a config file.
            var generator = SystemRandomNumberGenerator()
            let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }
                .joined()
            let line = AuthFile.tokenLine(name: name, roles: roles, token: token) + "\n"
            let url = URL(fileURLWithPath: file)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            if !FileManager.default.fileExists(atPath: file) {
                guard FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600])
                else { throw ValidationError("cannot create \(file)") }
            }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(line.utf8))
            StandardStreams.output(Array("\(token)\n".utf8))
            StandardStreams.error("herald token: added '\(name)' (\(roles.map(\.rawValue).joined(separator: ","))) to \(file); the token is not stored, keep it now")
        }
    }
}
