import HeraldCore

/// Feeds arbitrary bytes to the article parser in every format, then builds alerts' JSON-relevant parts.
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
    _ = DateLineParser.parse(String(decoding: bytes.prefix(80), as: UTF8.self))
    return 0
}
