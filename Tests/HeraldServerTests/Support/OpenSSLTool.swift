import Foundation
import NIOConcurrencyHelpers
import Testing

/// Runs `openssl s_client` against the test server, the way a person would connect.
enum OpenSSLTool {
    static let path: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static var isAvailable: Bool { path != nil }

    struct HandshakeOutcome {
        var succeeded: Bool
        var output: String
    }

    /// Connects, completes (or fails) the handshake, and disconnects at once (`-brief`, empty stdin).
    static func handshake(port: Int, caPath: String, extra: [String]) async throws -> HandshakeOutcome {
        guard let path else { throw TestFailure("openssl not found", #_sourceLocation) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["s_client", "-brief", "-CAfile", caPath, "-connect", "localhost:\(port)"] + extra
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let finished = try await waitForExit(process, timeout: .seconds(10))
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return HandshakeOutcome(
            succeeded: finished && text.contains("CONNECTION ESTABLISHED") && !text.contains(":error:"),
            output: text)
    }

    /// Waits for `process` to exit, killing it after `timeout`; returns whether it exited by itself.
    static func waitForExit(_ process: Process, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                process.terminate()
                return false
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}

/// An interactive `openssl s_client -quiet` session: lines in on stdin, server lines out on stdout.
final class OpenSSLSession: Sendable {
    let process: Process
    let input: FileHandle
    let inbox = LineInbox()
    private let pending = NIOLockedValueBox<[UInt8]>([])
    /// Every line received, for the transcript.
    let received = NIOLockedValueBox<[String]>([])

    init(port: Int, caPath: String) throws {
        guard let path = OpenSSLTool.path else { throw TestFailure("openssl not found", #_sourceLocation) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["s_client", "-quiet", "-CAfile", caPath, "-connect", "localhost:\(port)"]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        self.process = process
        self.input = stdin.fileHandleForWriting
        let inbox = self.inbox
        let pending = self.pending
        let received = self.received
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                inbox.close()
                return
            }
            let lines = pending.withLockedValue { buffer -> [String] in
                buffer.append(contentsOf: data)
                var lines: [String] = []
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(String(decoding: buffer[..<newline], as: UTF8.self))
                    buffer.removeSubrange(...newline)
                }
                return lines
            }
            for line in lines {
                received.withLockedValue { $0.append(line) }
                inbox.push(line)
            }
        }
        try process.run()
    }

    func send(_ line: String) throws {
        try input.write(contentsOf: Data((line + "\n").utf8))
    }

    @discardableResult
    func expect(_ type: String, timeout: Duration = .seconds(10)) async throws -> [String: Any] {
        switch await inbox.next(timeout: timeout) {
        case .line(let line):
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["type"] as? String == type
            else { throw TestFailure("expected \(type), got \(line)", #_sourceLocation) }
            return object
        case .closed: throw TestFailure("s_client output ended while waiting for \(type)", #_sourceLocation)
        case .timedOut: throw TestFailure("no \(type) from s_client within \(timeout)", #_sourceLocation)
        }
    }

    func terminate() {
        if process.isRunning { process.terminate() }
    }
}
