import Foundation
@testable import HeraldArticle
import HeraldCore
import Testing

/// Reading inputs of any size in bounded memory: lines split across chunks, over-long lines skipped, gzip
/// decompressed as it streams, and the format told from the name or the first character.
@Suite("Article input streaming")
struct ArticleInputTests {
    /// Bytes handed out a few at a time, as a pipe or a slow disk might.
    final class MemorySource: ByteSource {
        private var bytes: ArraySlice<UInt8>
        private let step: Int

        init(_ text: String, step: Int = 3) {
            bytes = ArraySlice(text.utf8)
            self.step = step
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArticleError) -> Int {
            let count = min(step, buffer.count, bytes.count)
            buffer.copyBytes(from: bytes.prefix(count))
            bytes = bytes.dropFirst(count)
            return count
        }
    }

    static func lines(_ reader: LineReader) throws -> [LineReader.Line] {
        var lines: [LineReader.Line] = []
        while let line = try reader.next() { lines.append(line) }
        return lines
    }

    @Test("lines split across small chunks, CRLF and a last line without a newline")
    func linesAcrossChunks() throws {
        let reader = LineReader(MemorySource("first\r\nsecond line\n\nlast"), maximumLineBytes: 100, chunkBytes: 4)
        #expect(try Self.lines(reader) == [
            .line(Array("first".utf8), number: 1), .line(Array("second line".utf8), number: 2),
            .line([], number: 3), .line(Array("last".utf8), number: 4),
        ])
        #expect(reader.bytesRead == 24)
    }

    @Test("a line over the limit is skipped as it streams and reported by its size; the next lines are read")
    func overLongLine() throws {
        let long = String(repeating: "x", count: 50)
        let reader = LineReader(MemorySource("ok\n\(long)\nafter\n\(long)"), maximumLineBytes: 10, chunkBytes: 8)
        #expect(try Self.lines(reader) == [
            .line(Array("ok".utf8), number: 1), .tooLong(bytes: 50, number: 2), .line(Array("after".utf8), number: 3),
            .tooLong(bytes: 50, number: 4),
        ])
    }

    @Test("an empty input has no lines")
    func emptyInput() throws {
        #expect(try Self.lines(LineReader(MemorySource(""), maximumLineBytes: 10)).isEmpty)
    }

    static func temporaryFile(_ name: String, _ contents: [UInt8]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(contents).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// gzip's own output, so the test reads what the tool makes.
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let source = try temporaryFile("plain", bytes)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-c", source]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "gzip is needed for this test")
        return [UInt8](data)
    }

    static func records(_ input: ArticleInput) -> [String] {
        var records: [String] = []
        while let record = input.next() {
            switch record {
            case .jsonLine(let bytes, let number): records.append("\(number): \(String(decoding: bytes, as: UTF8.self))")
            case .text(let bytes): records.append("text: \(String(decoding: bytes, as: UTF8.self))")
            case .failure(let error): records.append("failure: \(error.message)")
            }
        }
        return records
    }

    @Test("gzip input, two concatenated members, is read as one stream, told by name or by its magic bytes")
    func gzipInput() throws {
        let first = try Self.gzip(Array("{\"title\":\"a\"}\n\n".utf8))
        let second = try Self.gzip(Array("{\"title\":\"b\"}\n".utf8))
        for name in ["articles.jsonl.gz", "no-extension"] {
            let path = try Self.temporaryFile(name, first + second)
            let input = try ArticleInput(path: path, format: .auto, maximumArticleBytes: 1000)
            #expect(input.format == .json)
            #expect(Self.records(input) == [#"1: {"title":"a"}"#, #"3: {"title":"b"}"#])
        }
    }

    @Test("corrupt or truncated gzip is an error naming the input, not a crash or a hang")
    func badGzip() throws {
        let whole = try Self.gzip(Array(String(repeating: "{\"title\":\"a\"}\n", count: 200).utf8))
        let truncated = try Self.temporaryFile("cut.jsonl.gz", Array(whole.prefix(whole.count / 2)))
        let records = Self.records(try ArticleInput(path: truncated, format: .auto, maximumArticleBytes: 1000))
        #expect(records.last?.contains("the gzip data ends early") == true, "\(records.suffix(2))")
        let notGzip = try Self.temporaryFile("plain.jsonl.gz", Array("{\"title\":\"a\"}\n".utf8))
        #expect(Self.records(try ArticleInput(path: notGzip, format: .auto, maximumArticleBytes: 1000))
            .last?.contains("corrupt gzip data") == true)
    }

    @Test("the format comes from the name, else from the first character; text is one article")
    func formatDetection() throws {
        let json = try Self.temporaryFile("feed", Array("\n  {\"title\":\"a\"}\n".utf8))
        let jsonInput = try ArticleInput(path: json, format: .auto, maximumArticleBytes: 1000)
        #expect(jsonInput.format == .json)
        #expect(Self.records(jsonInput) == [#"2:   {"title":"a"}"#])
        let text = try Self.temporaryFile("story", Array("Headline\n\nBody text.\n".utf8))
        let textInput = try ArticleInput(path: text, format: .auto, maximumArticleBytes: 1000)
        #expect(textInput.format == .text)
        #expect(Self.records(textInput) == ["text: Headline\n\nBody text."])
        let tooBig = try Self.temporaryFile("big.txt", Array(String(repeating: "word ", count: 100).utf8))
        #expect(Self.records(try ArticleInput(path: tooBig, format: .auto, maximumArticleBytes: 100)).first?
            .contains("over the article limit") == true)
    }

    @Test("a missing file or a folder is a clear error")
    func unreadable() throws {
        #expect(throws: ArticleError.self) { try ArticleInput(path: "/nonexistent/x.jsonl", format: .auto, maximumArticleBytes: 10) }
        let error = #expect(throws: ArticleError.self) {
            try ArticleInput(path: FileManager.default.temporaryDirectory.path, format: .auto, maximumArticleBytes: 10)
        }
        #expect(error?.message.contains("it is a folder") == true)
    }
}
