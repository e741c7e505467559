import NIOConcurrencyHelpers

/// Counts open TCP connections, in total and per client address, and decides at accept time whether a new one
/// may become a session.
///
/// A refused connection is still answered, after its TLS handshake, with one `error` `too_many_connections`
/// line, so a client learns why it was turned away rather than seeing a bare reset. Answering costs a handshake,
/// so only a few refusals are in flight at once; beyond that a refused connection is closed before TLS (a flood
/// must not be able to make the server do expensive work on its behalf).
final class ConnectionLimiter: Sendable {
    /// What to do with a newly accepted connection.
    enum Admission: Sendable, Equatable {
        /// Serve it; ``release(_:admitted:)`` with `admitted: true` when it ends.
        case admitted
        /// Complete the handshake, send `too_many_connections`, close; release with `admitted: false`.
        case refused(String)
        /// Close it now, before TLS; nothing to release.
        case dropped
    }

    /// How many refused connections may be getting their explanatory handshake at the same time.
    static let maximumRefusalsInFlight = 64

    private let maximumTotal: Int
    private let maximumPerAddress: Int
    private let state = NIOLockedValueBox(State())

    private struct State {
        var total = 0
        var byAddress: [String: Int] = [:]
        var refusing = 0
    }

    /// Limits of `maximumTotal` connections and `maximumPerAddress` from one IP address (0 or less: no limit).
    init(maximumTotal: Int, maximumPerAddress: Int) {
        self.maximumTotal = maximumTotal
        self.maximumPerAddress = maximumPerAddress
    }

    /// Admits or refuses a connection from `address` (its IP address, without the port).
    func admit(_ address: String) -> Admission {
        state.withLockedValue { state in
            let fromAddress = state.byAddress[address, default: 0]
            var refusal: String?
            if maximumTotal > 0, state.total >= maximumTotal {
                refusal = "the server has its maximum of \(maximumTotal) connections; try again later"
            } else if maximumPerAddress > 0, fromAddress >= maximumPerAddress {
                refusal = "\(address) has its maximum of \(maximumPerAddress) connections; close one and try again"
            }
            guard let refusal else {
                state.total += 1
                state.byAddress[address] = fromAddress + 1
                return .admitted
            }
            guard state.refusing < Self.maximumRefusalsInFlight else { return .dropped }
            state.refusing += 1
            return .refused(refusal)
        }
    }

    /// Gives back what ``admit(_:)`` took for a connection that has now ended.
    func release(_ address: String, admitted: Bool) {
        state.withLockedValue { state in
            guard admitted else {
                state.refusing -= 1
                return
            }
            state.total -= 1
            let left = state.byAddress[address, default: 1] - 1
            // Removed at zero so a scan from many addresses leaves no residue behind.
            state.byAddress[address] = left > 0 ? left : nil
        }
    }
}
