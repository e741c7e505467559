/// The checks behind a rule's `event` clause: is this firm the one doing it, is this team what it opens, does this
/// place locate it, and does the text say it happened?
///
/// Each check works on one sentence's ``ClauseStructure`` and the hits a rule bound; each answers with a reason
/// when it says no, for `--explain` and `herald eval`.
struct EventAnalysis {
    let structure: ClauseStructure
    let text: AnalyzedText
    /// The year the article was published, for reading dated events as history.
    let publishedYear: Int?

    // MARK: Agent

    /// Prepositions whose object is never the subject of the clause ("buys services from Alibaba").
    static let prepositions: Set<String> = [
        "from", "with", "by", "of", "for", "to", "at", "like", "than", "against", "between", "among", "versus", "vs",
        "over", "into", "on", "about", "behind", "alongside", "unlike", "beyond", "toward", "towards", "via", "in",
        "as", "under", "amid", "around", "near",
    ]

    /// Words that may stand between a preposition and the firm it governs ("from Chinese tech giant Alibaba").
    static let premodifiers: Set<String> = [
        "the", "a", "an", "its", "their", "his", "her", "our", "chinese", "china", "china's", "fellow", "giant",
        "tech", "technology", "internet", "search", "e", "commerce", "-", "based", "startup", "start", "up", "firm",
        "company", "group", "companies", "firms", "rival", "rivals", "peer", "peers", "partner", "partners",
        "platform", "owner", "operator", "maker", "makers", "developer", "and", ",", "or", "&", "both", "either",
        "such", "state", "owned", "backed", "listed", "'s", "ai", "hong", "kong", "mainland", "beijing", "shanghai",
        "shenzhen", "hangzhou", "e-commerce", "smartphone", "chip", "chipmaker", "automaker", "carmaker", "ev",
    ]

    /// Words after a firm's possessive that make someone else the subject: "Alibaba's former engineers opened…".
    static let possessedPeople: Set<String> = [
        "former", "ex", "alumni", "alumnus", "founders", "founder", "veterans", "veteran", "employees", "engineers",
        "researchers", "executives", "staff", "investors", "investor", "backers", "rivals", "rival", "partners",
        "partner", "customers", "customer", "suppliers", "supplier", "critics",
    ]

    /// People who act for their firm when they open something: "Executives from Alibaba cut the ribbon".
    static let actingPeople: Set<String> = ["executives", "officials", "representatives", "leaders", "managers", "delegation"]

    /// Verbs that name a thing: "what it calls", "what listings describe as".
    static let namingVerbs: Set<String> = [
        "call", "calls", "called", "describe", "describes", "described", "dub", "dubs", "dubbed", "bill", "bills",
        "billed", "term", "terms", "termed", "brand", "brands", "branded", "label", "labels", "labelled", "labeled",
    ]

    /// Words of a verb group before its main verb: "will", "has now", "plans to".
    static let verbGroupWords: Set<String> = [
        "will", "would", "shall", "can", "could", "may", "might", "has", "have", "had", "is", "was", "are", "were", "be",
        "been", "also", "now", "soon", "already", "plans", "planned", "to", "intends", "expects", "set", "recently",
    ]

    /// Subjects that stand for a firm named earlier in the sentence: "Alibaba said it would…".
    static let anaphors: Set<String> = ["it", "they", "we", "company", "firm", "group", "giant", "startup", "start",
        "business", "conglomerate", "maker", "unit", "subsidiary", "operator", "developer", "platform", "owner"]

    /// Whether `firm` is the one doing `verb`, or why not.
    func agentReason(firm: Hit, verb: Hit) -> String? {
        let s = structure
        // "Midea's new Columbus lab": the owner of a unit described as new is its opener, wherever the phrase stands.
        if Self.attributive.contains(s.key(verb.firstToken)), firm.endToken <= verb.firstToken {
            let between = firm.endToken..<verb.firstToken
            if between.count <= 1, between.allSatisfy({ s.key($0) == "'s" || s.key($0) == "'" }) { return nil }
        }
        if firm.endToken <= verb.firstToken {
            if let reason = nonSubjectReason(firm) { return reason }
            if verb.firstWord - firm.lastWord > 30 { return "too far from the verb" }
            let firmRegion = s.region(firm.firstToken)
            let verbRegion = s.region(verb.firstToken)
            var onLine = firmRegion
            if firmRegion != verbRegion {
                // The antecedent of a set-off relative clause: "Alibaba, which opened a lab in Seattle, …".
                let opener = verbRegion == 0 ? -1 : s.opener(ofRegion: verbRegion)
                let relative = opener >= 0 && ["which", "who", "that"].contains(s.key(opener + 1))
                // The relative's antecedent is the firm ("Alibaba, which opened…") or a unit the firm owns
                // ("Alibaba's Seattle AI lab, which opened in March,").
                let antecedent = opener == firm.endToken || opener == firm.endToken + 1
                    || (s.key(firm.endToken) == "'s" && opener - firm.endToken <= 7
                        && !s.contains([",", "and", "or"], from: firm.endToken, to: opener))
                guard relative, firmRegion == s.region(opener - 1), antecedent
                else { return "set off from the verb's clause (\(firmRegion == 0 ? "the verb is in an aside" : "an aside"))" }
                return nil
            }
            onLine = verbRegion
            // "Alibaba is closing one office and opening a lab", "…would not open a lab in Seattle, but opened one in
            // Austin": the subject carries across "and" and "but" before a verb.
            let breaks = s.breaks(from: firm.endToken, to: verb.firstToken, inRegion: onLine).filter { at in
                s.key(at) != "and" && !(s.key(at) == "but" && (at + 1 == verb.firstToken || ClauseStructure.looksLikeVerbForm(s.key(at + 1))))
            }
            guard let last = breaks.last else { return nil }
            // "Alibaba, which …" / "Alibaba that …": the relative pronoun's antecedent is the firm.
            if breaks.count == 1, ["which", "who", "that"].contains(s.key(last)),
                last == firm.endToken || (last == firm.endToken + 1 && s.key(firm.endToken) == ",")
            {
                return nil
            }
            // "Qingyu Robotics, a start-up from Hangzhou, that writes AI software for warehouses, will open…": a
            // relative clause set off by commas inside the firm's appositive, the main verb after its closing comma.
            if breaks.count == 1, ["which", "who", "that"].contains(s.key(last)), s.key(last - 1) == ",",
                s.key(firm.endToken) == ",", let closing = (last + 1..<verb.firstToken).last(where: { s.key($0) == "," })
            {
                // Nothing but auxiliaries between the closing comma and the verb: the main clause's verb group.
                if (closing + 1..<verb.firstToken).allSatisfy({ Self.verbGroupWords.contains(s.key($0)) }) { return nil }
            }
            // "Alibaba said on Monday that it would open…": a pronoun or "the company" after the last break.
            let tail = (last + 1)..<verb.firstToken
            if tail.contains(where: { Self.anaphors.contains(s.key($0)) && !s.isCapitalized($0) || s.key($0) == "it" }) {
                return nil
            }
            return "in another clause than the verb (after '\(s.key(last))')"
        }
        // The verb first: a passive or reduced relative with the firm in its "by" phrase ("a centre set up by Ant").
        guard let (preposition, at) = governingPreposition(firm), preposition == "by", at >= verb.endToken,
            s.breaks(from: verb.endToken, to: at, inRegion: s.region(verb.firstToken)).isEmpty,
            firm.firstWord - verb.lastWord <= 10
        else { return "after the verb and not its 'by' agent" }
        return nil
    }

    /// Why a firm cannot be a clause's subject where it stands, if it cannot.
    private func nonSubjectReason(_ firm: Hit) -> String? {
        let s = structure
        let next = firm.endToken
        // "Tencent-backed", "Alibaba-owned": the firm modifies someone else.
        if s.key(next) == "-", next + 1 < s.end, text.textTokens[next].start == text.textTokens[next - 1].end {
            return "a modifier ('\(s.key(next + 1))')"
        }
        // "XPeng executives cut the ribbon", "XPeng's officials opened": serving people act for the firm, unless
        // they are former ones.
        let formerly = ["former", "ex", "retired", "departed"].contains(s.key(firm.firstToken - 1))
        if s.key(next) == "'s" || s.key(next) == "'", Self.possessedPeople.contains(s.key(next + 1)),
            formerly || !Self.actingPeople.contains(s.key(next + 1))
        {
            return "a possessive of '\(s.key(next + 1))'"
        }
        // "former Alibaba engineers": people from the firm, not the firm.
        if Self.possessedPeople.contains(s.key(next)), formerly || !Self.actingPeople.contains(s.key(next)) {
            return "a modifier of '\(s.key(next))'"
        }
        if let (preposition, _) = governingPreposition(firm) {
            return "the object of '\(preposition)'"
        }
        return nil
    }

    /// The preposition governing the noun phrase `firm` ends, looking back over its premodifiers.
    func governingPreposition(_ firm: Hit) -> (String, Int)? {
        let s = structure
        var index = firm.firstToken - 1
        var steps = 0
        // A comma before the firm ends a fronted phrase ("In Seattle, Alibaba opened…") unless the firm is in a
        // list ("from Alibaba, Tencent and Baidu").
        var inList = ["," , "and", "or", "&"].contains(s.key(firm.endToken))
        while index >= s.first, steps < 7 {
            let key = s.key(index)
            if key == "and" || key == "or" || key == "&" { inList = true }
            if key == ",", !inList { return nil }
            if Self.prepositions.contains(key) {
                // "a unit of Alibaba", "part of Tencent" speak of the firm itself.
                if key == "of", ["unit", "subsidiary", "arm", "division", "affiliate", "part", "branch"].contains(s.key(index - 1)) {
                    return nil
                }
                // "Executives from the Guangzhou company cut the ribbon on…": the firm's serving people act for it
                // ("former executives of" do not).
                if key == "from" || key == "of", Self.actingPeople.contains(s.key(index - 1)),
                    !["former", "ex", "retired", "departed"].contains(s.key(index - 2))
                {
                    return nil
                }
                return (key, index)
            }
            // "In January the company opened…": a date ends the phrase before the firm; the preposition is the date's.
            guard Self.premodifiers.contains(key) || (s.isCapitalized(index) && !Self.calendarNames.contains(key)) else { return nil }
            index -= 1
            steps += 1
        }
        return nil
    }

    // MARK: Object

    /// Words that state an opening as an attribute of the unit ("Tencent's new office … will employ"): as an event's
    /// verb they must stand right before the unit.
    static let attributive: Set<String> = [
        "new", "newly", "planned", "upcoming", "opening", "launch", "establishment",
    ]

    /// Whether `team` is what `verb` opens, or why not.
    func objectReason(team: Hit, verb: Hit) -> String? {
        let s = structure
        if Self.attributive.contains(s.key(verb.firstToken)) {
            // "Midea's new Columbus, Ohio, AI lab": a place with its state between commas still modifies the unit.
            guard team.firstToken >= verb.endToken, team.firstWord - verb.lastWord <= 4 else {
                return "'\(s.key(verb.firstToken))' does not describe it"
            }
            let between = verb.endToken..<team.firstToken
            let placeWithState = between.count <= 7 && between.allSatisfy { s.isCapitalized($0) || s.key($0) == "," || s.key($0) == "." }
            guard placeWithState || (s.breaks(from: verb.endToken, to: team.firstToken, inRegion: s.region(verb.firstToken)).isEmpty
                && !s.contains([",", "and", "of", "to", "for"], from: verb.endToken, to: team.firstToken))
            else { return "'\(s.key(verb.firstToken))' does not describe it" }
            return nil
        }
        if team.firstToken >= verb.endToken {
            // "is recruiting research scientists, compiler engineers … for a newly formed group in Redmond": hiring
            // for a unit names the unit late; otherwise the object follows its verb closely.
            // "recruiting for what listings describe as a new … group": "for" right after the verb as well.
            let hiringFor = (max(verb.endToken, team.firstToken - 8)..<team.firstToken).contains { s.key($0) == "for" }
                || s.key(verb.endToken) == "for"
            if team.firstWord - verb.lastWord > (hiringFor ? 45 : 12) { return "too far after the verb" }
            let breaks = s.breaks(from: verb.endToken, to: team.firstToken, inRegion: s.region(verb.firstToken))
            // "recruiting for what job listings describe as a new … group", "set up what it calls an applied
            // research group": a free relative that only names the object.
            if breaks.count == 1, s.key(breaks[0]) == "what",
                (breaks[0]..<team.firstToken).contains(where: { Self.namingVerbs.contains(s.key($0)) })
            {
                return nil
            }
            if let at = breaks.first {
                return "in another clause than the verb (after '\(s.key(at))')"
            }
            return nil
        }
        // The team first: "its Seattle team has grown", "a lab, set up by Ant Group,", "a lab that was set up by".
        // A passive's subject may be long ("A machine-learning group focused on … has been established in Durham").
        let passive = ["been", "was", "were", "is", "are", "be", "being"].contains(s.key(verb.firstToken - 1))
        let breaks = s.breaks(from: team.endToken, to: verb.firstToken, inRegion: s.region(team.firstToken))
        var relative = false
        if let at = breaks.first {
            // "a group of 31 researchers that XPeng set up": the unit's "of" complement may come before the relative.
            let complement = s.key(team.endToken) == "of" && at - team.endToken <= 5 && !s.contains([","], from: team.endToken, to: at)
            relative = breaks.count == 1 && ["that", "which"].contains(s.key(at))
                && (at == team.endToken || (at == team.endToken + 1 && s.key(team.endToken) == ",") || complement)
            if !relative { return "in another clause than the verb (after '\(s.key(at))')" }
        }
        // A relative clause's subject may carry an aside: "a group … that XPeng, the Guangzhou carmaker, set up".
        if verb.firstWord - team.lastWord > (passive || relative ? 20 : 10) { return "too far before the verb" }
        return nil
    }

    // MARK: Place

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
        "than", "like", "from", "customers", "clients", "users", "market", "markets", "talks", "headquarters",
        "headquartered", "home", "visit", "visited", "visiting", "conference", "summit", "hearing", "meeting",
        "moved", "moving", "relocated", "relocating", "relocate", "move", "instead", "rather", "unlike", "mirror",
        "mirroring", "modeled", "modelled", "version", "equivalent", "counterpart", "counterparts", "sell", "selling",
        "exports", "export", "shipping", "ship", "listing", "listed", "ipo", "investors", "court", "lawmakers",
    ]
    /// Capitalised words after a place name that make it part of another name.
    static let namedFeatures: Set<String> = [
        "river", "lake", "street", "avenue", "road", "boulevard", "airport", "harbor", "harbour", "bridge", "tunnel",
        "mall", "university", "college", "hospital", "station", "stadium", "zoo", "symphony", "times", "post", "herald",
        "journal", "tribune", "chronicle", "magazine", "seahawks", "mariners", "giants", "warriors", "kings", "fc",
        "county", "parish",
    ]
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
        var foreign: String?
        var start = 0
        let count = text.textTokens.count
        while start + name.count + 1 < count {
            defer { start += 1 }
            guard text.key(ofToken: start) == name[0],
                name.indices.dropFirst().allSatisfy({ text.key(ofToken: start + $0) == name[$0] }),
                text.key(ofToken: start + name.count) == ","
            else { continue }
            let qualifier = text.key(ofToken: start + name.count + 1)
            if Self.usQualifiers.contains(qualifier) { return nil }
            if Self.foreignQualifiers.contains(qualifier) { foreign = qualifier }
        }
        return foreign
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
        // "a Dallas suburb", "in Dallas Suburb": somewhere near the city, not the city.
        if ["suburb", "suburbs", "exurb", "exurbs", "outskirts"].contains(s.key(after)) {
            return "a suburb of '\(s.key(place.firstToken))', not the place itself"
        }
        if s.key(after) == ",", Self.foreignQualifiers.contains(s.key(after + 1)) {
            return "qualified as outside the US ('\(s.key(after + 1))')"
        }
        if let qualifier = foreignQualifierElsewhere(of: place) {
            return "the article places '\(s.key(place.firstToken))' outside the US ('\(qualifier)')"
        }
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
        if place.firstToken >= anchorEnd || (place.firstToken > anchorFirst && preposition != "to") {
            if place.firstWord - text.textTokens[anchorEnd - 1].wordIndex > 16 { return "too far from the event" }
            let from = place.firstToken >= anchorEnd ? anchorEnd : anchorFirst
            // The preposition before the event's own words: "in Midea's new Columbus, Ohio, AI lab" — the place
            // stands inside the phrase that names the unit, with nothing between to block it.
            if at < from { return nil }
            if let blocker = (from..<at).first(where: { Self.placeBlockers.contains(s.key($0)) }) {
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
            if key == "to" { return ("to", index) }
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
            if key == "from" || key == "than" || key == "of" { return nil }
            // "in Manhattan's Flatiron District", "in the city's Sorrento Valley district": past the possessive of
            // the place around it.
            if key == "'s" || key == "'", index - 1 > s.first, text.textTokens[index - 1].kind == .word {
                index -= 2
                steps += 2
                continue
            }
            guard Self.placeModifiers.contains(key) || s.isCapitalized(index) else { return nil }
            index -= 1
            steps += 1
        }
        return nil
    }

    // MARK: Factuality

    /// What the sentence says of the event at `verb`, and the cue that says it (nil for plain assertion).
    func factuality(of verb: Hit, agent: Hit?) -> (Factuality, cue: String?) {
        let s = structure
        var best: (Factuality, String?) = (.asserted, nil)
        func consider(_ kind: Factuality, _ cue: String) {
            if kind.strength > best.0.strength { best = (kind, cue) }
        }
        var index = s.first
        while index < s.end {
            let key = s.key(index)
            // Every cue starting here, longest first: a pseudo-cue among the longest hides the rest ("not only"); a
            // phrase may be a backward cue and start a forward one ("was barred" after the event, "barred from"
            // before it), so each is tried in its own direction.
            let found = FactualityCues.byFirstWord[key]?.filter { matches($0.words, at: index) } ?? []
            guard let longest = found.first else {
                index += 1
                continue
            }
            index += longest.words.count
            if longest.kind == nil { continue }
            for cue in found where cue.kind != nil {
                if let reading = reading(of: cue, at: index - longest.words.count, verb: verb) { consider(reading.0, reading.1) }
            }
        }
        if best.0.strength < Factuality.historical.strength, let year = oldYear(near: verb) {
            consider(.historical, "'in \(year)' in its clause, two or more years before the article")
        }
        if best.0.strength < Factuality.historical.strength, let frame = openingFrame(before: verb) {
            consider(.historical, "'\(frame)' opening the sentence")
        }
        return best
    }

    /// What one cue at `index` says of the event at `verb`, if it reaches it.
    private func reading(of cue: FactualityCues.Cue, at index: Int, verb: Hit) -> (Factuality, String)? {
        let s = structure
        let cueEnd = index + cue.words.count
        guard var kind = cue.kind else { return nil }
        let phrase = cue.words.joined(separator: " ")
        // A cue in an aside ("Alibaba, which is not listed in New York, opened…") speaks of the aside.
        guard s.region(index) == s.region(verb.firstToken) else { return nil }
        // "in May 2024" is a month.
        if phrase == "may", Self.dateWords.contains(s.key(index - 1)) || Int(s.key(index + 1)) != nil { return nil }
        switch cue.direction {
        case .forward:
            guard cueEnd <= verb.firstToken else { return nil }
            // ConText's window: a cue reaches a few clauses, not a whole long sentence; a denial of a report
            // reaches through the report ("denied a report that the company was setting up…").
            let window = ["denied", "denies", "deny", "denying", "dismissed", "refuted"].contains(phrase) ? 24 : 14
            if text.textTokens[verb.firstToken].wordIndex - text.textTokens[cueEnd - 1].wordIndex > window { return nil }
            if (cueEnd..<verb.firstToken).contains(where: { FactualityCues.terminators.contains(s.key($0)) }) { return nil }
            // "said it would open" reports a plan; "would" on its own supposes one.
            // So does "said on Thursday that the Guangzhou-based company would open": the reporting verb just
            // before the "that" whose clause "would" is in.
            if phrase == "would" {
                func reported(_ range: Range<Int>) -> Bool { range.contains { FactualityCues.reporting.contains(s.key($0)) } }
                let that = (max(s.first, index - 12)..<index).last { s.key($0) == "that" }
                if reported(max(s.first, index - 6)..<index) || that.map({ reported(max(s.first, $0 - 4)..<$0) }) == true {
                    kind = .announced
                }
            }
            return (kind, "'\(phrase)' before the verb, reaching forward to it")
        case .backward:
            guard index >= verb.endToken else { return nil }
            // Back to the start of the sentence, across "but" ("considered it but decided against it"), not
            // across other terminators ("opened a lab in Austin, while a plan for Boston was shelved").
            let between = verb.endToken..<index
            if between.contains(where: { FactualityCues.terminators.contains(s.key($0)) && s.key($0) != "but" }) { return nil }
            return (kind, "'\(phrase)' after the verb, reaching back to it")
        }
    }

    private func matches(_ words: [String], at index: Int) -> Bool {
        guard index + words.count <= structure.end else { return false }
        for (offset, word) in words.enumerated() where structure.key(index + offset) != word { return false }
        return true
    }

    /// A time frame that opens the sentence and dates it years back, "Eight years ago," or "In 2017,": it dates
    /// every clause after it ("Eight years ago, its second floor was home to …: an AI office opened by Yitu"), up
    /// to a word that moves the story on ("but", "now", "this year").
    private func openingFrame(before verb: Hit) -> String? {
        let s = structure
        guard let comma = (s.first..<min(s.end, s.first + 6)).first(where: { s.key($0) == "," }), comma < verb.firstToken
        else { return nil }
        let words = (s.first..<comma).map { s.key($0) }
        let agoFrame = words.count >= 2 && words.last == "ago" && ["years", "decades", "decade"].contains(words[words.count - 2])
        var yearFrame = false
        if words.count == 2, words[0] == "in", let year = Int(words[1]), let published = publishedYear {
            yearFrame = year >= 1950 && year <= published - 2
        }
        guard agoFrame || yearFrame else { return nil }
        let movesOn = (comma..<verb.firstToken).contains { index in
            Self.storyMovesOn.contains(s.key(index))
                || (["this", "last"].contains(s.key(index)) && Self.timeUnits.contains(s.key(index + 1)))
        }
        if movesOn { return nil }
        return words.joined(separator: " ")
    }

    /// Words after an opening time frame that bring the story to another time.
    static let storyMovesOn: Set<String> = ["but", "now", "today", "recently", "since", "later", "yet", "however", "still", "again"]
    /// "this year", "last month": with "this" or "last", a time that is not the frame's.
    static let timeUnits: Set<String> = ["year", "month", "week", "quarter", "spring", "summer", "autumn", "fall", "winter"]

    /// A year at least two before publication in the verb's clause ("opened a lab in 2017").
    private func oldYear(near verb: Hit) -> Int? {
        guard let published = publishedYear else { return nil }
        let s = structure
        let clause = s.clause(of: verb.firstToken)
        // "in 2017, when several start-ups set up teams in California": the "when" clause is that year's.
        func dates(_ index: Int) -> Bool {
            s.key(index + 1) == "," && s.key(index + 2) == "when" && verb.firstToken > index + 2
                && !(index + 3..<verb.firstToken).contains { FactualityCues.terminators.contains(s.key($0)) || Self.storyMovesOn.contains(s.key($0)) }
        }
        for index in s.first..<s.end where s.clause(of: index) == clause || abs(index - verb.firstToken) <= 6 || dates(index) {
            let key = s.key(index)
            guard key.count == 4, let year = Int(key), year >= 1950, year <= published - 2 else { continue }
            // "by 2019" and "since 2019" do not date the opening itself.
            let before = s.key(index - 1)
            guard ["in", "of", "back", "late", "early", "mid", "until", "around", "during"].contains(before)
                || Self.months.contains(before) || s.key(index - 2) == "in"
            else { continue }
            return year
        }
        return nil
    }

    /// Months and weekdays: capitalised, but never part of a firm's name.
    static let calendarNames: Set<String> = months.union([
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ])

    static let dateWords: Set<String> = ["in", "since", "of", "early", "late", "mid", "until", "by", "last", "this", "next", "from", "on"]

    static let months: Set<String> = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]
}
