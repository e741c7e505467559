import Foundation

/// Recognises the date lines scrapers leave under a title — "06 Nov 2025, 09:34", "November 6, 2025 9:34 AM",
/// "2025-11-06T09:34:00Z" — and turns them into ISO-8601 (UTC when the line has no zone).
public enum DateLineParser {
    /// The ISO-8601 form of `line` if the whole line is a date (and optional time), else `nil`.
    public static func parse(_ line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 6, trimmed.count <= 60 else { return nil }
        if let iso = parseISO(trimmed) { return iso }
        var words = trimmed.replacingOccurrences(of: ",", with: " ").split(separator: " ").map { String($0) }
        // Leading labels and weekdays carry no date.
        while let first = words.first, ignorable.contains(first.lowercased().trimmingCharacters(in: .punctuationCharacters)) {
            words.removeFirst()
        }
        if let iso = parseISO(words.joined(separator: " ")) { return iso }
        var day: Int?
        var month: Int?
        var year: Int?
        var hour = 0
        var minute = 0
        var second = 0
        var zone = "Z"
        var index = 0
        while index < words.count {
            let word = words[index]
            let lower = word.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            if let value = months[lower] ?? months[String(lower.prefix(3))].flatMap({ lower.count <= 9 && fullMonths.contains(lower) ? $0 : nil }) {
                guard month == nil else { return nil }
                month = value
            } else if let time = parseTime(word) {
                (hour, minute, second) = time
                if index + 1 < words.count {
                    let marker = words[index + 1].lowercased().replacingOccurrences(of: ".", with: "")
                    if marker == "am" || marker == "pm" {
                        guard hour >= 1 && hour <= 12 else { return nil }
                        if marker == "pm" && hour != 12 { hour += 12 }
                        if marker == "am" && hour == 12 { hour = 0 }
                        index += 1
                    }
                }
            } else if let number = Int(word.trimmingCharacters(in: CharacterSet(charactersIn: "stndrh"))), !word.isEmpty,
                word.first?.isNumber == true
            {
                if number >= 1900 && number <= 2200 && year == nil {
                    year = number
                } else if number >= 1 && number <= 31 && day == nil {
                    day = number
                } else {
                    return nil
                }
            } else if ["utc", "gmt", "z"].contains(lower) {
                zone = "Z"
            } else if let offset = parseZone(word) {
                zone = offset
            } else if ["at", "-", "|", "·", "et", "est", "edt", "pt", "pst", "pdt", "bst", "cet"].contains(lower) {
                // Separators and common zone names: the time is kept as written.
            } else {
                return nil
            }
            index += 1
        }
        guard let day, let month, let year, isValid(day: day, month: month, year: year), hour < 24, minute < 60, second < 60
        else { return nil }
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d%@", year, month, day, hour, minute, second, zone)
    }

    private static func parseISO(_ text: String) -> String? {
        let characters = Array(text)
        guard characters.count >= 10, characters[4] == "-", characters[7] == "-",
            let year = Int(String(characters[0..<4])), let month = Int(String(characters[5..<7])),
            let day = Int(String(characters[8..<10])), isValid(day: day, month: month, year: year)
        else { return nil }
        var rest = String(characters[10...])
        guard !rest.isEmpty else { return String(format: "%04d-%02d-%02dT00:00:00Z", year, month, day) }
        guard rest.first == "T" || rest.first == " " else { return nil }
        rest.removeFirst()
        var zone = "Z"
        if rest.hasSuffix("Z") {
            rest.removeLast()
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }), let offset = parseZone(String(rest[sign...])) {
            zone = offset
            rest = String(rest[..<sign])
        }
        if let dot = rest.firstIndex(of: ".") { rest = String(rest[..<dot]) }
        guard let (hour, minute, second) = parseTime(rest), hour < 24, minute < 60, second < 60 else { return nil }
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d%@", year, month, day, hour, minute, second, zone)
    }

    private static func parseTime(_ word: String) -> (Int, Int, Int)? {
        var text = word.lowercased()
        var pm: Bool?
        if text.hasSuffix("am") || text.hasSuffix("pm") {
            pm = text.hasSuffix("pm")
            text.removeLast(2)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.count == 2 || ($0.count == 1 && $0 == parts[0]) }),
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        let second = parts.count == 3 ? Int(parts[2]) ?? 99 : 0
        var adjusted = hour
        if let pm {
            guard hour >= 1 && hour <= 12 else { return nil }
            adjusted = pm ? (hour == 12 ? 12 : hour + 12) : (hour == 12 ? 0 : hour)
        }
        return (adjusted, minute, second)
    }

    private static func parseZone(_ word: String) -> String? {
        let characters = Array(word)
        guard characters.count == 6, characters[0] == "+" || characters[0] == "-", characters[3] == ":",
            Int(String(characters[1..<3])) != nil, Int(String(characters[4..<6])) != nil
        else { return nil }
        return word
    }

    private static func isValid(day: Int, month: Int, year: Int) -> Bool {
        guard month >= 1 && month <= 12, day >= 1, year >= 1900 && year <= 2200 else { return false }
        let lengths = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    private static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
        "nov": 11, "dec": 12,
    ]
    private static let fullMonths: Set<String> = [
        "january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
    ]
    private static let ignorable: Set<String> = [
        "published", "updated", "posted", "date", "on", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "last",
    ]
}
