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
        if root.hasSuffix(".md") {
            do {
                let (examples, path) = MarkdownExamples.source(markdown: try source.read(root), path: root)
                var outcome = RuleSetLoader(source: examples).loadFiles([PathUtilities.normalize(path)])
                outcome.diagnostics = outcome.diagnostics.map { diagnostic in
                    var adjusted = diagnostic
                    adjusted.location.file = adjusted.location.file.replacingOccurrences(of: "#lists.list", with: "")
                        .replacingOccurrences(of: "#lexicon.lexicon", with: "")
                    return adjusted
                }
                return outcome
            } catch {
                let location = SourceLocation(file: root, line: 1, column: 1)
                return Outcome(ruleSet: nil, diagnostics: [Diagnostic(.error, at: location, "cannot read '\(root)': \(error)")])
            }
        }
        switch roots(root) {
        case .success(let roots): return loadFiles(roots)
        case .failure(let diagnostic): return Outcome(ruleSet: nil, diagnostics: [diagnostic])
        }
    }

    /// The files `load` starts from: the file itself, or the `*.rules` files at the top of a folder.
    private func roots(_ root: String) -> Result<[String], Diagnostic> {
        if root.hasSuffix(".rules") || root.hasSuffix(".list") { return .success([root]) }
        let location = SourceLocation(file: root, line: 1, column: 1)
        let names: [String]
        do {
            names = try source.fileNames(in: root).filter { $0.hasSuffix(".rules") }.sorted().map { PathUtilities.join(root, $0) }
        } catch {
            return .failure(Diagnostic(.error, at: location, "cannot read rule folder: \(error)"))
        }
        guard !names.isEmpty else {
            return .failure(Diagnostic(.error, at: location, "no .rules files in '\(root)'", hint: "rule files end in .rules"))
        }
        return .success(names)
    }

    /// What `herald explain` prints: one rule in the ordinary syntax, and the diagnostics of loading its folder.
    public struct Explanation: Sendable {
        /// The rule as ordinary clauses (a `when` sentence compiled), or nil when there is no such rule.
        public var text: String?
        public var outcome: Outcome
        /// The ids of the rules that were loaded, for a did-you-mean.
        public var ruleIDs: [String]
    }

    /// Loads `path` like ``load(_:)`` and prints rule `id` in the ordinary syntax: a hand-written rule normalised
    /// (one clause per line, fixed order), a `when` rule as the clauses its sentence compiles to.
    public func explain(rule id: String, in path: String) -> Explanation {
        let root = PathUtilities.normalize(path)
        // Loaded twice, once to check and once to keep the parsed rules: simpler than threading the parse through
        // the compiler, and a command run by hand does not notice the extra load.
        let outcome = load(root)
        let state: LoadState
        if root.hasSuffix(".md"), let markdown = try? source.read(root) {
            let (examples, path) = MarkdownExamples.source(markdown: markdown, path: root)
            state = RuleSetLoader(source: examples).gather([PathUtilities.normalize(path)])
        } else if case .success(let files) = roots(root) {
            state = gather(files)
        } else {
            return Explanation(text: nil, outcome: outcome, ruleIDs: [])
        }
        let rule = state.parsed.rules.first { $0.id == id }
        return Explanation(text: rule.map(RulePrinter.print), outcome: outcome, ruleIDs: state.parsed.rules.map(\.id))
    }

    /// The closest rule id to a misspelt one.
    public static func closestRuleID(to id: String, in ids: [String]) -> String? {
        Suggestion.closest(to: id, in: ids)
    }

    /// Loads the given root files and whatever they include.
    func loadFiles(_ roots: [String]) -> Outcome {
        let state = gather(roots)
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

    /// Reads the root files and their includes, then turns every `when` sentence into ordinary clauses.
    func gather(_ roots: [String]) -> LoadState {
        var state = LoadState()
        for path in roots { loadFile(path, from: nil, state: &state) }
        if state.parsed.rules.contains(where: { $0.sentence != nil }) {
            let sentences = SentenceCompiler(lexicon: state.lexicon, lists: state.parsed.lists)
            for index in state.parsed.rules.indices where state.parsed.rules[index].sentence != nil {
                state.diagnostics += sentences.expand(&state.parsed.rules[index])
            }
        }
        return state
    }

    struct LoadState {
        var loaded = Set<String>()
        var stack: [String] = []
        var texts: [(String, String)] = []
        var parsed = RuleCompiler.Parsed()
        var lexicon = Lexicon()
        var diagnostics: [Diagnostic] = []
    }

    /// `viaGlob`: the file came in through a glob (`include "lists/*.list"`), a library of lists of which a rule
    /// folder uses what it needs, so its unused lists are not reported.
    private func loadFile(_ path: String, from include: Syntax.Span?, viaGlob: Bool = false, state: inout LoadState) {
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
            var result = ListFileParser(file: file).parse()
            if viaGlob {
                for index in result.lists.indices { result.lists[index].options.isLibrary = true }
            }
            state.parsed.lists += result.lists
            state.diagnostics += result.diagnostics
            return
        }
        if path.hasSuffix(".lexicon") {
            let result = LexiconParser(file: file).parse()
            state.lexicon.merge(result.lexicon)
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
            for match in matches { loadFile(PathUtilities.join(folder, match), from: span, viaGlob: true, state: &state) }
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
