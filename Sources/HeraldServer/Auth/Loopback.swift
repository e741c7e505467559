#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HeraldServer {
    /// Whether `host` can only ever mean this machine, which is what protected mode (no auth file) requires:
    /// an IPv4 address in 127.0.0.0/8 or the IPv6 address ::1, each as the address parses (so `0:0:0:0:0:0:0:1`
    /// counts), or the name `localhost` (any case).
    ///
    /// Any other name is refused, even one that starts with `127.`: `127.0.0.1.nip.io` or `127.example.com` is a
    /// DNS name that can resolve anywhere. Shortened forms such as `127.1` are refused too; write `127.0.0.1`.
    public static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            // s_addr is in network order: the first octet is the most significant byte.
            return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            return withUnsafeBytes(of: &ipv6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
        }
        return false
    }
}
