import Foundation
import HeraldArticle

/// Feeds arbitrary bytes to the article parser in every format, then builds alerts' JSON-relevant parts.
///
/// JSON lines are also checked differentially: the parser reads objects of strings with its own fast reader, and
/// whenever Foundation's `JSONSerialization` reads the same line as an object with string fields, the two must
/// agree byte for byte on every field (a mismatch traps, and libFuzzer keeps the input).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArticleParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parser = ArticleParser(maximumBytes: 1 << 20)
    for format in [ArticleFormat.auto, .json, .text] {
        if let articles = try? parser.parse(bytes, format: format, name: "fuzz") {
            for article in articles {
                _ = ContentID.of(title: article.title, body: article.body)
            }
        }
    }
    if let line = String(validating: bytes, as: UTF8.self) {
        compareWithFoundation(line, parser: parser)
    }
    _ = DateLineParser.parse(String(decoding: bytes.prefix(80), as: UTF8.self))
    return 0
}

private func compareWithFoundation(_ line: String, parser: ArticleParser) {
    let article = try? parser.parseJSON(line)
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed]),
        let fields = object as? [String: Any]
    else {
        // Foundation refuses it (or it is not an object): so must Herald.
        if article != nil { fatalError("accepted what JSONSerialization refuses: \(line.debugDescription)") }
        return
    }
    func text(_ key: String) -> String?? {
        guard let value = fields[key] else { return .some(nil) }
        if value is NSNull { return .some(nil) }
        return (value as? String).map { .some($0) }
    }
    guard let title = text("title"), let body = text("body"), let source = text("source"), let url = text("url"),
        let textField = text("text")
    else { return }  // a non-string field: the general path decides, nothing to compare
    guard let article else { return }  // refused for a reason of its own (empty, too large)
    func same(_ a: String?, _ b: String?) -> Bool { a.map { Array($0.utf8) } == b.map { Array($0.utf8) } }
    let expectedTitle = (title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    let expectedBody = body ?? textField ?? ""
    guard same(article.title, expectedTitle), same(article.body, expectedBody), same(article.source, source),
        same(article.url, url)
    else { fatalError("fast JSON reader disagrees with JSONSerialization on \(line.debugDescription)") }
}
