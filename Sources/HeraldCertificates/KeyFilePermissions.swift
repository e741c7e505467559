#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-permission rules `herald serve` enforces before it serves TLS, as OpenSSH and PostgreSQL do for their
/// keys: a private key is for its owner's eyes only, and nobody else may be able to swap the files it trusts.
///
/// - A private key (the server key, and the development CA key, which can issue certificates every client of the
///   development CA trusts) must have no permission bits for group or others: mode 0600 or 0400.
/// - The certificate folder, and every folder holding a private key, must not be writable by everyone (`o+w`),
///   sticky bit or not: anyone could otherwise plant a key and certificate of their own before the first start,
///   or replace the ones there.
///
/// Symbolic links are followed, as the TLS loader follows them: what counts is the file the key is read from.
public enum KeyFilePermissions {
    /// One unsafe file or folder, with the command that fixes it.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The file or folder.
        public var path: String
        /// Its permission bits (the low 12 bits of `st_mode`).
        public var mode: Int
        /// What is wrong and how to fix it.
        public var description: String
    }

    /// The problems with `privateKeys` (files that do not exist are skipped: whoever reads them reports that) and
    /// with `folders` plus the folders holding the keys. Empty when everything is safe.
    public static func problems(privateKeys: [String], folders: [String]) -> [Problem] {
        var problems: [Problem] = []
        var checkedFolders: Set<String> = []
        for folder in (folders + privateKeys.map(parentFolder)).map(trimmingTrailingSlashes)
        where checkedFolders.insert(folder).inserted {
            guard let mode = permissionBits(folder), mode & 0o002 != 0 else { continue }
            problems.append(
                Problem(
                    path: folder, mode: mode,
                    description: "\(folder) is writable by everyone (mode \(octal(mode))): anyone on this machine could "
                        + "replace the certificates and keys in it; run `chmod o-w \(folder)`"))
        }
        for key in privateKeys {
            guard let mode = permissionBits(key), mode & 0o077 != 0 else { continue }
            problems.append(
                Problem(
                    path: key, mode: mode,
                    description: "the private key \(key) is accessible by group or others (mode \(octal(mode))): "
                        + "it must be readable by its owner only; run `chmod 600 \(key)`"))
        }
        return problems
    }

    /// The permission bits of `path` (following symbolic links), or `nil` when it cannot be examined.
    static func permissionBits(_ path: String) -> Int? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Int(status.st_mode) & 0o7777
    }

    /// The folder a file is in: `.` for a bare file name.
    static func parentFolder(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// `certs/` and `certs` are the same folder.
    static func trimmingTrailingSlashes(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }

    /// "0644", "01777": as `chmod` takes it.
    static func octal(_ mode: Int) -> String {
        let digits = String(mode, radix: 8)
        return "0" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
