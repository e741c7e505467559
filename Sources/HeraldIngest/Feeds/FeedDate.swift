import Foundation

/// Feed dates to ISO-8601 UTC: RFC 822 (RSS, with the many variants feeds really use) and RFC 3339 (Atom).
enum FeedDate {
    static func iso8601(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let output = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            let parser = ISO8601DateFormatter()
            parser.formatOptions = options
            if let date = parser.date(from: trimmed) { return output.string(from: date) }
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in rfc822Formats {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return output.string(from: date) }
        }
        return nil
    }

    private static let rfc822Formats = [
        "EEE, dd MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm:ss zzz",
        "EEE, d MMM yyyy HH:mm:ss zzz", "dd MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss zzz", "EEE, dd MMM yyyy HH:mm Z",
        "EEE, dd MMM yy HH:mm:ss Z", "yyyy-MM-dd HH:mm:ss",
    ]
}
