import COpenSSL
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// PEM encoding and writing files with the right permissions.

extension DevelopmentCertificates {
    static func certificatePEM(_ certificate: OpaquePointer) throws -> String {
        try memoryBIOString("writing a PEM certificate") { PEM_write_bio_X509($0, certificate) == 1 }
    }

    /// PKCS#8 ("BEGIN PRIVATE KEY") rather than the legacy EC format, since that is what most TLS stacks expect.
    static func privateKeyPEM(_ key: OpaquePointer) throws -> String {
        try memoryBIOString("writing a PEM private key") {
            PEM_write_bio_PKCS8PrivateKey($0, key, nil, nil, 0, nil, nil) == 1
        }
    }

    static func timeString(_ time: UnsafePointer<ASN1_TIME>) -> String {
        (try? memoryBIOString("formatting a time") { ASN1_TIME_print($0, time) == 1 }) ?? "an unreadable date"
    }

    /// Runs `write` against a fresh memory BIO and returns everything it wrote.
    static func memoryBIOString(_ operation: String, _ write: (OpaquePointer) -> Bool) throws -> String {
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
    static func writeFile(_ url: URL, contents: String, mode: mode_t) throws {
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
