/// Bare names with a namesake abroad: "Richmond" is Richmond, Virginia in the lists (with `twin=CA`), and Richmond,
/// British Columbia in an article set in Canada.
extension RuleEvaluation {
    /// The country of a bare name's foreign namesake, when the article is set there: the list gives the entry a
    /// `twin` ("Richmond" twin=CA), the hit is the bare name, the text names that country or one of its provinces
    /// ("the Canada Line", "in Canada", "British Columbia") and never the US city's state ("Virginia", "Richmond,
    /// Va."). An iFlytek office "in Richmond's city centre … on No. 3 Road … in Canada" is not in Virginia.
    func twinAbroad(_ place: Hit) -> String? {
        let attributes = entries(of: place)[Int(place.entry)].attributes
        guard let twin = attributes["twin"], let words = Self.countryWords[twin], let state = attributes["state"],
            !(place.firstToken..<place.endToken).contains(where: { text.tokenText($0, equals: ",") })
        else { return nil }
        let namesState = partHits.contains { hit in
            guard hit.list == place.list else { return false }
            let other = entries(of: hit)[Int(hit.entry)].attributes
            if hit.entry == place.entry { return (hit.firstToken..<hit.endToken).contains { text.tokenText($0, equals: ",") } }
            return other["level"] == "state" && other["state"] == state
        }
        guard !namesState else { return nil }
        let count = text.textTokens.count
        for index in 0..<count where text.textTokens[index].kind == .word && text.textTokens[index].shape != .lower {
            let key = text.key(ofToken: index)
            if words.contains(key) { return twin }
            if index + 1 < count, words.contains(key + " " + text.key(ofToken: index + 1)) { return twin }
        }
        return nil
    }

    /// Words that set an article in a country: its name, its people and its provinces.
    static let countryWords: [String: Set<String>] = [
        "CA": ["canada", "canadian", "ontario", "quebec", "alberta", "manitoba", "saskatchewan", "british columbia", "b.c.", "nova scotia"],
        "GB": ["england", "english", "britain", "uk", "u.k.", "united kingdom", "scotland", "wales"],
        "AU": ["australia", "australian", "new south", "queensland"],
        "NZ": ["new zealand"],
        "IE": ["ireland", "irish"],
    ]
}
