import COpenSSL
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure while generating, loading or inspecting certificates.
///
/// The message names the step that failed and, when OpenSSL was involved, carries OpenSSL's own error queue,
/// because "could not sign" alone is useless when the real cause is a malformed key deep inside the library.
public struct CertificateError: Error, CustomStringConvertible {
    /// A human-readable explanation, including OpenSSL's error strings when there were any.
    public let message: String

    /// Creates an error with a fixed message and no OpenSSL detail.
    public init(_ message: String) {
        self.message = message
    }

    /// Creates an error for a failed OpenSSL call, draining the calling thread's OpenSSL error queue into the message.
    ///
    /// Draining matters: the queue is per thread, and leftovers would otherwise be blamed on the next failure.
    static func openSSL(_ operation: String) -> CertificateError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, 256)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        if reasons.isEmpty {
            return CertificateError("\(operation) failed (OpenSSL reported no further detail)")
        }
        return CertificateError("\(operation) failed: \(reasons.joined(separator: "; "))")
    }

    /// The same text as ``message``.
    public var description: String { message }
}

/// The TLS files for running Herald locally over HTTPS: a private development CA and a server certificate it signed.
///
/// Trusting `ca.pem` once (in a browser or with `curl --cacert`) makes every server certificate issued from it
/// trusted, so the server certificate can be regenerated for new hostnames without touching the trust store again.
public struct DevelopmentCertificates: Sendable {
    /// The directory holding the four PEM files.
    public let directory: URL
    /// The development CA certificate (`ca.pem`); this is the file clients trust.
    public let caCertificate: URL
    /// The development CA private key (`ca-key.pem`, mode 0600), needed only to issue further certificates.
    public let caKey: URL
    /// The server certificate (`server.pem`) signed by the development CA.
    public let serverCertificate: URL
    /// The server private key (`server-key.pem`, mode 0600).
    public let serverKey: URL

    /// Describes the standard file layout inside `directory` without touching the file system.
    public init(directory: URL) {
        self.directory = directory
        self.caCertificate = directory.appendingPathComponent("ca.pem", isDirectory: false)
        self.caKey = directory.appendingPathComponent("ca-key.pem", isDirectory: false)
        self.serverCertificate = directory.appendingPathComponent("server.pem", isDirectory: false)
        self.serverKey = directory.appendingPathComponent("server-key.pem", isDirectory: false)
    }

    /// Apple platforms reject TLS server certificates valid for longer than 825 days, and browsers follow suit.
    static let validityDays = 825

    /// Makes sure `directory` holds a usable server certificate and key, generating them on first use.
    ///
    /// - If `server.pem` and `server-key.pem` both exist they are reused as they are: they must be readable,
    ///   parse, belong together and not be expired. Nothing is regenerated, so a trusted setup never changes
    ///   underneath the user.
    /// - If only one of them exists, the directory is in a state Herald did not leave it in, and this throws
    ///   instead of guessing which file to trust.
    /// - Otherwise the directory is created (mode 0755) and a new ECDSA P-256 server certificate is issued for
    ///   `hostnames` and `ipAddresses` (as subject alternative names; the common name is the first hostname).
    ///   If `ca.pem` and `ca-key.pem` already exist, that CA signs it, so a CA the user already trusts keeps
    ///   working; otherwise a new development CA is generated first.
    ///
    /// Private keys are written with mode 0600 from the moment they are created.
    ///
    /// - Returns: The file locations, and whether a new server certificate was written.
    public static func ensure(
        in directory: URL,
        hostnames: [String] = ["localhost"],
        ipAddresses: [String] = ["127.0.0.1", "::1"]
    ) throws -> (DevelopmentCertificates, created: Bool) {
        let files = DevelopmentCertificates(directory: directory)
        let fileManager = FileManager.default

        let serverCertificateExists = fileManager.fileExists(atPath: files.serverCertificate.path)
        let serverKeyExists = fileManager.fileExists(atPath: files.serverKey.path)
        switch (serverCertificateExists, serverKeyExists) {
        case (true, true):
            try validateExistingServerFiles(files)
            return (files, created: false)
        case (true, false), (false, true):
            let present = serverCertificateExists ? files.serverCertificate : files.serverKey
            let missing = serverCertificateExists ? files.serverKey : files.serverCertificate
            throw CertificateError(
                "\(present.path) exists but \(missing.path) does not; "
                    + "remove \(present.lastPathComponent) to have a new server certificate generated"
            )
        case (false, false):
            break
        }

        // Validate before creating anything, so bad input leaves no half-populated directory behind.
        let subjectAltName = try subjectAltNameValue(hostnames: hostnames, ipAddresses: ipAddresses)
        let commonName = hostnames.first ?? ipAddresses.first ?? "localhost"

        do {
            try fileManager.createDirectory(
                at: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o755]
            )
        } catch {
            throw CertificateError(
                "cannot create certificate directory \(directory.path): \(error.localizedDescription)")
        }

        ERR_clear_error()
        let (caCertificate, caKey) = try loadOrCreateCA(files)
        defer {
            X509_free(caCertificate)
            EVP_PKEY_free(caKey)
        }

        let serverKey = try generateKey()
        defer { EVP_PKEY_free(serverKey) }
        let serverCertificate = try makeCertificate(
            profile: CertificateProfile(
                commonName: commonName,
                isCA: false,
                keyUsage: "critical,digitalSignature",
                extendedKeyUsage: "serverAuth",
                subjectAltName: subjectAltName
            ),
            subjectKey: serverKey,
            issuer: (caCertificate, caKey)
        )
        defer { X509_free(serverCertificate) }

        // The key goes first and the certificate last: the certificate's presence is what marks the pair as
        // complete, so an interrupted run is detected (one file only) instead of serving a certificate without its key.
        try writeFile(files.serverKey, contents: privateKeyPEM(serverKey), mode: 0o600)
        try writeFile(files.serverCertificate, contents: certificatePEM(serverCertificate), mode: 0o644)
        return (files, created: true)
    }

    /// Issues a certificate for TLS client authentication, signed by the given CA.
    ///
    /// Meant for mutual-TLS tests and for handing a development client its identity; the key is a fresh
    /// ECDSA P-256 key and is returned, never stored.
    ///
    /// - Parameters:
    ///   - commonName: The subject common name, e.g. the client's name (1 to 64 characters).
    ///   - caCertificatePEM: The issuing CA certificate in PEM form (for example the contents of `ca.pem`).
    ///   - caKeyPEM: The issuing CA's unencrypted private key in PEM form (for example the contents of `ca-key.pem`).
    /// - Returns: The client certificate and its PKCS#8 private key, both PEM encoded.
    public static func issueClientCertificate(
        commonName: String,
        caCertificatePEM: String,
        caKeyPEM: String
    ) throws -> (certificatePEM: String, keyPEM: String) {
        guard !commonName.isEmpty, commonName.unicodeScalars.count <= 64 else {
            throw CertificateError("client common name must be 1 to 64 characters, got \"\(commonName)\"")
        }
        ERR_clear_error()
        let caCertificate = try readCertificate(pem: caCertificatePEM, what: "CA certificate")
        defer { X509_free(caCertificate) }
        let caKey = try readPrivateKey(pem: caKeyPEM, what: "CA private key")
        defer { EVP_PKEY_free(caKey) }
        try checkCA(caCertificate, key: caKey)

        let clientKey = try generateKey()
        defer { EVP_PKEY_free(clientKey) }
        let clientCertificate = try makeCertificate(
            profile: CertificateProfile(
                commonName: commonName,
                isCA: false,
                keyUsage: "critical,digitalSignature",
                extendedKeyUsage: "clientAuth",
                subjectAltName: nil
            ),
            subjectKey: clientKey,
            issuer: (caCertificate, caKey)
        )
        defer { X509_free(clientCertificate) }
        return (try certificatePEM(clientCertificate), try privateKeyPEM(clientKey))
    }

    /// Returns the SHA-256 fingerprint of the first certificate in `pem`, in the form
    /// `openssl x509 -noout -fingerprint -sha256` prints: uppercase hex bytes joined by colons ("AB:CD:…").
    ///
    /// Useful for pinning and for showing the user which CA to trust.
    public static func fingerprintSHA256(pem: String) throws -> String {
        ERR_clear_error()
        let certificate = try readCertificate(pem: pem, what: "certificate")
        defer { X509_free(certificate) }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else {
            throw CertificateError.openSSL("computing the certificate fingerprint")
        }
        return SHA256Digest.hexString(Array(digest.prefix(Int(length))), uppercase: true, separator: UInt8(ascii: ":"))
    }
}

// MARK: - Generation

extension DevelopmentCertificates {
    /// What distinguishes the CA, server and client certificates; everything else is shared.
    private struct CertificateProfile {
        var commonName: String
        var isCA: Bool
        var keyUsage: String
        var extendedKeyUsage: String?
        var subjectAltName: String?
    }

    /// Uses the CA already in the directory if there is one, so regenerating the server certificate does not
    /// invalidate a CA the user has installed; otherwise creates and writes a new one. The caller frees both.
    private static func loadOrCreateCA(_ files: DevelopmentCertificates) throws -> (OpaquePointer, OpaquePointer) {
        let fileManager = FileManager.default
        let certificateExists = fileManager.fileExists(atPath: files.caCertificate.path)
        let keyExists = fileManager.fileExists(atPath: files.caKey.path)
        switch (certificateExists, keyExists) {
        case (true, true):
            let certificate = try readCertificate(pem: readText(files.caCertificate), what: files.caCertificate.path)
            do {
                let key = try readPrivateKey(pem: readText(files.caKey), what: files.caKey.path)
                do {
                    try checkCA(certificate, key: key)
                    return (certificate, key)
                } catch {
                    EVP_PKEY_free(key)
                    throw error
                }
            } catch {
                X509_free(certificate)
                throw error
            }
        case (true, false), (false, true):
            let present = certificateExists ? files.caCertificate : files.caKey
            let missing = certificateExists ? files.caKey : files.caCertificate
            throw CertificateError(
                "\(present.path) exists but \(missing.path) does not; "
                    + "remove \(present.lastPathComponent) to have a new development CA generated"
            )
        case (false, false):
            let key = try generateKey()
            do {
                let certificate = try makeCertificate(
                    profile: CertificateProfile(
                        commonName: "Herald Development CA",
                        isCA: true,
                        keyUsage: "critical,keyCertSign,cRLSign",
                        extendedKeyUsage: nil,
                        subjectAltName: nil
                    ),
                    subjectKey: key,
                    issuer: nil
                )
                do {
                    // Key before certificate, for the same interrupted-run reason as the server pair.
                    try writeFile(files.caKey, contents: privateKeyPEM(key), mode: 0o600)
                    try writeFile(files.caCertificate, contents: certificatePEM(certificate), mode: 0o644)
                    return (certificate, key)
                } catch {
                    X509_free(certificate)
                    throw error
                }
            } catch {
                EVP_PKEY_free(key)
                throw error
            }
        }
    }

    /// Generates a fresh ECDSA P-256 key; the caller frees it with `EVP_PKEY_free`.
    ///
    /// P-256 rather than RSA: generation takes milliseconds and every TLS client supports it.
    private static func generateKey() throws -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else {
            throw CertificateError.openSSL("creating an EC key generation context")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) > 0 else {
            throw CertificateError.openSSL("initialising EC key generation")
        }
        guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1) > 0 else {
            throw CertificateError.openSSL("selecting curve P-256")
        }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen(context, &key) > 0, let key else {
            throw CertificateError.openSSL("generating an EC P-256 key")
        }
        return key
    }

    /// Builds and signs a v3 certificate for `subjectKey`; with no issuer it is self-signed.
    /// The caller frees the result with `X509_free`.
    private static func makeCertificate(
        profile: CertificateProfile,
        subjectKey: OpaquePointer,
        issuer: (certificate: OpaquePointer, key: OpaquePointer)?
    ) throws -> OpaquePointer {
        guard let certificate = X509_new() else {
            throw CertificateError.openSSL("allocating a certificate")
        }
        var succeeded = false
        defer {
            if !succeeded { X509_free(certificate) }
        }

        guard X509_set_version(certificate, Int(X509_VERSION_3)) == 1 else {
            throw CertificateError.openSSL("setting the certificate version")
        }
        try setRandomSerialNumber(certificate)

        // Backdating by an hour tolerates clients whose clocks run slightly behind; the end is measured from the
        // backdated start so the total validity stays exactly within the 825-day limit.
        guard X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil,
            X509_time_adj_ex(X509_getm_notAfter(certificate), Int32(validityDays), -3600, nil) != nil
        else {
            throw CertificateError.openSSL("setting the validity period")
        }

        guard let subject = X509_NAME_new() else {
            throw CertificateError.openSSL("allocating a subject name")
        }
        defer { X509_NAME_free(subject) }
        let commonName = Array(profile.commonName.utf8)
        guard
            X509_NAME_add_entry_by_NID(
                subject, NID_commonName, MBSTRING_UTF8, commonName, Int32(commonName.count), -1, 0) == 1
        else {
            throw CertificateError.openSSL("setting common name \"\(profile.commonName)\"")
        }
        // Both setters copy the name, so freeing `subject` afterwards is correct.
        guard X509_set_subject_name(certificate, subject) == 1,
            X509_set_issuer_name(certificate, issuer.flatMap { X509_get_subject_name($0.certificate) } ?? subject) == 1
        else {
            throw CertificateError.openSSL("setting subject and issuer names")
        }
        guard X509_set_pubkey(certificate, subjectKey) == 1 else {
            throw CertificateError.openSSL("setting the public key")
        }

        // The extension context resolves "hash" and "keyid" against the subject and issuer certificates.
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.certificate ?? certificate, certificate, nil, nil, 0)
        try addExtension(
            certificate, &context, nid: NID_basic_constraints,
            value: profile.isCA ? "critical,CA:TRUE" : "critical,CA:FALSE")
        try addExtension(certificate, &context, nid: NID_key_usage, value: profile.keyUsage)
        if let extendedKeyUsage = profile.extendedKeyUsage {
            try addExtension(certificate, &context, nid: NID_ext_key_usage, value: extendedKeyUsage)
        }
        try addExtension(certificate, &context, nid: NID_subject_key_identifier, value: "hash")
        if issuer != nil {
            try addExtension(certificate, &context, nid: NID_authority_key_identifier, value: "keyid:always")
        }
        if let subjectAltName = profile.subjectAltName {
            try addExtension(certificate, &context, nid: NID_subject_alt_name, value: subjectAltName)
        }

        guard X509_sign(certificate, issuer?.key ?? subjectKey, EVP_sha256()) > 0 else {
            throw CertificateError.openSSL("signing the certificate for \"\(profile.commonName)\"")
        }
        succeeded = true
        return certificate
    }

    /// Sets a random positive 128-bit serial number; randomness keeps serials from one CA unique across runs
    /// without any state, which browsers require of certificates they have seen before.
    private static func setRandomSerialNumber(_ certificate: OpaquePointer) throws {
        var bytes = [UInt8](repeating: 0, count: 16)
        repeat {
            guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else {
                throw CertificateError.openSSL("generating a serial number")
            }
        } while bytes.allSatisfy { $0 == 0 }  // RFC 5280 requires a positive serial
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
            throw CertificateError.openSSL("converting the serial number")
        }
        defer { BN_free(number) }
        // Converting into the certificate's own serial field avoids allocating and freeing a separate integer.
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil else {
            throw CertificateError.openSSL("setting the serial number")
        }
    }

    private static func addExtension(
        _ certificate: OpaquePointer,
        _ context: inout X509V3_CTX,
        nid: Int32,
        value: String
    ) throws {
        guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
            let name = OBJ_nid2sn(nid).map { String(cString: $0) } ?? "extension \(nid)"
            throw CertificateError.openSSL("building \(name) = \(value)")
        }
        defer { X509_EXTENSION_free(ext) }
        // X509_add_ext copies the extension, hence the unconditional free above.
        guard X509_add_ext(certificate, ext, -1) == 1 else {
            throw CertificateError.openSSL("adding extension \(value)")
        }
    }

    /// Builds the OpenSSL config string for the subjectAltName extension.
    ///
    /// Entries are validated strictly because the config syntax uses "," and ":" as separators: an unchecked
    /// hostname could otherwise smuggle in extra names.
    private static func subjectAltNameValue(hostnames: [String], ipAddresses: [String]) throws -> String {
        guard !hostnames.isEmpty || !ipAddresses.isEmpty else {
            throw CertificateError("a server certificate needs at least one hostname or IP address")
        }
        var entries: [String] = []
        for hostname in hostnames {
            let allowed = hostname.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                        || scalar == "-" || scalar == "." || scalar == "*")
            }
            guard !hostname.isEmpty, hostname.utf8.count <= 253, allowed else {
                throw CertificateError(
                    "invalid hostname \"\(hostname)\" (use ASCII letters, digits, '-', '.', '*'; IDNs in punycode)")
            }
            entries.append("DNS:\(hostname)")
        }
        for address in ipAddresses {
            // Ask OpenSSL itself, so anything accepted here is exactly what the extension parser accepts.
            guard let parsed = a2i_IPADDRESS(address) else {
                ERR_clear_error()
                throw CertificateError("invalid IP address \"\(address)\"")
            }
            ASN1_OCTET_STRING_free(parsed)
            entries.append("IP:\(address)")
        }
        return entries.joined(separator: ",")
    }
}

// MARK: - Loading and checking

extension DevelopmentCertificates {
    /// Fails with a specific message if reused server files are unreadable, mismatched or expired, because
    /// otherwise the failure would surface much later as an opaque TLS handshake error in a client.
    private static func validateExistingServerFiles(_ files: DevelopmentCertificates) throws {
        let certificatePEM = try readText(files.serverCertificate)
        let keyPEM = try readText(files.serverKey)
        ERR_clear_error()
        let certificate = try readCertificate(pem: certificatePEM, what: files.serverCertificate.path)
        defer { X509_free(certificate) }
        let key = try readPrivateKey(pem: keyPEM, what: files.serverKey.path)
        defer { EVP_PKEY_free(key) }
        guard X509_check_private_key(certificate, key) == 1 else {
            ERR_clear_error()
            throw CertificateError(
                "\(files.serverKey.path) does not belong to \(files.serverCertificate.path); "
                    + "remove both to have a new pair generated")
        }
        guard let notAfter = X509_get0_notAfter(certificate) else {
            throw CertificateError.openSSL("reading the expiry date of \(files.serverCertificate.path)")
        }
        switch X509_cmp_current_time(notAfter) {
        case 0:
            throw CertificateError.openSSL("reading the expiry date of \(files.serverCertificate.path)")
        case ..<0:
            throw CertificateError(
                "\(files.serverCertificate.path) expired on \(timeString(notAfter)); "
                    + "remove server.pem and server-key.pem to have a new pair generated")
        default:
            break
        }
    }

    /// Checks that `certificate` is a CA and that `key` is its private key, so a wrong pairing fails here
    /// with a clear message rather than producing certificates no client will accept.
    private static func checkCA(_ certificate: OpaquePointer, key: OpaquePointer) throws {
        guard X509_check_ca(certificate) != 0 else {
            throw CertificateError("the issuing certificate is not a CA certificate (basicConstraints CA:TRUE missing)")
        }
        guard X509_check_private_key(certificate, key) == 1 else {
            ERR_clear_error()
            throw CertificateError("the CA private key does not match the CA certificate")
        }
    }

    private static func readText(_ url: URL) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CertificateError("cannot read \(url.path): \(error.localizedDescription)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses the first certificate in `pem`; the caller frees it with `X509_free`.
    private static func readCertificate(pem: String, what: String) throws -> OpaquePointer {
        try withMemoryBIO(pem, what: what) { bio in
            guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
                throw CertificateError.openSSL("reading a PEM certificate from \(what)")
            }
            return certificate
        }
    }

    /// Parses the first private key in `pem`; the caller frees it with `EVP_PKEY_free`.
    private static func readPrivateKey(pem: String, what: String) throws -> OpaquePointer {
        try withMemoryBIO(pem, what: what) { bio in
            // Without a callback OpenSSL would prompt on the terminal for an encrypted key's passphrase,
            // which would hang a server; refusing makes an encrypted key fail with an error instead.
            let refusePassphrase: @convention(c) (
                UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?
            ) -> Int32 = { _, _, _, _ in 0 }
            guard let key = PEM_read_bio_PrivateKey(bio, nil, refusePassphrase, nil) else {
                throw CertificateError.openSSL("reading an unencrypted PEM private key from \(what)")
            }
            return key
        }
    }

    private static func withMemoryBIO<Result>(
        _ pem: String,
        what: String,
        _ body: (OpaquePointer) throws -> Result
    ) throws -> Result {
        let bytes = Array(pem.utf8)
        guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else {
            throw CertificateError("\(what) is empty or too large to be PEM")
        }
        return try bytes.withUnsafeBytes { buffer in
            // The memory BIO reads `bytes` in place, so it must not outlive this closure.
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                throw CertificateError.openSSL("creating a memory BIO")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }
}

// MARK: - Encoding and writing

extension DevelopmentCertificates {
    private static func certificatePEM(_ certificate: OpaquePointer) throws -> String {
        try memoryBIOString("writing a PEM certificate") { PEM_write_bio_X509($0, certificate) == 1 }
    }

    /// PKCS#8 ("BEGIN PRIVATE KEY") rather than the legacy EC format, since that is what most TLS stacks expect.
    private static func privateKeyPEM(_ key: OpaquePointer) throws -> String {
        try memoryBIOString("writing a PEM private key") {
            PEM_write_bio_PKCS8PrivateKey($0, key, nil, nil, 0, nil, nil) == 1
        }
    }

    private static func timeString(_ time: UnsafePointer<ASN1_TIME>) -> String {
        (try? memoryBIOString("formatting a time") { ASN1_TIME_print($0, time) == 1 }) ?? "an unreadable date"
    }

    /// Runs `write` against a fresh memory BIO and returns everything it wrote.
    private static func memoryBIOString(_ operation: String, _ write: (OpaquePointer) -> Bool) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw CertificateError.openSSL("creating a memory BIO")
        }
        defer { BIO_free(bio) }
        guard write(bio) else {
            throw CertificateError.openSSL(operation)
        }
        let pending = BIO_ctrl_pending(bio)
        guard pending <= Int32.max else {
            throw CertificateError("\(operation) produced too much output")
        }
        var output = [UInt8](repeating: 0, count: Int(pending))
        let read = BIO_read(bio, &output, Int32(pending))
        guard read == Int32(pending) else {
            throw CertificateError.openSSL("\(operation): reading the memory BIO")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Writes `contents` to `url` atomically with the given permissions.
    ///
    /// The data goes to a temporary file that is created with `mode` (so a private key is never readable by
    /// others, not even briefly) and then renamed into place (so no reader sees a half-written PEM).
    private static func writeFile(_ url: URL, contents: String, mode: mode_t) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString).tmp", isDirectory: false)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw CertificateError("cannot create \(temporary.path): \(String(cString: strerror(errno)))")
        }
        var renamed = false
        defer {
            if !renamed { unlink(temporary.path) }
        }
        do {
            defer { close(descriptor) }
            try Array(contents.utf8).withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(descriptor, buffer.baseAddress?.advanced(by: offset), buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw CertificateError("cannot write \(temporary.path): \(String(cString: strerror(errno)))")
                    }
                    offset += written
                }
            }
            // Flush before the rename, or a crash could leave the final name pointing at an empty file.
            guard fsync(descriptor) == 0 else {
                throw CertificateError("cannot flush \(temporary.path): \(String(cString: strerror(errno)))")
            }
        }
        guard rename(temporary.path, url.path) == 0 else {
            throw CertificateError("cannot move \(temporary.path) to \(url.path): \(String(cString: strerror(errno)))")
        }
        renamed = true
    }
}
