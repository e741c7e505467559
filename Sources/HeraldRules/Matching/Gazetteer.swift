/// One entry of a compiled list: its canonical name and attributes.
public struct GazetteerEntry: Sendable, Hashable {
    /// The first alias, reported in alerts whatever alias the text used.
    public let canonical: String
    public let attributes: [String: String]
    public let location: SourceLocation?
}

/// A compiled list (gazetteer). Quoted phrases in rules compile to single-entry phrase lists.
public struct GazetteerList: Sendable {
    public let name: String
    /// Entity lists hide shorter hits of other lists inside their own ("Moonshot AI" is not also the term "AI").
    public let isEntity: Bool
    /// True for the anonymous list of a quoted phrase.
    public let isPhrase: Bool
    /// `refer=context`: references and context-introduced names resolve to this list's entries.
    public var isReferable = false
    /// `kind=mask`: hits only hide other lists' hits inside them.
    public var isMask = false
    /// `origins=LIST`: the list (by index) whose hits introduce this list's firms by origin ("a Chengdu start-up").
    public var originList: Int32?
    public let entries: [GazetteerEntry]
    /// Every alias form indexed, after inflection.
    public let aliasCount: Int
    public let location: SourceLocation?
    /// A fingerprint of the list as written (options, aliases, attributes): tells a reload which lists changed.
    public var signature = ""

    /// All attribute names used by any entry, for validating filters.
    public var attributeKeys: Set<String> {
        var keys = Set<String>()
        for entry in entries { keys.formUnion(entry.attributes.keys) }
        return keys
    }
}
