import ArgumentParser
import Foundation
import HeraldClient

/// The options every client command uses to reach a server: address, trust, identity.
struct ServerConnectionOptions: ParsableArguments {
    @Option(help: "Server host name (verified against its certificate).")
    var host = "localhost"

    @Option(help: "Server port.")
    var port = 7443

    @Option(help: ArgumentHelp("CA certificate to trust (PEM); default certs/ca.pem when it exists.", valueName: "file"))
    var ca: String?

    @Option(help: ArgumentHelp("Client certificate for mutual TLS (PEM).", valueName: "file"))
    var cert: String?

    @Option(help: ArgumentHelp("Private key for --cert (PEM).", valueName: "file"))
    var key: String?

    @Option(help: "Token to authenticate with (default: the HERALD_TOKEN environment variable).")
    var token: String?

    func validate() throws {
        if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together.") }
    }

    /// The client options, with the defaults filled in from the working folder and the environment.
    var clientOptions: HeraldClientOptions {
        HeraldClientOptions(
            host: host, port: port,
            caFile: ca ?? (FileManager.default.fileExists(atPath: "certs/ca.pem") ? "certs/ca.pem" : nil),
            certificateFile: cert, keyFile: key, token: token ?? ProcessInfo.processInfo.environment["HERALD_TOKEN"])
    }
}
