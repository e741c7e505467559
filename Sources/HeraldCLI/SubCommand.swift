import ArgumentParser

/// `herald sub`: subscribe to a running server and print alerts.
public struct SubCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sub",
        abstract: "Subscribe to a running Herald server and print alerts (not available yet).",
        discussion: """
            Planned: connects, subscribes to the rules matching each RULE-GLOB (all when none), and prints alerts — \
            raw JSON lines when standard output is not a terminal, a readable line per alert otherwise — \
            reconnecting and resuming from the last alert seen.

            Until it lands, subscribe with a TLS client: \
            `openssl s_client -quiet -CAfile certs/ca.pem -connect localhost:7443`, then type `SUB *`.
            """
    )

    @Argument(help: "Rule id globs to subscribe to, such as 'cn-*'.")
    public var rules: [String] = []

    public init() {}

    public func run() async throws {
        throw CleanExit.message("herald sub is not available yet: use a TLS client and the SUB command (PROTOCOL.md).")
    }
}
