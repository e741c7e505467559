import Foundation
import HeraldArticle
import HeraldCore
import HeraldProtocol

/// The tokens and client-certificate mappings that give connections their roles.
///
/// One entry per line; `#` starts a comment:
///
///     token alice roles=publish,subscribe sha256=<64 hex digits: SHA-256 of the token>
///     cert CN=analyst-1 roles=subscribe
///     cert sha256=AB:CD:… roles=admin
///
/// Tokens are stored only as SHA-256 hashes, so the file is not a secret in itself (but keep it private anyway:
/// it says who may do what).
public struct AuthFile: Sendable, Hashable {
    /// A token's name (for logs and `CLIENTS`), its roles, and the SHA-256 of the token.
    public struct Token: Sendable, Hashable {
        /// Shown in logs and `CLIENTS`; never secret.
        public var name: String
        /// What `AUTH` with this token adds.
        public var roles: [Role]
        /// SHA-256 of the token's UTF-8 bytes.
        public var hash: [UInt8]
    }

    /// A client certificate, named by subject common name or by SHA-256 fingerprint, and its roles.
    public struct Certificate: Sendable, Hashable {
        /// How a certificate is recognised.
        public enum Match: Sendable, Hashable {
            /// `cert CN=NAME`: the subject common name, compared exactly.
            case commonName(String)
            /// Uppercase hex bytes joined by colons, as `openssl x509 -fingerprint -sha256` prints them.
            case fingerprint(String)
        }
        /// Which certificates this entry is for.
        public var match: Match
        /// The roles a matching certificate gives its connection from the start.
        public var roles: [Role]
    }

    /// The tokens, in file order.
    public var tokens: [Token]
    /// The certificate mappings, in file order.
    public var certificates: [Certificate]

    /// Creates an auth configuration.
    public init(tokens: [Token] = [], certificates: [Certificate] = []) {
        self.tokens = tokens
        self.certificates = certificates
    }

    /// A line of the file that does not parse.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// The 1-based line number.
        public var line: Int
        /// What is wrong and how to write it.
        public var message: String
        /// `line N: message`.
        public var description: String { "line \(line): \(message)" }
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws -> AuthFile {
        try parse(String(contentsOfFile: path, encoding: .utf8))
    }

    /// Parses the file's text.
    public static func parse(_ text: String) throws(ParseError) -> AuthFile {
        var file = AuthFile()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let kind = words.first else { continue }
            let fields = Dictionary(
                words.dropFirst().compactMap { word -> (String, String)? in
                    guard let equals = word.firstIndex(of: "=") else { return nil }
                    return (word[..<equals].lowercased(), String(word[word.index(after: equals)...]))
                }, uniquingKeysWith: { first, _ in first })
            guard let roles = fields["roles"].flatMap(Role.list) else {
                throw ParseError(line: index + 1, message: "needs roles=LIST (subscribe, publish, admin)")
            }
            switch kind {
            case "token":
                guard words.count >= 2, !words[1].contains("=") else {
                    throw ParseError(line: index + 1, message: "write: token NAME roles=LIST sha256=HEX")
                }
                guard let hex = fields["sha256"], let hash = Self.bytes(hex: hex), hash.count == 32 else {
                    throw ParseError(line: index + 1, message: "a token needs sha256= with 64 hex digits")
                }
                file.tokens.append(Token(name: words[1], roles: roles, hash: hash))
            case "cert":
                if let name = fields["cn"] {
                    file.certificates.append(Certificate(match: .commonName(name), roles: roles))
                } else if let print = fields["sha256"], let bytes = Self.bytes(hex: print), bytes.count == 32 {
                    file.certificates.append(Certificate(match: .fingerprint(Self.fingerprint(bytes)), roles: roles))
                } else {
                    throw ParseError(line: index + 1, message: "write: cert CN=NAME roles=LIST or cert sha256=AB:CD:… roles=LIST")
                }
            default:
                throw ParseError(line: index + 1, message: "unknown entry '\(kind)'; expected token or cert")
            }
        }
        return file
    }

    /// The token entry for `token`, comparing hashes in constant time and always against every entry, so the
    /// time taken says nothing about which entry (if any) matched.
    public func authenticate(token: String) -> Token? {
        let hash = SHA256Digest.hash(Array(token.utf8))
        var found: Token?
        for entry in tokens where Self.constantTimeEqual(entry.hash, hash) && found == nil {
            found = entry
        }
        return found
    }

    /// The roles and name for a client certificate; a fingerprint mapping wins over a common-name one.
    public func roles(commonName: String?, fingerprint: String?) -> (name: String, roles: [Role])? {
        if let fingerprint {
            for entry in certificates where entry.match == .fingerprint(fingerprint.uppercased()) {
                return (commonName ?? fingerprint, entry.roles)
            }
        }
        if let commonName {
            for entry in certificates where entry.match == .commonName(commonName) {
                return (commonName, entry.roles)
            }
        }
        return nil
    }

    /// The line `herald token add` appends for a new token.
    public static func tokenLine(name: String, roles: [Role], token: String) -> String {
        let hash = SHA256Digest.hex(token)
        return "token \(name) roles=\(roles.map(\.rawValue).joined(separator: ",")) sha256=\(hash)"
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.filter { $0 != ":" }.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
            index += 2
        }
        return bytes
    }

    static func fingerprint(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02X", $0) }.joined(separator: ":")
    }
}
