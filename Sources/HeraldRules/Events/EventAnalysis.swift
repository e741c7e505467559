/// The checks behind a rule's `event` clause: is this firm the one doing it, is this team what it opens, does this
/// place locate it, and does the text say it happened?
///
/// Each check works on one sentence's ``ClauseStructure`` and the hits a rule bound; each answers with a reason
/// when it says no, for `--explain` and `herald eval`. The agent and object checks are here; the place check is in
/// EventAnalysis+Place.swift, the factuality check in EventAnalysis+Factuality.swift.
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
    static let actingPeople: Set<String> = ["executives", "officials", "representatives", "leaders", "managers", "delegation", "board", "directors", "management"]
    /// Words that make someone's tie to a firm a past one: "former executives of Alibaba".
    static let formerWords: Set<String> = ["former", "ex", "retired", "departed"]

    /// Verbs that name a thing: "what it calls", "what listings describe as".
    static let namingVerbs: Set<String> = [
        "call", "calls", "called", "describe", "describes", "described", "dub", "dubs", "dubbed", "bill", "bills",
        "billed", "term", "terms", "termed", "brand", "brands", "branded", "label", "labels", "labelled", "labeled",
    ]

    /// What may open the unit that is the subject of a reported clause: "that the new office will open", "that our
    /// new applied-AI research centre … will be located in".
    static let unitSubjectLeads: Set<String> = ["the", "its", "our", "their", "a", "an", "new", "first"]
    /// Verbs that report what a firm says.
    static let reportingVerbs: Set<String> = ["said", "says", "confirmed", "confirms", "announced", "announces", "told", "added"]

    /// Verbs of beginning and going on, before the verb they govern: "has begun staffing", "continues to expand".
    static let aspectVerbs: Set<String> = [
        "begun", "began", "begin", "begins", "beginning", "started", "start", "starts", "starting", "continued",
        "continue", "continues", "continuing", "moved", "moving",
    ]

    /// Words of a verb group before its main verb: "will", "has now", "plans to".
    static let verbGroupWords: Set<String> = [
        "will", "would", "shall", "can", "could", "may", "might", "has", "have", "had", "is", "was", "are", "were", "be",
        "been", "also", "now", "soon", "already", "plans", "planned", "to", "intends", "expects", "set", "recently",
    ]

    /// Subjects that stand for a firm named earlier in the sentence: "Alibaba said it would…".
    static let anaphors: Set<String> = ["it", "they", "we", "company", "firm", "group", "giant", "startup", "start",
        "business", "conglomerate", "maker", "unit", "subsidiary", "operator", "developer", "platform", "owner"]

    /// Why an "-ing" form bound as the verb is a noun, if it is: after a determiner or a name ("the building",
    /// "the Perimeter Park West building") and not opening an "of" phrase ("the opening of its lab" is an event).
    func nounReading(of verb: Hit) -> String? {
        let s = structure
        guard verb.endToken - verb.firstToken == 1, s.key(verb.firstToken).hasSuffix("ing"), verb.firstToken > s.first,
            s.key(verb.endToken) != "of"
        else { return nil }
        let before = verb.firstToken - 1
        if ["the", "a", "an", "this", "that", "its", "their"].contains(s.key(before)) { return "after '\(s.key(before))'" }
        // "the Perimeter Park West building": a name after a determiner; "DJI hiring for …" stays a verb.
        var start = before
        while start > s.first, verb.firstToken - start <= 5, s.isCapitalized(start) { start -= 1 }
        if start < before, ["the", "a", "an"].contains(s.key(start)) { return "after the name '\(s.key(before))'" }
        return nil
    }

    /// Whether `firm` is the one doing `verb`, or why not.
    func agentReason(firm: Hit, verb: Hit, object: Hit? = nil) -> String? {
        let s = structure
        // "Midea's new Columbus lab": the owner of a unit described as new is its opener, wherever the phrase stands.
        if Self.attributive.contains(s.key(verb.firstToken)), firm.endToken <= verb.firstToken {
            let between = firm.endToken..<verb.firstToken
            if between.count <= 1, between.allSatisfy({ s.key($0) == "'s" || s.key($0) == "'" }) { return nil }
        }
        if firm.endToken <= verb.firstToken {
            if let reason = nonSubjectReason(firm) { return reason }
            let firmRegion = s.region(firm.firstToken)
            let verbRegion = s.region(verb.firstToken)
            // Asides do not part a subject from its verb: "iFlytek, the Hefei company whose engines …, which spent
            // …, and whose founder …, is now hiring" counts only the words outside them.
            if verb.firstWord - firm.lastWord > 30,
                (firm.endToken..<verb.firstToken).count(where: { [firmRegion, verbRegion].contains(s.region($0)) }) > 30
            {
                return "too far from the verb"
            }
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
            // So does "has not only completed …, but has also begun staffing": past the verb group after "but".
            let breaks = s.breaks(from: firm.endToken, to: verb.firstToken, inRegion: onLine).filter { at in
                guard s.key(at) == "but" else { return s.key(at) != "and" }
                var next = at + 1
                while next < verb.firstToken, Self.verbGroupWords.contains(s.key(next)) || Self.aspectVerbs.contains(s.key(next)) {
                    next += 1
                }
                return !(next == verb.firstToken || ClauseStructure.looksLikeVerbForm(s.key(next)))
            }
            guard let last = breaks.last else { return nil }
            // "Alibaba, which …" / "Alibaba that …": the relative pronoun's antecedent is the firm.
            if breaks.count == 1, ["which", "who", "that"].contains(s.key(last)),
                last == firm.endToken || (last == firm.endToken + 1 && s.key(firm.endToken) == ",")
            {
                return nil
            }
            // "Qingyu Robotics, a start-up from Hangzhou, that writes AI software for warehouses, will open…",
            // "iFlytek, the Hefei company whose engines …, which spent …, and whose founder …, is now hiring": relative
            // clauses inside the firm's appositive, the main verb after the closing comma.
            if breaks.allSatisfy({ ["which", "who", "whose", "that"].contains(s.key($0)) }),
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
            // "A Moonshot AI spokesperson confirmed on Monday that the office will open in May": the firm reports an
            // event whose subject is a unit of no one named, right after "that".
            // The unit stands before its verb, or after it when the verb is the unit's "new": "that our new … centre
            // will be located in Sunnyvale".
            if let object, s.key(last) == "that", object.firstToken > last,
                s.key(verb.firstToken) == "new" ? object.firstToken > verb.firstToken : object.endToken <= verb.firstToken,
                object.firstToken - last <= 8, Self.unitSubjectLeads.contains(s.key(last + 1)),
                // Its own modifiers only: "our new applied-AI research centre", not "Apple's lab" or another noun.
                (last + 1..<object.firstToken).allSatisfy({ !s.isCapitalized($0) || s.key($0) == "ai" }),
                !s.contains([",", "'s", "’s", "of", "and"], from: last + 1, to: object.firstToken),
                (firm.endToken..<last).contains(where: { Self.reportingVerbs.contains(s.key($0)) })
            {
                return nil
            }
            return "in another clause than the verb (after '\(s.key(last))')"
        }
        // "A group of 20 engineers … has started work here, the Beijing-based carmaker said": the unit is the
        // subject, and the firm that reports its start at the sentence's end is its owner.
        if let object, isTrailingSayer(firm, after: verb, unit: object) { return nil }
        // The verb first: a passive or reduced relative with the firm in its "by" phrase ("a centre set up by Ant"),
        // or its unit there ("set up in January by a US subsidiary of Ant Group").
        guard let (preposition, at) = governingPreposition(firm) ?? governingPreposition(ofUnitAround: firm), preposition == "by",
            at >= verb.endToken,
            s.breaks(from: verb.endToken, to: at, inRegion: s.region(verb.firstToken)).isEmpty,
            firm.firstWord - verb.lastWord <= 10
        else { return "after the verb and not its 'by' agent" }
        // "start-ups founded by Alibaba alumni": the firm's people, not the firm, did it.
        if Self.possessedPeople.contains(structure.key(firm.endToken)), !Self.actingPeople.contains(structure.key(firm.endToken)) {
            return "a modifier of '\(structure.key(firm.endToken))' in the 'by' phrase"
        }
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
        let formerly = Self.formerWords.contains(s.key(firm.firstToken - 1))
        if s.key(next) == "'s" || s.key(next) == "'", Self.possessedPeople.contains(s.key(next + 1)),
            formerly || !Self.actingPeople.contains(s.key(next + 1))
        {
            return "a possessive of '\(s.key(next + 1))'"
        }
        // "former Alibaba engineers": people from the firm, not the firm.
        if Self.possessedPeople.contains(s.key(next)), formerly || !Self.actingPeople.contains(s.key(next)) {
            return "a modifier of '\(s.key(next))'"
        }
        if let (preposition, at) = governingPreposition(firm) {
            // "Along with Lilith Games, miHoYo has set up…", "Apple, together with Alibaba, opened…": a co-agent.
            if preposition == "with", ["along", "together"].contains(s.key(at - 1)) { return nil }
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
        let firmRegion = s.region(firm.firstToken)
        while index >= s.first, steps < 7 {
            // "Xiaohongshu, the lifestyle app known abroad as RedNote, and Bilibili": the aside of the firm before
            // in the list is no phrase of this one; its own "as" governs nothing here.
            let region = s.region(index)
            if region != 0, region != firmRegion {
                let opener = s.opener(ofRegion: region)
                if opener >= s.first, opener < index, s.key(opener) == "," {
                    index = opener - 1
                    steps += 1
                    continue
                }
            }
            let key = s.key(index)
            if key == "and" || key == "or" || key == "&" { inList = true }
            if key == ",", !inList { return nil }
            if Self.prepositions.contains(key) {
                // "a unit of Alibaba", "part of Tencent" speak of the firm itself.
                if key == "of", Self.unitNouns.contains(s.key(index - 1)) {
                    return nil
                }
                // "Executives from the Guangzhou company cut the ribbon on…": the firm's serving people act for it
                // ("former executives of" do not).
                if key == "from" || key == "of", Self.actingPeople.contains(s.key(index - 1)),
                    !Self.formerWords.contains(s.key(index - 2))
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

    /// Whether `firm` reports, at the end of the sentence, an event whose subject is `unit`: "…, the carmaker said",
    /// "…, said Alibaba", "…, according to Alibaba". The unit must open the clause as its subject and belong to no
    /// one named ("Apple's lab opened, Alibaba said" is Apple's).
    func isTrailingSayer(_ firm: Hit, after verb: Hit, unit: Hit) -> Bool {
        let s = structure
        guard unit.endToken <= verb.firstToken, firm.firstToken >= verb.endToken else { return false }
        let before = s.key(firm.firstToken - 1)
        let after = s.key(firm.endToken)
        let reporting: Set<String> = ["said", "says", "confirmed", "announced", "added"]
        let says = (before == "," && (reporting.contains(after) || (after == "on" && reporting.contains(s.key(firm.endToken + 2)))))
            || (reporting.contains(before) && s.key(firm.firstToken - 2) == ",")
            || (before == "to" && s.key(firm.firstToken - 2) == "according")
        guard says else { return false }
        // Nothing after the report but its time: the firm's words end the sentence.
        guard (firm.endToken..<s.end).filter({ s.key($0) == "," || s.key($0) == ";" }).isEmpty else { return false }
        // The unit owned by nobody named: no possessive before it in its clause but "its" and "their".
        return !(s.first..<unit.firstToken).contains { s.key($0) == "'s" }
    }

    /// The preposition governing the phrase that names a unit of `firm` ("by a US subsidiary of Ant Group"): the
    /// unit acts for its parent.
    func governingPreposition(ofUnitAround firm: Hit) -> (String, Int)? {
        let s = structure
        guard s.key(firm.firstToken - 1) == "of", Self.unitNouns.contains(s.key(firm.firstToken - 2)) else { return nil }
        var start = firm.firstToken - 2
        while start > s.first, firm.firstToken - 2 - start < 4, !["a", "an", "its", "the"].contains(s.key(start)) { start -= 1 }
        guard ["a", "an", "its", "the"].contains(s.key(start)) else { return nil }
        var phrase = firm
        phrase.firstToken = start
        return governingPreposition(phrase)
    }

    /// Nouns for a firm's part that acts for it: "a unit of Alibaba", "a US subsidiary of Ant Group".
    static let unitNouns: Set<String> = ["unit", "subsidiary", "arm", "division", "affiliate", "part", "branch", "business"]

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
            // "the establishment of SenseTime Research (US) Inc., a wholly-owned subsidiary": the unit names, in an
            // appositive, what the name right after the noun opening is.
            if team.firstToken > verb.endToken, let comma = (verb.endToken..<team.firstToken).first(where: { s.key($0) == "," }),
                comma > verb.endToken, s.isCapitalized(verb.endToken),
                (verb.endToken..<comma).allSatisfy({ s.isCapitalized($0) || ["(", ")", ".", "&"].contains(s.key($0)) }),
                ["a", "an"].contains(s.key(comma + 1)), team.firstToken - comma <= 7,
                !s.contains([",", "of", "and", "to", "for"], from: comma + 1, to: team.firstToken)
            {
                return nil
            }
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
            // "set up in January by a US subsidiary of Ant Group": the passive's agent, not what it sets up.
            if let by = (verb.endToken..<team.firstToken).first(where: { s.key($0) == "by" }),
                !s.contains([",", "for", "to"], from: by, to: team.firstToken)
            {
                return "in the verb's 'by' phrase"
            }
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
}
