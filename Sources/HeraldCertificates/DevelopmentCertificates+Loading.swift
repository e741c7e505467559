import COpenSSL
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Reading existing certificate files back and checking them before they are reused.

extension DevelopmentCertificates {
    /// Fails with a specific message if reused server files are unreadable, mismatched or expired, because
    /// otherwise the failure would surface much later as an opaque TLS handshake error in a client.
    static func validateExistingServerFiles(_ files: DevelopmentCertificates) throws {
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
    static func checkCA(_ certificate: OpaquePointer, key: OpaquePointer) throws {
        guard X509_check_ca(certificate) != 0 else {
            throw CertificateError("the issuing certificate is not a CA certificate (basicConstraints CA:TRUE missing)")
        }
        guard X509_check_private_key(certificate, key) == 1 else {
            ERR_clear_error()
            throw CertificateError("the CA private key does not match the CA certificate")
        }
    }

    static func readText(_ url: URL) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CertificateError("cannot read \(url.path): \(error.localizedDescription)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses the first certificate in `pem`; the caller frees it with `X509_free`.
    static func readCertificate(pem: String, what: String) throws -> OpaquePointer {
        try withMemoryBIO(pem, what: what) { bio in
            guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
                throw CertificateError.openSSL("reading a PEM certificate from \(what)")
            }
            return certificate
        }
    }

    /// Parses the first private key in `pem`; the caller frees it with `EVP_PKEY_free`.
    static func readPrivateKey(pem: String, what: String) throws -> OpaquePointer {
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

    static func withMemoryBIO<Result>(
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
