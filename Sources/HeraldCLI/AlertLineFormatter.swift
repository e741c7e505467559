import Foundation
import HeraldClient

/// One readable terminal line per alert: time, severity in colour, rule, fields, evidence.
enum AlertLineFormatter {
    static func format(_ line: ServerLine) -> String {
        let object = line.object
        let id = (object["id"] as? Int).map { "#\($0)" } ?? ""
        let rule = object["rule"] as? String ?? "?"
        let severity = (object["severity"] as? String ?? "").uppercased()
        let fields = (object["fields"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = (object["matched_at"] as? String ?? object["at"] as? String ?? "").prefix(19)
            .replacingOccurrences(of: "T", with: " ")
        switch line.type {
        case "update":
            let repeats = object["repeats"] as? Int ?? 0
            let original = object["of"] as? Int ?? 0
            let sources = (object["sources"] as? [String] ?? []).joined(separator: ", ")
            return "\(time) \(id) repeat ×\(repeats) of #\(original) \(rule) \(fields) [\(sources)]"
        case "throttled":
            let suppressed = object["suppressed"] as? Int ?? 0
            return "\(time) \(id) THROTTLED \(rule): \(suppressed) held back until \(object["until"] as? String ?? "?")"
        default:
            let evidence = ((object["evidence"] as? [String: Any])?["text"] as? String ?? "")
                .replacingOccurrences(of: "\n", with: " ")
            return "\(time) \(colour(severity)) \(id) \(rule)  \(fields)  “\(evidence.prefix(160))”"
        }
    }

    private static func colour(_ severity: String) -> String {
        let code: String
        switch severity {
        case "CRITICAL": code = "1;41"
        case "HIGH": code = "1;31"
        case "MEDIUM": code = "33"
        case "LOW": code = "36"
        default: code = "2"
        }
        return "\u{1B}[\(code)m\(severity)\u{1B}[0m"
    }
}
