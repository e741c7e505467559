/// The place check of an event: does this place locate the event or its unit, or is it a headquarters, a market,
/// a comparison, money, or a same-named place abroad?
extension EventAnalysis {
    static let locative: Set<String> = ["in", "at", "near", "outside", "across", "throughout", "inside", "around", "within"]
    /// Words that may stand between a locative preposition and the place ("in downtown Seattle").
    static let placeModifiers: Set<String> = [
        "the", "downtown", "greater", "suburban", "nearby", "northern", "southern", "eastern", "western", "central",
        "north", "south", "east", "west", "metro", "metropolitan", "uptown", "midtown", "coastal", "rural", "both",
        "and", ",", "a", "an", "new", "its", "their", "his", "her", "our", "this", "that",
    ]
    /// "the heart of", "the outskirts of": parts of a place that locate like the place.
    static let placeParts: Set<String> = ["heart", "outskirts", "edge", "middle", "center", "centre", "suburbs", "corner", "part", "north", "south", "east", "west"]
    /// Words between the event and the place that say the place is not where the unit is.
    static let placeBlockers: Set<String> = [
        "serve", "serves", "serving", "rival", "rivals", "rivaling", "rivalling", "compete", "competes", "competing",
        "than", "like", "from", "customers", "customer", "clients", "client", "users", "buyers", "buyer", "market", "markets", "talks", "headquarters",
        "headquartered", "home", "visit", "visited", "visiting", "conference", "summit", "hearing", "meeting",
        "moved", "moving", "relocated", "relocating", "relocate", "move", "instead", "rather", "unlike", "mirror",
        "mirroring", "modeled", "modelled", "version", "equivalent", "counterpart", "counterparts", "sell", "selling",
        "exports", "export", "shipping", "ship", "listing", "listed", "ipo", "investors", "court", "lawmakers",
    ]
    /// Verbs that move a unit: its place is where it goes ("relocating its team from Hangzhou to Austin"), not
    /// where it is ("moving its Seattle team to Vancouver").
    static let motionVerbs: Set<String> = [
        "move", "moves", "moved", "moving", "relocate", "relocates", "relocated", "relocating", "shift", "shifts",
        "shifted", "shifting", "transfer", "transfers", "transferred", "transferring",
    ]
    /// Words that say where a moving unit goes: "to Austin", "into a rented workshop in East Austin".
    static let destinations: Set<String> = ["to", "into"]
    /// Place blockers a moving unit's own route holds: "from Hangzhou to Austin".
    static let motionRoute: Set<String> = ["from", "moved", "moving", "move", "relocated", "relocating", "relocate"]

    /// Capitalised words after a place name that make it part of another name.
    static let namedFeatures: Set<String> = [
        "river", "lake", "street", "avenue", "road", "boulevard", "airport", "harbor", "harbour", "bridge", "tunnel",
        "mall", "university", "college", "hospital", "station", "stadium", "zoo", "symphony", "times", "post", "herald",
        "journal", "tribune", "chronicle", "magazine", "seahawks", "mariners", "giants", "warriors", "kings", "fc",
        "county", "parish",
    ]
    /// Capitalised words before "of PLACE" that make the place part of a name: "University of Washington".
    static let namesBeforeOf: Set<String> = ["university", "bank", "institute", "college", "state", "city", "port", "republic", "museum"]
    /// Distances before "from" that make a place a landmark nearby, not an origin: "a few blocks from Pike Place".
    /// Verbs of where a unit works, before "from" or "out of": "operating from Austin", "works out of Austin".
    static let workingVerbs: Set<String> = [
        "work", "works", "working", "worked", "operate", "operates", "operating", "operated", "run", "runs", "running",
    ]

    /// Whether `key` ("from", or "of" of "out of") after `previous` (and `beforePrevious`) says where a unit works.
    static func workingFrom(_ previous: String, _ key: String, _ beforePrevious: String) -> Bool {
        (key == "from" && workingVerbs.contains(previous)) || (key == "of" && previous == "out" && workingVerbs.contains(beforePrevious))
    }

    /// Only walking distances: "a short drive from San Diego" may be another country (Tijuana).
    static let distanceWords: Set<String> = ["blocks", "block", "steps", "doors", "yards", "walk"]

    /// Regions and countries outside the United States that follow a same-named city: "Richmond, British Columbia".
    static let foreignQualifiers: Set<String> = [
        "british", "ontario", "quebec", "alberta", "manitoba", "saskatchewan", "nova", "canada", "england",
        "scotland", "wales", "ireland", "uk", "u.k.", "australia", "queensland", "victoria", "tasmania",
        "mexico", "germany", "france", "jamaica", "guyana", "india", "china", "new south", "south africa",
        "netherlands", "switzerland", "belgium", "chile", "philippines", "trinidad", "barbados", "bermuda",
        // Abbreviated as in datelines: "Richmond, B.C.", "London, Ont.", "Newcastle, N.S.W.".
        "b.c.", "bc", "ont", "alta", "que", "sask", "man", "n.s.", "n.b.", "nfld", "p.e.i.", "n.s.w.", "nsw", "qld",
    ]

    /// US states and their abbreviations as they follow a city: "Richmond, Va.", "Durham, North Carolina".
    static let usQualifiers: Set<String> = [
        "alabama", "ala", "alaska", "arizona", "ariz", "arkansas", "ark", "california", "calif", "colorado", "colo",
        "connecticut", "conn", "delaware", "del", "florida", "fla", "georgia", "ga", "hawaii", "idaho", "illinois",
        "ill", "indiana", "ind", "iowa", "kansas", "kan", "kans", "kentucky", "ky", "louisiana", "la", "maine",
        "maryland", "md", "massachusetts", "mass", "michigan", "mich", "minnesota", "minn", "mississippi", "miss",
        "missouri", "mo", "montana", "mont", "nebraska", "neb", "nevada", "nev", "new", "n.h.", "n.j.", "n.m.",
        "n.y.", "north", "n.c.", "n.d.", "ohio", "oklahoma", "okla", "oregon", "ore", "pennsylvania", "pa", "rhode",
        "r.i.", "south", "s.c.", "s.d.", "tennessee", "tenn", "texas", "tex", "utah", "vermont", "vt", "virginia",
        "va", "washington", "wash", "west", "w.va.", "wisconsin", "wis", "wyoming", "wyo", "d.c.",
    ]

    /// A foreign qualifier the article gives the same place name elsewhere, when it never gives it a US one: the
    /// dateline "RICHMOND, B.C. —" says which Richmond "opened an office in Richmond" means.
    func foreignQualifierElsewhere(of place: Hit) -> String? {
        let name = (place.firstToken..<place.endToken).map { structure.key($0) }
        guard !name.isEmpty, !name.contains(",") else { return nil }
        // A place's words are in the phrase index's vocabulary, whose id is the same for every spelling of a key:
        // comparing ids first makes no key for the article's other tokens.
        let firstID = text.textTokens[place.firstToken].id
        var foreign: String?
        var start = 0
        let count = text.textTokens.count
        while start + name.count + 1 < count {
            defer { start += 1 }
            guard firstID < 0 || text.textTokens[start].id == firstID, text.key(ofToken: start) == name[0],
                name.indices.dropFirst().allSatisfy({ text.key(ofToken: start + $0) == name[$0] }),
                text.key(ofToken: start + name.count) == ","
            else { continue }
            let qualifier = text.key(ofToken: start + name.count + 1)
            if Self.usQualifiers.contains(qualifier) { return nil }
            if Self.foreignQualifiers.contains(qualifier) { foreign = qualifier }
        }
        return foreign
    }

    /// Street words that follow two names joined by "and": "the corner of Richmond and Dundas streets".
    static let streetWords: Set<String> = ["street", "streets", "avenue", "avenues", "road", "roads", "boulevard", "boulevards", "st", "ave"]

    /// Whether `place` names a street, not the place: "at the corner of Richmond and Dundas streets", "on Richmond
    /// and Dundas", "Seattle Street" (a capitalised street word right after, see ``namedFeatures``).
    static func namesAStreet(_ place: Hit, in text: AnalyzedText) -> Bool {
        let count = text.textTokens.count
        func key(_ index: Int) -> String { index >= 0 && index < count ? text.key(ofToken: index) : "" }
        // "Richmond and Dundas streets", "Dundas and Richmond streets".
        if key(place.endToken) == "and", streetWords.contains(key(place.endToken + 2)) { return true }
        if streetWords.contains(key(place.endToken)), key(place.endToken).hasSuffix("s"), key(place.firstToken - 2) == "and" {
            return true
        }
        // "the corner of Richmond and Dundas", "the intersection of Richmond".
        return key(place.firstToken - 1) == "of" && ["corner", "corners", "intersection"].contains(key(place.firstToken - 2))
    }

    /// A foreign region an aside right after the place puts it in: "Durham, in the north-east of England",
    /// "Richmond, in British Columbia". Only up to the aside's end, so "Durham, in North Carolina, near …" is not read.
    func foreignRegionAfter(_ place: Hit) -> String? {
        let s = structure
        guard s.key(place.endToken) == ",", s.key(place.endToken + 1) == "in" else { return nil }
        var index = place.endToken + 2
        while index < min(s.end, place.endToken + 9) {
            let key = s.key(index)
            if [",", ".", ";", ":", "(", ")", "—", "–"].contains(key) { return nil }
            if Self.foreignQualifiers.contains(key) { return key }
            if Self.usQualifiers.contains(key), s.isCapitalized(index) { return nil }
            index += 1
        }
        return nil
    }

    /// Whether `place` locates the event of `verb` (and its `team`), or why not.
    func placeReason(place: Hit, verb: Hit, team: Hit?) -> String? {
        let s = structure
        let after = place.endToken
        // "here", standing for the dateline's place: a location by itself.
        if place.endToken - place.firstToken == 1, s.key(place.firstToken) == "here" {
            guard place.firstToken >= verb.endToken || place.firstToken >= (team?.endToken ?? verb.endToken) else {
                return "before the event"
            }
            return nil
        }
        // "US$200 million", "US dollars": money, not a place.
        if s.key(after) == "$" || s.key(after) == "dollar" || s.key(after) == "dollars" {
            return "money, not a place"
        }
        // "Cupertino-based Apple": the headquarters of someone, unless it goes on to the team ("a US-based team").
        if s.key(after) == "-", s.key(after + 1) == "based" {
            if let team, team.firstToken >= after + 2, team.firstWord - text.textTokens[after + 1].wordIndex <= 4,
                !(after + 2..<team.firstToken).contains(where: { (s.isCapitalized($0) && s.key($0) != "ai") || $0 == verb.firstToken }),
                !s.contains([",", "to", "from", "for", "of"], from: after + 2, to: team.firstToken)
            {
                return nil
            }
            return "a headquarters ('\(s.key(place.firstToken))-based')"
        }
        // "the Detroit River", "Seattle Symphony": the place names part of something else.
        if s.isCapitalized(after), Self.namedFeatures.contains(s.key(after)) {
            return "part of the name '\(s.key(place.firstToken)) \(s.key(after))'"
        }
        // "the University of Washington campus", "Bank of America": so does a place after "of" in a name.
        if s.key(place.firstToken - 1) == "of", s.isCapitalized(place.firstToken - 2),
            Self.namedFeatures.contains(s.key(place.firstToken - 2)) || Self.namesBeforeOf.contains(s.key(place.firstToken - 2))
        {
            return "part of the name '\(s.key(place.firstToken - 2)) of \(s.key(place.firstToken))'"
        }
        if Self.namesAStreet(place, in: text) { return "a street name" }
        // "a Dallas suburb", "in Dallas Suburb": somewhere near the city, not the city.
        if ["suburb", "suburbs", "exurb", "exurbs", "outskirts"].contains(s.key(after)) {
            return "a suburb of '\(s.key(place.firstToken))', not the place itself"
        }
        if s.key(after) == ",", Self.foreignQualifiers.contains(s.key(after + 1)) {
            return "qualified as outside the US ('\(s.key(after + 1))')"
        }
        if let qualifier = foreignRegionAfter(place) {
            return "qualified as outside the US ('in … \(qualifier)')"
        }
        if let qualifier = foreignQualifierElsewhere(of: place) {
            return "the article places '\(s.key(place.firstToken))' outside the US ('\(qualifier)')"
        }
        let motion = Self.motionVerbs.contains(s.key(verb.firstToken))
        let anchorEnd = max(verb.endToken, team?.endToken ?? verb.endToken)
        let anchorFirst = min(verb.firstToken, team?.firstToken ?? verb.firstToken)
        // "…moved several members to Seattle, where it is doubling its AI team": a "where" clause right after the
        // place holds the event.
        if s.key(after) == ",", s.key(after + 1) == "where", anchorFirst > after + 1,
            s.breaks(from: after + 2, to: anchorFirst, inRegion: s.region(anchorFirst)).isEmpty
        {
            return nil
        }
        // A modifier of the unit: "its Seattle lab", "a U.S. AI research team" — not a likeness of one ("its own
        // version of a California campus in Beijing").
        // A moving unit is located where it goes, after the verb and the unit: "its Seattle team" is where it was.
        if motion, place.firstToken < anchorEnd {
            return "not where the unit moves to"
        }
        if let team, place.endToken <= team.firstToken, team.firstWord - place.lastWord <= 4,
            place.firstToken >= verb.endToken || team.firstToken < verb.firstToken,
            !s.contains([",", "to", "from", "than", "for", "of", "and", "-", "in", "with"], from: place.endToken, to: team.firstToken)
        {
            if let likeness = (max(s.first, place.firstToken - 4)..<place.firstToken).first(where: { Self.placeBlockers.contains(s.key($0)) }) {
                return "after '\(s.key(likeness))'"
            }
            return nil
        }
        guard let (preposition, at) = locatingPreposition(place) else {
            return "not after 'in', 'at' or 'near'"
        }
        if place.firstToken >= anchorEnd || (place.firstToken > anchorFirst && !Self.destinations.contains(preposition)) {
            // A relative clause on the unit between does not count: "our new research centre, which will focus on …,
            // will be located in Sunnyvale".
            if place.firstWord - text.textTokens[anchorEnd - 1].wordIndex > 16 {
                let lineRegion = s.region(anchorEnd - 1)
                let words = (anchorEnd..<place.firstToken).count { index in
                    let region = s.region(index)
                    let relative = region != lineRegion && ["which", "who", "that"].contains(s.key(s.opener(ofRegion: region) + 1))
                    return !relative && text.textTokens[index].kind == .word
                }
                if words > 16 { return "too far from the event" }
            }
            let from = place.firstToken >= anchorEnd ? anchorEnd : anchorFirst
            // The preposition before the event's own words: "in Midea's new Columbus, Ohio, AI lab" — the place
            // stands inside the phrase that names the unit, with nothing between to block it.
            if motion {
                guard place.firstToken >= anchorEnd, (from...at).contains(where: { Self.destinations.contains(s.key($0)) }) else {
                    return "not where the unit moves to"
                }
            }
            if at < from { return nil }
            if let blocker = (from..<at).first(where: {
                Self.placeBlockers.contains(s.key($0)) && !(motion && Self.motionRoute.contains(s.key($0)))
                    && !(s.key($0) == "from" && Self.distanceWords.contains(s.key($0 - 1)) && preposition == "in")
                    // "an AI team headquartered in Austin": right after the unit, its own seat.
                    && !($0 == team?.endToken && s.key($0) == "headquartered")
                    && !(s.key($0) == "from" && Self.workingVerbs.contains(s.key($0 - 1)))
            }) {
                return "after '\(s.key(blocker))'"
            }
            if let cut = s.breaks(from: from, to: at, inRegion: 0).first(where: { s.region($0) == 0 }) {
                return "in another clause (after '\(s.key(cut))')"
            }
            return nil
        }
        // "In Seattle, Alibaba has opened…": a place opening the sentence frames it.
        if at == s.first || (at == s.first + 1 && s.key(s.first) == "and") {
            return nil
        }
        // "has worked here, in Santa Monica, at a video-generation lab set up by Kuaishou": the place and the unit
        // side by side as where one clause happens; the unit, and what its own words say of it, is in the place.
        if let team, team.firstToken > after, verb.firstToken >= team.firstToken, team.firstToken - after <= 7 {
            let link = s.key(after) == "," ? after + 1 : after
            if ["at", "in", "inside"].contains(s.key(link)),
                !(link + 1..<team.firstToken).contains(where: { Self.prepositions.contains(s.key($0)) || [",", "and", "or"].contains(s.key($0)) })
            {
                return nil
            }
        }
        return "before the event"
    }

    /// The preposition that makes `place` a location ("in", "at", "near", or "to" after the verb or unit).
    private func locatingPreposition(_ place: Hit) -> (String, Int)? {
        let s = structure
        var index = place.firstToken - 1
        var steps = 0
        while index >= s.first, steps < 7 {
            let key = s.key(index)
            if Self.locative.contains(key) { return (key, index) }
            if key == "to" || key == "into" { return (key, index) }
            // "ten miles north of Boston": near it.
            if key == "of", ["north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"]
                .contains(s.key(index - 1)), ["miles", "mile", "kilometres", "kilometers", "km", "minutes", "hour"].contains(s.key(index - 2))
            {
                return ("near", index)
            }
            // "in the heart of Silicon Valley", "on the outskirts of Austin": still a location.
            if key == "of", Self.placeParts.contains(s.key(index - 1)) {
                index -= 2
                steps += 2
                continue
            }
            // "a few blocks from downtown Ann Arbor": near it.
            if key == "from", Self.distanceWords.contains(s.key(index - 1)) { return ("near", index) }
            // "a team that works out of Austin", "operating from Austin": where the unit works.
            if Self.workingFrom(s.key(index - 1), key, s.key(index - 2)) { return ("in", index) }
            if key == "from" || key == "than" || key == "of" { return nil }
            // "in Manhattan's Flatiron District", "in the city's Sorrento Valley district": past the possessive of
            // the place around it.
            if key == "'s" || key == "'", index - 1 > s.first, text.textTokens[index - 1].kind == .word {
                index -= 2
                steps += 2
                continue
            }
            // "In March the US Subsidiary opened…": the preposition governs a time, not the place.
            if RuleEvaluation.calendarWords.contains(key) { return nil }
            // "at 400 Fairview Avenue North, Seattle": a street address before the city.
            guard Self.placeModifiers.contains(key) || s.isCapitalized(index) || text.textTokens[index].kind == .number else { return nil }
            index -= 1
            steps += 1
        }
        return nil
    }
}
