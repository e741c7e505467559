import Foundation
import Testing

/// A real `herald serve` (or other `herald` command) run as a child process, for black-box tests of the CLI.
struct HeraldProcess {
    /// The `herald` executable built beside this test bundle.
    static var executable: String? {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("herald").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `herald arguments…` to completion (bounded by `timeout`) and returns its exit status and outputs.
    static func run(_ arguments: [String], input: String? = nil, timeout: Duration = .seconds(60)) async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        guard let executable else { throw Failure(description: "the herald executable is not built") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let out = folder.appendingPathComponent("out")
        let err = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        defer { try? FileManager.default.removeItem(at: folder) }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw Failure(description: "herald \(arguments.joined(separator: " ")) did not finish in time")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return (
            process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }
}

/// `herald serve` on a free loopback port with its own certificates and data folder, stopped after the body.
struct ServeProcess {
    let process: Process
    let port: Int
    let folder: URL
    var ca: String { folder.appendingPathComponent("certs/ca.pem").path }
    /// What the server has logged so far (its standard error).
    var log: String { (try? String(contentsOf: folder.appendingPathComponent("stderr"), encoding: .utf8)) ?? "" }

    static func with<T>(
        rules: String = "Rules", extraArguments: [String] = [], _ body: (ServeProcess) async throws -> T
    ) async throws -> T {
        guard let executable = HeraldProcess.executable else {
            throw HeraldProcess.Failure(description: "the herald executable is not built")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "serve", "--port", "0", "--rules", rules, "--certs", folder.appendingPathComponent("certs").path,
            "--data", folder.appendingPathComponent("data").path, "--log-level", "warning",
        ] + extraArguments.map { $0.replacingOccurrences(of: "{folder}", with: folder.path) }
        process.standardOutput = try FileHandle(forWritingTo: log)
        let errors = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            // The server's alert store, certificates and output go with it.
            try? FileManager.default.removeItem(at: folder)
        }
        let deadline = ContinuousClock.now + .seconds(30)
        var port: Int?
        while port == nil, ContinuousClock.now < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on [^ ]+:\d+"#, options: .regularExpression) {
                port = text[range].split(separator: ":").last.flatMap { Int($0) }
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        guard let port else { throw HeraldProcess.Failure(description: "herald serve did not start") }
        return try await body(ServeProcess(process: process, port: port, folder: folder))
    }
}
