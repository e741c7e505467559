import Foundation

/// Where rule and list files are read from: the file system, or memory in tests.
public protocol RuleSource: Sendable {
    /// The contents of a file.
    func read(_ path: String) throws -> String
    /// The names of the files directly inside a directory.
    func fileNames(in directory: String) throws -> [String]
}

/// Reads rule files from disk.
public struct FileSystemRuleSource: RuleSource {
    public init() {}

    public func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw Self.unreadable(path, folder: false) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RuleSourceError(message: "\(path) is not valid UTF-8")
        }
        return text
    }

    public func fileNames(in directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw Self.unreadable(directory, folder: true)
        }
    }

    /// Why `path` could not be read, in words (Foundation's errors print as "Error Domain=NSCocoaErrorDomain
    /// Code=260 …").
    private static func unreadable(_ path: String, folder: Bool) -> RuleSourceError {
        var isDirectory: ObjCBool = false
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return RuleSourceError(message: "\(absolute) does not exist")
        }
        if folder && !isDirectory.boolValue { return RuleSourceError(message: "\(absolute) is not a folder") }
        if !folder && isDirectory.boolValue { return RuleSourceError(message: "\(absolute) is a folder, not a file") }
        return RuleSourceError(message: "\(absolute) cannot be read (permissions?)")
    }
}

/// Rule files held in memory, keyed by path: for tests and for rules sent over the wire.
public struct InMemoryRuleSource: RuleSource {
    public var files: [String: String]

    public init(_ files: [String: String]) { self.files = files }

    public func read(_ path: String) throws -> String {
        guard let text = files[PathUtilities.normalize(path)] else { throw RuleSourceError(message: "no such file: \(path)") }
        return text
    }

    public func fileNames(in directory: String) throws -> [String] {
        let prefix = PathUtilities.normalize(directory) + "/"
        return files.keys.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
            .map { String($0.dropFirst(prefix.count)) }
    }
}

public struct RuleSourceError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

enum PathUtilities {
    /// Joins and cleans a path: `Rules/./lists/../x.list` → `Rules/x.list`.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        let absolute = path.hasPrefix("/")
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return path[..<slash].isEmpty ? "/" : String(path[..<slash])
    }

    static func join(_ directory: String, _ name: String) -> String {
        name.hasPrefix("/") ? normalize(name) : normalize(directory + "/" + name)
    }

    /// `*` matches any run of characters within a file name, `?` one character.
    static func glob(_ pattern: Substring, matches name: Substring) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        if first == "*" {
            var rest = name
            while true {
                if glob(pattern.dropFirst(), matches: rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let head = name.first, first == "?" || first == head else { return false }
        return glob(pattern.dropFirst(), matches: name.dropFirst())
    }
}
