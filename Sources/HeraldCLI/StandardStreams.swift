import Foundation

/// Writing to standard error and reading standard input, without Foundation's buffering surprises.
enum StandardStreams {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func output(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// A progress line on a terminal, rewritten in place; `nil` clears it.
    static func progress(_ text: String?) {
        let line = "\r\u{1B}[K" + (text.map { String($0.prefix(100)) } ?? "")
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func readStandardInput() -> [UInt8] {
        [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    }
}
