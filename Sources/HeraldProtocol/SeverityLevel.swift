/// Alert severities in increasing order of urgency, as the protocol names them in `severity>=LEVEL`.
///
/// The server keeps its own copy of the ladder rather than importing the rule engine: it needs only the order
/// to filter alerts, and an alert with a severity it does not know is treated as matching no minimum.
public enum SeverityLevel: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// Least urgent first.
    case info, low, medium, high, critical

    /// Parses a level name, ignoring case; `nil` for an unknown name.
    public init?(name: some StringProtocol) {
        switch name.lowercased() {
        case "info": self = .info
        case "low": self = .low
        case "medium": self = .medium
        case "high": self = .high
        case "critical": self = .critical
        default: return nil
        }
    }

    /// The lowercase protocol name.
    public var name: String {
        switch self {
        case .info: "info"
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        }
    }

    /// The protocol name.
    public var description: String { name }

    /// Orders by urgency.
    public static func < (lhs: SeverityLevel, rhs: SeverityLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// All names, lowest first, for error messages.
    static let allNames = allCases.map(\.name).joined(separator: ", ")
}
