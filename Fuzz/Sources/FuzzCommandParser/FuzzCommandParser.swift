import HeraldProtocol

/// Feeds arbitrary bytes, line by line, to the protocol's command parser (text and JSON commands).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommandParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parser = CommandParser()
    let bytes = UnsafeBufferPointer(start: data, count: size)
    for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        guard let text = String(validating: line, as: UTF8.self) else { continue }
        _ = try? parser.parse(text)
    }
    return 0
}
