import Foundation

/// Loads a rule folder: every `*.rules` file at its top level, and whatever those files `include`
/// (paths relative to the including file; `*` globs in the file name). Then compiles the result and runs every
/// rule's `expect` examples.
///
/// The outcome is all-or-nothing: with any error there is no rule set, so a server keeps the one it has.
public struct RuleSetLoader: Sendable {
    /// What loading produced: a rule set when there was no error, and every diagnostic either way.
    public struct Outcome: Sendable {
        public var ruleSet: RuleSet?
        public var diagnostics: [Diagnostic]

        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    }

    let source: any RuleSource

    public init(source: any RuleSource = FileSystemRuleSource()) {
        self.source = source
    }

    /// Loads every `*.rules` file directly inside `directory`, or one file when `directory` names a file.
    public func load(_ directory: String) -> Outcome {
        let root = PathUtilities.normalize(directory)
        let roots: [String]
        if root.hasSuffix(".md") {
            do {
                let (examples, path) = MarkdownExamples.source(markdown: try source.read(root), path: root)
                var outcome = RuleSetLoader(source: examples).loadFiles([PathUtilities.normalize(path)])
                outcome.diagnostics = outcome.diagnostics.map { diagnostic in
                    var adjusted = diagnostic
                    adjusted.location.file = adjusted.location.file.replacingOccurrences(of: "#lists.list", with: "")
                    return adjusted
                }
                return outcome
            } catch {
                let location = SourceLocation(file: root, line: 1, column: 1)
                return Outcome(ruleSet: nil, diagnostics: [Diagnostic(.error, at: location, "cannot read '\(root)': \(error)")])
            }
        }
        if root.hasSuffix(".rules") || root.hasSuffix(".list") {
            roots = [root]
        } else {
            do {
                roots = try source.fileNames(in: root).filter { $0.hasSuffix(".rules") }.sorted().map { PathUtilities.join(root, $0) }
            } catch {
                let location = SourceLocation(file: root, line: 1, column: 1)
                return Outcome(ruleSet: nil, diagnostics: [Diagnostic(.error, at: location, "cannot read rule folder: \(error)")])
            }
            if roots.isEmpty {
                let location = SourceLocation(file: root, line: 1, column: 1)
                return Outcome(
                    ruleSet: nil,
                    diagnostics: [Diagnostic(.error, at: location, "no .rules files in '\(root)'", hint: "rule files end in .rules")])
            }
        }
        return loadFiles(roots)
    }

    /// Loads the given root files and whatever they include.
    func loadFiles(_ roots: [String]) -> Outcome {
        var state = LoadState()
        for path in roots { loadFile(path, from: nil, state: &state) }
        var hasher = FNV1a()
        for (path, text) in state.texts {
            hasher.add(path)
            hasher.add("\u{0}")
            hasher.add(text)
            hasher.add("\u{0}")
        }
        var (ruleSet, diagnostics) = RuleCompiler.compile(state.parsed, hash: hasher.hex, files: state.texts.map(\.0))
        diagnostics = state.diagnostics + diagnostics
        if state.diagnostics.contains(where: { $0.severity == .error }) { ruleSet = nil }
        if let compiled = ruleSet {
            let failures = ExpectationRunner.run(compiled)
            diagnostics += failures
            if !failures.isEmpty { ruleSet = nil }
        }
        return Outcome(ruleSet: ruleSet, diagnostics: diagnostics)
    }

    private struct LoadState {
        var loaded = Set<String>()
        var stack: [String] = []
        var texts: [(String, String)] = []
        var parsed = RuleCompiler.Parsed()
        var diagnostics: [Diagnostic] = []
    }

    private func loadFile(_ path: String, from include: Syntax.Span?, state: inout LoadState) {
        if let cycleStart = state.stack.firstIndex(of: path) {
            let cycle = (state.stack[cycleStart...] + [path]).joined(separator: " → ")
            if let include {
                state.diagnostics.append(Diagnostic(.error, at: include, "include cycle: \(cycle)", hint: "remove one of these includes"))
            }
            return
        }
        guard state.loaded.insert(path).inserted else { return }
        let text: String
        do {
            text = try source.read(path)
        } catch {
            if let include {
                state.diagnostics.append(Diagnostic(.error, at: include, "cannot read '\(path)': \(error)"))
            } else {
                state.diagnostics.append(
                    Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1), "cannot read '\(path)': \(error)"))
            }
            return
        }
        state.texts.append((path, text))
        let file = SourceFile(path: path, text: text)
        if path.hasSuffix(".list") {
            let result = ListFileParser(file: file).parse()
            state.parsed.lists += result.lists
            state.diagnostics += result.diagnostics
            return
        }
        let result = RuleFileParser(file: file).parse()
        state.diagnostics += result.diagnostics
        state.parsed.macros += result.macros
        state.parsed.rules += result.rules
        state.stack.append(path)
        defer { state.stack.removeLast() }
        let directory = PathUtilities.directory(of: path)
        for (target, span) in result.includes {
            let resolved = PathUtilities.join(directory, target)
            let name = resolved.split(separator: "/").last ?? ""
            guard name.contains("*") || name.contains("?") else {
                loadFile(resolved, from: span, state: &state)
                continue
            }
            let folder = PathUtilities.directory(of: resolved)
            let matches = ((try? source.fileNames(in: folder)) ?? []).filter { PathUtilities.glob(name, matches: $0[...]) }.sorted()
            if matches.isEmpty {
                state.diagnostics.append(Diagnostic(.error, at: span, "include '\(target)' matches no file"))
            }
            for match in matches { loadFile(PathUtilities.join(folder, match), from: span, state: &state) }
        }
    }
}

/// 64-bit FNV-1a: a cheap, stable fingerprint of the rule sources (not a security hash).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
