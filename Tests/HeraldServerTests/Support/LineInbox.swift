import NIOConcurrencyHelpers

/// Lines received by a test client, with a deadline on every wait so a missing line fails fast instead of hanging.
final class LineInbox: Sendable {
    enum Event: Sendable, Equatable {
        case line(String)
        case closed
        case timedOut
    }

    private struct State {
        var lines: [String] = []
        var isClosed = false
        var waiter: (id: Int, continuation: CheckedContinuation<Event, Never>)?
        var nextWaiterID = 0
    }

    private let state = NIOLockedValueBox(State())

    func push(_ line: String) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Event, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.lines.append(line)
            return nil
        }
        waiter?.resume(returning: .line(line))
    }

    func close() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Event, Never>? in
            state.isClosed = true
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: .closed)
    }

    /// The next line, `.closed` at end of stream, or `.timedOut` after `timeout`.
    func next(timeout: Duration) async -> Event {
        let id = state.withLockedValue { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.expire(id)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> Event? in
                if !state.lines.isEmpty { return .line(state.lines.removeFirst()) }
                if state.isClosed { return .closed }
                state.waiter = (id, continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Lines received and not yet taken.
    var pendingCount: Int { state.withLockedValue { $0.lines.count } }

    private func expire(_ id: Int) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Event, Never>? in
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: .timedOut)
    }
}
