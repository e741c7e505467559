/// Why an article could not be read; the message names the input and, for JSON lines, the line.
public struct ArticleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Machine-readable reason: `empty`, `too_large`, `invalid_utf8`, `binary`, `bad_json`, `missing_field`.
    public var code: String
    public var message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
