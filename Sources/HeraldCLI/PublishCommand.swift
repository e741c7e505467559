import ArgumentParser

/// `herald publish`: send articles to a running server.
public struct PublishCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Send articles to a running Herald server (not available yet).",
        discussion: """
            Planned: sends FILE, every file in DIR, or standard input ('-') to a server as JSON lines or plain \
            scraped text, and prints a summary of articles sent, duplicates, alerts produced and errors.

            Until it lands, publish with a TLS client: \
            `openssl s_client -quiet -CAfile certs/ca.pem -connect localhost:7443` and type `PUB {"title":…}`, \
            or `ARTICLE`, the text, and a line with a single '.' (see PROTOCOL.md).
            """
    )

    @Argument(help: "Article files or folders; '-' reads standard input.")
    public var inputs: [String] = []

    public init() {}

    public func run() async throws {
        throw CleanExit.message("herald publish is not available yet: use a TLS client and the PUB command (PROTOCOL.md).")
    }
}
