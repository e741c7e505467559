/// The words a `when` sentence may use, each mapped to an ordinary rule fragment (lists, filters, phrases).
/// Loaded from `.lexicon` files that rule files `include`, so an analyst extends it like a list.
struct Lexicon: Sendable {
    /// The slot of a sentence an entry fills; one word may have entries in several slots ("Chinese" is a
    /// nationality before the subject and a place modifier after the verb): the position decides.
    enum Slot: String, Sendable, Hashable, CaseIterable {
        case nationality, subject, verb, place, modifier, object

        /// How diagnostics name the slot.
        var title: String {
            switch self {
            case .nationality: "nationality"
            case .subject: "subject noun"
            case .verb: "verb"
            case .place: "place"
            case .modifier: "object modifier"
            case .object: "object noun"
            }
        }

        var plural: String {
            switch self {
            case .nationality: "nationalities"
            default: title + "s"
            }
        }
    }

    struct Entry: Sendable {
        var slot: Slot
        /// The aliases as written, each split into words (`semiconductor maker` → two words).
        var phrases: [[String]]
        /// The aliases in every form a sentence may use them: verbs inflected ("opens"), object nouns pluralised.
        var forms: [[String]]
        /// What the word stands for: the list(s) of a subject, verb, place, object or modifier.
        var terms: [Syntax.Term] = []
        /// A nationality's attribute filter, applied to the subject's lists (`[country=CN]`).
        var conditions: [Syntax.Condition] = []
        /// A verb's opposites, rejected anywhere in the scope (`opens` ↔ `closes`).
        var opposites: [Syntax.Term] = []
        /// A modifier's distance before the object noun.
        var within: Int?
        /// A modifier may instead be satisfied by the subject itself (`or subject[sector=ai]`: an AI company's
        /// team needs no "AI" in front of it).
        var subjectAlternative: [Syntax.Condition] = []
        /// `or object[ai=yes]`: an object whose entry says it already ("an AI centre").
        var objectAlternative: [Syntax.Condition] = []
        var span: Syntax.Span
        /// `override subject chipmaker = …`: this entry replaces the other files' entries for the same words in
        /// the same slot, wherever they come from (a user's lexicon beside the shipped one).
        var overrides = false

        var name: String { phrases.first?.joined(separator: " ") ?? "" }
    }

    var entries: [Entry] = []
    /// `negation = @NEGATION`: words that, just before the verb, veto a match.
    var negation: [Syntax.Term] = []
    var negationSpan: Syntax.Span?
    /// `window subject 20` and friends: the distances of the compiled rule.
    var windows: [String: Int] = [:]
    /// Windows and the negation set with `override`: they win over other files' whatever the include order.
    var overriddenWindows = Set<String>()
    var negationOverrides = false

    static let windowNames = ["subject", "object", "negation"]
    static let defaultWindows = ["subject": 20, "object": 8, "negation": 4]
    /// How far after the object a modifier may describe it ("a team …, which will work on AI").
    static let describingWindow = 20

    func window(_ name: String) -> Int { windows[name] ?? Self.defaultWindows[name] ?? 8 }

    var isEmpty: Bool { entries.isEmpty }

    mutating func merge(_ other: Lexicon) {
        entries += other.entries
        if negation.isEmpty || (other.negationOverrides && !negationOverrides) {
            negation = other.negation
            negationSpan = other.negationSpan
            negationOverrides = other.negationOverrides
        }
        for (name, value) in other.windows where windows[name] == nil || (other.overriddenWindows.contains(name) && !overriddenWindows.contains(name)) {
            windows[name] = value
        }
        overriddenWindows.formUnion(other.overriddenWindows)
        applyOverrides()
    }

    /// Takes the words an `override` entry defines away from the other entries of its slot (an entry left with
    /// no words goes), so a user's lexicon replaces a shipped entry without editing the shipped file.
    mutating func applyOverrides() {
        let overriding = entries.filter(\.overrides)
        guard !overriding.isEmpty else { return }
        var kept: [Entry] = []
        for var entry in entries {
            if !entry.overrides {
                let taken = Set(overriding.filter { $0.slot == entry.slot }.flatMap { $0.phrases.map(Self.key) })
                entry.phrases.removeAll { taken.contains(Self.key($0)) }
                guard !entry.phrases.isEmpty else { continue }
                entry.forms = LexiconParser.forms(entry.phrases, slot: entry.slot)
            }
            kept.append(entry)
        }
        entries = kept
    }

    private static func key(_ phrase: [String]) -> String { phrase.joined(separator: " ").lowercased() }

    /// The known words of a slot, for "known: …" hints.
    func known(_ slot: Slot) -> [String] {
        Array(Set(entries.filter { $0.slot == slot }.flatMap { $0.phrases.map { $0.joined(separator: " ") } }))
            .sorted { $0.lowercased() < $1.lowercased() }
    }

    /// Every form a slot accepts, as the lexicon spells it ("opens", "California"), for did-you-mean.
    func forms(_ slot: Slot) -> [String] {
        entries.filter { $0.slot == slot }.flatMap { entry in
            entry.phrases.flatMap { phrase -> [String] in
                let joined = phrase.joined(separator: " ")
                switch slot {
                case .verb: return Inflector.verbForms(joined)
                case .object: return Inflector.nounForms(joined)
                default: return [joined]
                }
            }
        }
    }
}
