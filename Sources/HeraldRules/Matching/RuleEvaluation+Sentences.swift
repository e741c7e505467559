/// What the sentences around a unit say about it: a unit the next sentences refer back to (`describing`, `or
/// describing UNIT`), the place the sentences before set (`or setting`), and the place a sentence gives its event
/// itself, which neither may override.
extension RuleEvaluation {
    // MARK: Describing the unit in the next sentences

    /// The index of the sentence holding `token` (the part's sentences are sorted and do not overlap).
    func sentenceIndex(of token: Int) -> Int? {
        let sentences = text.sentences
        var low = 0
        var high = sentences.count
        while low < high {
            let middle = (low + high) / 2
            if sentences[middle].endToken <= token { low = middle + 1 } else { high = middle }
        }
        return low < sentences.count && sentences[low].firstToken <= token ? low : nil
    }

    /// The hits of the `count` sentences after `unit`, for a `describing` binding: "a lab in Chicago. The lab builds
    /// machine-learning models".
    func hitsAfter(_ unit: Segment, sentences count: Int) -> ArraySlice<Hit> {
        guard part == .body, let index = sentenceIndex(of: unit.firstToken), text.sentences[index].endToken == unit.endToken,
            index + 1 < text.sentences.count
        else { return [] }
        let first = text.sentences[index + 1].firstToken
        let end = text.sentences[min(index + count, text.sentences.count - 1)].endToken
        return partHits(startingIn: first..<end)
    }

    /// The part's hits that start in `tokens`, found by binary search (the hits are sorted by first token).
    func partHits(startingIn tokens: Range<Int>) -> ArraySlice<Hit> {
        let low = partHits.firstIndex(startingAtOrAfter: tokens.lowerBound)
        var upper = low
        while upper < partHits.count, partHits[upper].firstToken < tokens.upperBound { upper += 1 }
        return partHits[low..<upper]
    }

    /// Whether `hit` stands in a sentence that opens by referring back to a unit like `unit`: "The lab …", "Its
    /// Seattle team …", "The new centre …", within its first words, before `hit`.
    /// With `owner`, the firm whose unit it is, "miHoYo's group, in Irvine, …" refers back as well.
    func describes(_ hit: Hit, _ unit: Hit, owner: Hit? = nil) -> Bool {
        guard let index = sentenceIndex(of: hit.firstToken) else { return false }
        let sentence = text.sentences[index]
        // Before the hit: "Staffed by 34 engineers, the lab builds…" refers back as well as "The lab builds…".
        let before = sentence.firstToken..<max(sentence.firstToken, hit.firstToken)
        func isDefinite(_ token: Int) -> Bool {
            (max(sentence.firstToken, token - 4)..<token).contains { index in
                if Self.definite.contains(text.key(ofToken: index)) { return true }
                guard let owner, text.key(ofToken: index) == "'s" else { return false }
                return partHits(startingIn: max(sentence.firstToken, index - 6)..<index).contains {
                    $0.endToken == index && $0.list == owner.list && $0.entry == owner.entry
                }
            }
        }
        if partHits(startingIn: before).contains(where: { $0.list == unit.list && isDefinite($0.firstToken) }) { return true }
        // "miHoYo's group, in Irvine, … Lilith's, in a converted hangar in Playa Vista, …": the owner's possessive
        // with its noun left out stands for the unit named before.
        if let owner, elidedPossessive(of: owner, in: before) { return true }
        // "Our new Alpharetta office opens in January. It will employ …": "It" opening the next sentence is the
        // subject of the one before, and that is the unit when the unit opens it.
        if index > 0, text.key(ofToken: sentence.firstToken) == "it", opensItsSentence(unit),
            let unitSentence = sentenceIndex(of: unit.firstToken), unitSentence == index - 1
        {
            return true
        }
        // "a new perception software centre … The Ann Arbor centre will…": the unit's own head noun, or a noun any
        // unit is called by later ("the site", "the facility"), though neither alone is a unit of the list.
        let head = text.key(ofToken: unit.endToken - 1)
        return before.contains { token in
            let word = text.key(ofToken: token)
            return (word == head || Self.unitBackReferences.contains(word)) && isDefinite(token) || isLocativeThere(token)
        }
    }

    /// Whether the possessive nearest the end of `tokens` is `owner`'s with its noun left out ("Alibaba's, in
    /// Sunnyvale, …", "Alibaba's is larger"): the nearest, because "Apple's is in Toronto; Alibaba's, in
    /// Sunnyvale" gives Sunnyvale to Alibaba's unit only.
    func elidedPossessive(of owner: Hit, in tokens: Range<Int>) -> Bool {
        guard let possessive = tokens.last(where: { text.key(ofToken: $0) == "'s" }),
            [",", "is", "was", "has", "sits"].contains(text.key(ofToken: possessive + 1))
        else { return false }
        return partHits(startingIn: max(tokens.lowerBound, possessive - 6)..<possessive).contains {
            $0.endToken == possessive && $0.list == owner.list && $0.entry == owner.entry
        }
    }

    /// Whether `unit` is what its sentence opens with, as its subject: nothing before it but determiners,
    /// possessives, "new" and names ("Our new Alpharetta office opens…", "The Seattle lab, …"), not a verb
    /// ("Alibaba opened a lab").
    func opensItsSentence(_ unit: Hit) -> Bool {
        guard let index = sentenceIndex(of: unit.firstToken) else { return false }
        let first = text.sentences[index].firstToken
        guard unit.firstToken - first <= 6 else { return false }
        return (first..<unit.firstToken).allSatisfy { token in
            let key = text.key(ofToken: token)
            return Self.subjectOpeners.contains(key) || text.textTokens[token].shape != .lower
        }
    }

    /// Words before a unit that opens its sentence as its subject.
    static let subjectOpeners: Set<String> = ["the", "its", "our", "their", "this", "that", "new", "'s", "-", "u.s.", "us"]

    /// Whether `place`, in a sentence after the unit's, says where `unit` is: the sentence refers back to the unit
    /// before the place ("The lab, in Pittsburgh's Strip District, …", "Its office occupies a floor in downtown
    /// Bellevue"), the place locates something ("in", "at", "near"), nothing between says it is somewhere else
    /// ("customers in", "moved from"), and no qualifier puts it abroad.
    func placesLater(_ place: Hit, _ unit: Hit, owner: Hit?) -> Bool {
        let naming = modifiesBackReference(place, unit)
        guard naming || (describes(place, unit, owner: owner) && locatesItsSentence(place)),
            let index = sentenceIndex(of: place.firstToken)
        else {
            return false
        }
        let sentence = text.sentences[index]
        if (sentence.firstToken..<place.firstToken).contains(where: { EventAnalysis.placeBlockers.contains(text.key(ofToken: $0)) }) {
            return false
        }
        return !(place.endToken + 1 < sentence.endToken && text.key(ofToken: place.endToken) == ","
            && EventAnalysis.foreignQualifiers.contains(text.key(ofToken: place.endToken + 1)))
    }

    /// Whether `place` names the unit referred back to: "the Pittsburgh group would work on…", "its Seattle team" —
    /// right after "the" or "its" and right before a word of the unit's list or a noun units are called by.
    func modifiesBackReference(_ place: Hit, _ unit: Hit) -> Bool {
        guard place.firstToken > 0, Self.definite.contains(text.key(ofToken: place.firstToken - 1)),
            place.endToken < text.textTokens.count
        else { return false }
        let next = place.endToken
        if Self.unitBackReferences.contains(text.key(ofToken: next)) || text.key(ofToken: next) == text.key(ofToken: unit.endToken - 1) {
            return true
        }
        return partHits(startingIn: next..<next + 1).contains { $0.list == unit.list }
    }

    /// "there" pointing at a place named before ("eleven people work there", "is hiring 40 engineers there"), not the
    /// existential "there is/are", which points at nothing.
    func isLocativeThere(_ token: Int) -> Bool {
        guard text.key(ofToken: token) == "there" else { return false }
        return token + 1 >= text.textTokens.count || !Self.existentialFollowers.contains(text.key(ofToken: token + 1))
    }

    /// Nouns a unit is called by when referred back to: "The site will employ…", "The facility houses…".
    static let unitBackReferences: Set<String> = ["site", "facility", "office", "centre", "center", "hub", "campus"]

    static let existentialFollowers: Set<String> = [
        "is", "are", "was", "were", "will", "would", "has", "have", "had", "may", "might", "could", "should", "seems",
        "seem", "appears", "appear", "remain", "remains", "'s", "’s", "be", "must", "can",
    ]

    // MARK: The setting the sentences before give

    /// The places that set the scene of `unit` for an `or setting` binding: those of the nearest of the `count`
    /// sentences before it that locates something in one ("…an office tower in Bellevue. The space will house…"),
    /// or else the article's dateline ("BELLEVUE, Wash. —"). Nearest sentence first: a story that moves on to
    /// another place has changed the scene.
    func setting(of unit: Segment, sentences count: Int, terms: [TermReference]) -> [Hit] {
        guard part == .body, let index = sentenceIndex(of: unit.firstToken), text.sentences[index].firstToken == unit.firstToken
        else { return [] }
        func accepted(_ hit: Hit) -> Bool { terms.contains { accepts($0, hit) } }
        var back = index - 1
        while back >= 0, back >= index - count {
            let sentence = text.sentences[back]
            var located = partHits(startingIn: sentence.tokenRange).filter { accepted($0) && locatesItsSentence($0) }
            // "AUSTIN, Texas (Wire) - … from leasing office space in Dallas …": the sentence's own place is the
            // scene, not the dateline that opens it.
            if located.contains(where: { !isDateline($0) }) { located.removeAll(where: isDateline) }
            if !located.isEmpty { return located.reversed() }
            back -= 1
        }
        if let dateline = partHits.first, isDateline(dateline), dateline.endToken <= unit.firstToken, accepted(dateline) {
            return [dateline]
        }
        // "Pittsburgh's robot row is getting crowded … Pittsburgh has been here before. … Unitree has set up a group in a
        // former printing plant": the one place the headline names, when the body has named it before the event.
        let named = headlinePlaces.filter { place in terms.contains { $0.list == place.list } }
        guard let place = named.first, !named.dropFirst().contains(where: { $0 != place }) else { return [] }
        if let mention = partHits.first(where: { hit in
            hit.list == place.list && hit.entry == place.entry && hit.endToken <= unit.firstToken && accepted(hit)
                && !text.tokenText(hit.endToken, equals: "-") && !Self.isOutskirts(after: hit, in: text)
        }) {
            return [mention]
        }
        return []
    }

    /// The places of a headline that say where its story is: every city (a state or a country is too wide to be a
    /// scene: "We are not opening in America") but a headquarters ("Seattle-based"), a suburb ("Dallas Suburb")
    /// and where something leaves ("moves from Seattle"). A headline naming two places sets no scene.
    static func headlineSettingCandidates(_ hits: [Hit], in title: AnalyzedText, lists: [GazetteerList]) -> [(list: Int32, entry: Int32)] {
        hits.compactMap { hit in
            let list = lists[Int(hit.list)]
            guard !list.isReferable, !list.isMask, list.entries[Int(hit.entry)].attributes["level"] == "city",
                !title.tokenText(hit.endToken, equals: "-"), !Self.isOutskirts(after: hit, in: title),
                hit.firstToken == 0 || !Self.departures.contains(title.key(ofToken: hit.firstToken - 1))
            else { return nil }
            return (hit.list, hit.entry)
        }
    }

    /// "in Dallas Suburb", "the Dallas suburb of Frisco": a place beside the city, not the city.
    static let outskirts: Set<String> = ["suburb", "suburbs", "outskirts", "exurb", "exurbs", "area"]
    static func isOutskirts(after hit: Hit, in text: AnalyzedText) -> Bool {
        hit.endToken < text.textTokens.count && outskirts.contains(text.key(ofToken: hit.endToken))
    }

    static let departures: Set<String> = ["from", "leaves", "leaving", "quits", "exits", "exiting"]

    /// Whether `place`, the dateline that opens the event's own sentence, sets its scene: the sentence gives the event
    /// no place of its own, listed or not ("MORRISVILLE, N.C. — Lenovo today opened a new AI lab."), and the dateline
    /// stands before the event's words. "SEATTLE — … opened a lab in Toronto" keeps Toronto.
    func datelineSets(_ place: Hit, verb: Hit, agent: Hit?, object: Hit?, unit: Segment) -> Bool {
        guard isDateline(place), place.endToken <= min(verb.firstToken, agent?.firstToken ?? verb.firstToken) else { return false }
        let others = partHits(startingIn: unit.tokenRange).filter { $0.list == place.list && $0.firstToken != place.firstToken }
        if others.contains(where: { locatesItsSentence($0) }) { return false }
        return ownPlace(verb: verb, object: object, unit: unit) == nil
    }

    /// A dateline place: "NOVI, Mich. —" (``AnalyzedText/isDateline(first:end:)``).
    func isDateline(_ hit: Hit) -> Bool {
        text.isDateline(first: hit.firstToken, end: hit.endToken)
    }

    /// Whether a place hit says where something in its sentence is: "in Bellevue", "at its Eastgate offices near
    /// Bellevue", "working here" (the dateline's place), or the dateline itself — not a headquarters
    /// ("Bellevue-based"), a destination or a passing mention.
    func locatesItsSentence(_ hit: Hit) -> Bool {
        if isDateline(hit) { return true }
        if hit.endToken - hit.firstToken == 1, text.key(ofToken: hit.firstToken) == "here" { return true }
        if text.tokenText(hit.endToken, equals: "-") || text.tokenText(hit.endToken, equals: "$") { return false }
        if EventAnalysis.namesAStreet(hit, in: text) { return false }
        // Tokens before the text's first are no words ("In Seattle, …" opening the body).
        func word(_ index: Int) -> String { index >= 0 ? text.key(ofToken: index) : "" }
        var cursor = hit.firstToken - 1
        while cursor >= max(0, hit.firstToken - 5) {
            let key = word(cursor)
            // "customers across the United States", "clients in Texas": a market, not where something is.
            if Self.locatives.contains(key) { return !EventAnalysis.placeBlockers.contains(word(cursor - 1)) }
            // "works out of Austin", "operating from Austin".
            if EventAnalysis.workingFrom(word(cursor - 1), key, word(cursor - 2)) { return true }
            // "in Chicago's Fulton Market": past the possessive of the same city, written around its district.
            if key == "'s" || key == "’s",
                let around = partHits.first(where: { $0.endToken == cursor && $0.list == hit.list && $0.entry == hit.entry })
            {
                cursor = around.firstToken - 1
                continue
            }
            // "in January by a US subsidiary": another preposition governs the place.
            guard text.textTokens[cursor].kind == .word, !EventAnalysis.prepositions.contains(key) else { return false }
            cursor -= 1
        }
        return false
    }

    /// The place a sentence gives its event itself, listed or not, which a setting must not override: a locative
    /// after the verb or the unit ("opened a lab in Vancouver", "set up in Toronto") or a name modifying the unit
    /// ("the Munich lab"). A purpose or a relative clause ends the search ("to serve customers in Canada").
    func ownPlace(verb: Hit, object: Hit?, unit: Segment) -> String? {
        let unitHits = partHits(startingIn: unit.tokenRange)
        func isName(_ index: Int) -> Bool {
            guard index >= unit.firstToken, index < unit.endToken else { return false }
            let shape = text.textTokens[index].shape
            guard shape == .capitalized || shape == .upper, !Self.calendarWords.contains(text.key(ofToken: index)) else {
                return false
            }
            // A listed word decides by its list: a place is one, a firm or a term ("an AI lab") is not.
            guard let hit = unitHits.first(where: { $0.firstToken <= index && index < $0.endToken }) else { return true }
            let list = lists[Int(hit.list)]
            return !list.isReferable && list.entries[Int(hit.entry)].attributes["level"] != nil
        }
        // "In Singapore, the Group expanded its AI team": a place opening the sentence, before its comma, frames it.
        if Self.locatives.contains(text.key(ofToken: unit.firstToken)), unit.firstToken + 1 < verb.firstToken,
            isName(unit.firstToken + 1),
            (unit.firstToken + 2..<min(unit.endToken, unit.firstToken + 5)).contains(where: { text.tokenText($0, equals: ",") })
        {
            return text.text(ofToken: unit.firstToken + 1)
        }
        for anchor in [verb.endToken, object?.endToken].compactMap({ $0 }) {
            var index = anchor
            while index < min(unit.endToken, anchor + 8), !Self.ownPlaceStops.contains(text.key(ofToken: index)) {
                if Self.locatives.contains(text.key(ofToken: index)) {
                    // Past "the" and words such as "downtown": "in downtown London, Ontario".
                    var name = index + 1
                    while name < index + 4, Self.placeDeterminers.contains(text.key(ofToken: name)) { name += 1 }
                    if isName(name) { return text.text(ofToken: name) }
                }
                index += 1
            }
        }
        // "expanding research in China, where it has opened labs": a 'where' clause happens at its antecedent.
        if let whereIndex = (unit.firstToken..<verb.firstToken).last(where: { text.key(ofToken: $0) == "where" }),
            whereIndex - 2 >= unit.firstToken, text.tokenText(whereIndex - 1, equals: ","), isName(whereIndex - 2)
        {
            return text.text(ofToken: whereIndex - 2)
        }
        // "its international presence", "an overseas team": a unit the sentence places abroad in general.
        if let object, object.firstToken > 0, Self.abroadModifiers.contains(text.key(ofToken: object.firstToken - 1)) {
            return text.text(ofToken: object.firstToken - 1)
        }
        // "the Munich lab would start with about 60 engineers": another unit of the object's list, named by a place
        // of no US list after "the", places the sentence's event there too.
        if let object {
            for other in unitHits where other.list == object.list && other.firstToken != object.firstToken && other.firstToken > unit.firstToken {
                let before = other.firstToken - 1
                if before > unit.firstToken, isName(before), text.key(ofToken: before - 1) == "the",
                    !partHits(startingIn: before..<before + 1).contains(where: { $0.list != other.list }),
                    !isTitled(other)
                {
                    return text.text(ofToken: before)
                }
            }
        }
        // "a new Hybrid AI Engineering Lab": a unit with a name of its own; the capitalised words before it are that
        // name, and only a listed place among them places it ("the Seattle AI Lab").
        if let object, !isTitled(object) {
            var index = object.firstToken - 1
            while index > unit.firstToken, index >= object.firstToken - 3, !Self.ownPlaceStops.contains(text.key(ofToken: index)) {
                if isName(index) { return text.text(ofToken: index) }
                index -= 1
            }
        }
        return nil
    }

    static let abroadModifiers: Set<String> = ["international", "global", "overseas", "worldwide", "offshore", "foreign"]

    /// Whether a unit is written as a name ("the Hybrid AI Engineering Lab"): capitalised inside its sentence.
    func isTitled(_ object: Hit) -> Bool {
        guard let index = sentenceIndex(of: object.firstToken), text.sentences[index].firstToken < object.firstToken else {
            return false
        }
        let shape = text.textTokens[object.firstToken].shape
        return shape == .capitalized
    }

    /// Why a place a next sentence gives the unit cannot be its place, or nil when it can: the unit's own sentence
    /// may name no place, or a wider one that holds it ("a US subsidiary … The subsidiary is located in Santa
    /// Clara"; "in Southern California … The team works from an office in Irvine"), but not another one ("a lab in
    /// Vancouver, British Columbia … customers, most of them in the United States"); and the next sentence must say
    /// it as it says a fact ("The lab would most likely be in San Diego or Austin" places nothing).
    func laterPlaceConflict(_ place: Hit, verb: Hit, object: Hit?, unit: Segment) -> String? {
        if let index = sentenceIndex(of: place.firstToken) {
            let there = EventAnalysis(
                structure: structures.structure(of: text.sentences[index], in: text), text: text, publishedYear: publishedYear)
            let (reading, cue) = there.factuality(of: place, agent: nil)
            if reading != .asserted && reading != .announced {
                return "it is \(reading.rawValue) in its sentence (cue \(cue ?? "none"))"
            }
        }
        let own = partHits(startingIn: unit.tokenRange).filter { $0.list == place.list }
        if !own.isEmpty {
            if own.contains(where: { holds($0, place) }) { return nil }
            let name = text.text(from: text.textTokens[own[0].firstToken].start, to: text.textTokens[own[0].endToken - 1].end)
            return "the unit's sentence places it in '\(name)'"
        }
        if let named = ownPlace(verb: verb, object: object, unit: unit) { return "the unit's sentence places it in '\(named)'" }
        return nil
    }

    /// Whether the unit's own places of `place`'s list all hold it (a country its states and cities, a state its
    /// regions and cities), and there is at least one.
    func ownPlacesHold(_ place: Hit, unit: Segment) -> Bool {
        let own = partHits(startingIn: unit.tokenRange).filter { $0.list == place.list }
        return !own.isEmpty && own.allSatisfy { holds($0, place) }
    }

    /// Whether the place `outer` holds the place `inner`, by their list's `level`: a country holds what has its
    /// `country` (or says none), a state or region what has its `state`.
    func holds(_ outer: Hit, _ inner: Hit) -> Bool {
        let outerAttributes = entries(of: outer)[Int(outer.entry)].attributes
        let innerAttributes = entries(of: inner)[Int(inner.entry)].attributes
        guard let outerRank = outerAttributes["level"].flatMap(Self.levelRank),
            let innerRank = innerAttributes["level"].flatMap(Self.levelRank), outerRank < innerRank
        else { return false }
        if outerRank == 0 {
            return outerAttributes["country"] == nil || innerAttributes["country"] == nil
                || outerAttributes["country"] == innerAttributes["country"]
        }
        return outerAttributes["state"] == innerAttributes["state"]
    }

    /// Whether a place hit modifies a noun after a determiner or a possessive, as a unit's place does: "the
    /// company's new Michigan team", "a US lab" — not "to serve US customers", "for Michigan automakers".
    func namesAUnit(_ hit: Hit) -> Bool {
        guard hit.firstToken > 0, hit.endToken < text.textTokens.count, text.textTokens[hit.endToken].kind == .word else {
            return false
        }
        return Self.unitModifierLeads.contains(text.key(ofToken: hit.firstToken - 1))
    }

    static let unitModifierLeads: Set<String> = [
        "the", "a", "an", "its", "their", "his", "her", "our", "new", "first", "'s", "’s",
    ]

    /// Whether a place is a country or a state: a place a setting may refine.
    func isWide(_ hit: Hit) -> Bool {
        guard let rank = entries(of: hit)[Int(hit.entry)].attributes["level"].flatMap(Self.levelRank) else { return false }
        return rank <= 1
    }

    /// How wide a place is, by its list's `level`: a country holds states, a state regions and cities.
    static func levelRank(_ level: String) -> Int? {
        ["country": 0, "state": 1, "region": 2, "city": 3][level]
    }

    /// Words between a locative and the name of its place: "in the heart of", "in downtown".
    static let placeDeterminers: Set<String> = [
        "the", "downtown", "central", "greater", "northern", "southern", "eastern", "western", "suburban", "metro",
        "metropolitan", "uptown", "midtown", "rural", "coastal", "nearby",
    ]

    /// Words that end the search for a sentence's own place: clause ends, purposes, relatives.
    static let ownPlaceStops: Set<String> = [",", ";", ".", ":", "(", "that", "which", "who", "to", "for", "and"]

    /// Prepositions that locate: "in", "at", "near".
    static let locatives: Set<String> = ["in", "at", "near", "outside", "inside", "around", "across", "throughout"]
    /// Capitalised words after "in" that are times, not places.
    static let calendarWords: Set<String> = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "q1", "q2", "q3", "q4",
    ]

    /// Words that make a noun phrase refer back to something named before.
    static let definite: Set<String> = ["the", "its", "this", "that", "their", "our"]
}
