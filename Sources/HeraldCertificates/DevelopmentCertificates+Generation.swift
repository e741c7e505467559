import COpenSSL
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Building keys and certificates with OpenSSL.

extension DevelopmentCertificates {
    /// What distinguishes the CA, server and client certificates; everything else is shared.
    struct CertificateProfile {
        var commonName: String
        var isCA: Bool
        var keyUsage: String
        var extendedKeyUsage: String?
        var subjectAltName: String?
    }

    /// Uses the CA already in the directory if there is one, so regenerating the server certificate does not
    /// invalidate a CA the user has installed; otherwise creates and writes a new one. The caller frees both.
    static func loadOrCreateCA(_ files: DevelopmentCertificates) throws -> (OpaquePointer, OpaquePointer) {
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
    static func generateKey() throws -> OpaquePointer {
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
    static func makeCertificate(
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
        // backdated start so the total validity stays exactly within the 366-day limit.
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
    static func setRandomSerialNumber(_ certificate: OpaquePointer) throws {
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

    static func addExtension(
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
    static func subjectAltNameValue(hostnames: [String], ipAddresses: [String]) throws -> String {
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
