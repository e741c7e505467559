import ArgumentParser

/// The `herald` command: a thin tree over the library targets.
public struct HeraldCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Match news articles against analyst rules and push alerts to subscribers over TLS.",
        discussion: """
            Analysts write rules in plain text files (see RULES.md). Herald evaluates every incoming article \
            against every rule and pushes each match, the moment it happens, to subscribed clients as \
            newline-delimited JSON over a TLS socket (see PROTOCOL.md).

            Start a server on its embedded defaults with `herald serve`; check a rule folder with `herald check`; \
            see the clauses a rule (or a `when` sentence) compiles to with `herald explain RULE`; try rules on \
            articles without a server with `herald match FILE`.
            """,
        version: HeraldVersion.current,
        subcommands: [
            ServeCommand.self, CheckCommand.self, ExplainCommand.self, MatchCommand.self, BacktestCommand.self, EvalCommand.self, PublishCommand.self, SubCommand.self,
            TokenCommand.self,
        ]
    )

    public init() {}
}

/// The version printed by `--version` and sent in the protocol's `hello`.
public enum HeraldVersion {
    public static let current = "0.1.0"
}
