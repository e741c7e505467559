import NIOCore
/// How to reach a Herald server: address, trust, identity.
public struct HeraldClientOptions: Sendable {
    public var host: String
    public var port: Int
    /// The CA that signed the server's certificate (PEM); `nil` trusts the system's roots.
    public var caFile: String?
    /// A client certificate and key (PEM) for mutual TLS.
    public var certificateFile: String?
    public var keyFile: String?
    /// Sent as `AUTH <token>` after `hello`.
    public var token: String?
    /// The longest line accepted from the server.
    public var maximumLineBytes: Int
    /// How long the server may stay silent before the connection is treated as dead and fails with
    /// ``HeraldClientError`` (`nil`: wait forever). A server sends subscribers a heartbeat line every 30 s by
    /// default, so a few intervals of silence mean the server or the path to it is gone.
    public var silenceTimeout: TimeAmount?

    public init(
        host: String = "localhost", port: Int = 7443, caFile: String? = nil, certificateFile: String? = nil,
        keyFile: String? = nil, token: String? = nil, maximumLineBytes: Int = 16 << 20
    ) {
        self.host = host
        self.port = port
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.token = token
        self.maximumLineBytes = maximumLineBytes
    }
}
