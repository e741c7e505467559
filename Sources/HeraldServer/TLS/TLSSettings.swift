import NIOSSL

/// Where the server's TLS identity comes from, and whether clients must present certificates.
public struct TLSSettings: Sendable, Hashable {
    /// PEM file with the server certificate (and any intermediates after it).
    public var certificateChainPath: String
    /// PEM file with the server's private key.
    public var privateKeyPath: String
    /// PEM file with the CAs that sign client certificates; setting it turns on mutual TLS.
    public var clientCAPath: String?

    /// Creates settings from file paths.
    public init(certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
    }

    /// TLS 1.2 suites allowed: ECDHE key exchange (forward secrecy) with an AEAD cipher, for ECDSA and RSA keys.
    /// TLS 1.3 suites are all forward-secret AEAD by definition and are not configurable.
    public static let tls12CipherSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    /// Builds the shared server context: TLS 1.2 minimum (the library default is 1.0), TLS 1.3 preferred
    /// (the highest version both sides support is always chosen), forward-secret AEAD suites only.
    public func makeContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateChainPath)
        let key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.cipherSuiteValues = Self.tls12CipherSuites
        // Closing waits this long for the client's close_notify (the library default is 5 s). The server only
        // closes after its own grace period has already expired, so waiting again would merely hold the socket.
        configuration.shutdownTimeout = .seconds(1)
        if let clientCAPath {
            configuration.trustRoots = .file(clientCAPath)
            // On a server this means: require a client certificate and verify it against the trust roots;
            // there is no host name to check for a client.
            configuration.certificateVerification = .noHostnameVerification
        }
        return try NIOSSLContext(configuration: configuration)
    }
}
