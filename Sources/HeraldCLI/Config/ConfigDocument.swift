import HeraldRules

/// A parsed configuration file: the TOML subset Herald's config needs, with every value's place in the file.
///
/// Supported: `# comments`, `[table]`, `[[array-of-tables]]`, `key = value` with bare keys, basic ("…", with
/// escapes) and literal ('…') strings, integers (with `_`), floats, booleans, and arrays of those (which may span
/// lines). Anything else — dotted keys, inline tables, dates — is an error that says so, rather than being read
/// differently from a full TOML parser.
struct ConfigDocument: Sendable {
    enum Value: Sendable, Equatable {
        case string(String)
        case integer(Int)
        case float(Double)
        case boolean(Bool)
        case array([Value])

        var kind: String {
            switch self {
            case .string: "a string"
            case .integer: "an integer"
            case .float: "a number"
            case .boolean: "true or false"
            case .array: "an array"
            }
        }
    }

    struct Entry: Sendable {
        var key: String
        var value: Value
        var keyLocation: SourceLocation
        var valueLocation: SourceLocation
        var sourceLine: String
    }

    struct Table: Sendable {
        /// Empty for the keys before the first header.
        var name: String
        /// `[[name]]`: one element of an array of tables.
        var isArrayElement: Bool
        var location: SourceLocation
        var sourceLine: String
        var entries: [Entry] = []
    }

    var file: String
    var tables: [Table]
}
