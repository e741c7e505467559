/// A reported event denied, or a filed plan dropped, in the sentences after it: the event is not reported at all.
extension RuleEvaluation {
    /// The denial, in one of the next two sentences, of an event the sentence reports others saying: "…has noted
    /// reports stating that the Company has established a centre in Austin. The Board wishes to clarify that
    /// neither the Company nor its subsidiaries has established any research centre…". The later sentence names
    /// the same firm (or refers to it) and either negates a verb of the event's list or denies outright ("denied
    /// the report", "is untrue"). Only reported events: a firm's own "opened a lab. It has no plans to open
    /// others" keeps its lab.
    ///
    /// A plan stated in the past tense of a filing ("the Group intended to apply the proceeds towards the
    /// establishment of a centre in San Diego") is undone the same way by a later sentence that negates or blocks
    /// a verb of the event's list at the same place ("resolved not to proceed with the establishment of the San
    /// Diego research and development centre").
    func laterDenial(of verb: Hit, agent: Hit?, place: Hit?) -> String? {
        guard part == .body, let index = sentenceIndex(of: verb.firstToken) else { return nil }
        let sentence = text.sentences[index]
        let before = sentence.firstToken..<verb.firstToken
        let reported = before.contains { Self.reportWords.contains(text.key(ofToken: $0)) }
        let planned = before.contains { Self.pastPlanWords.contains(text.key(ofToken: $0)) }
        guard reported || planned else { return nil }
        // Questions do not count towards the two sentences: "Q: … reported that StepFun is setting up a lab in
        // Seattle. Is that true? A: No, it isn't." — and an answer that opens with "No" denies what was asked.
        var counted = 0
        var asked = false
        for later in text.sentences[(index + 1)..<min(text.sentences.count, index + 5)] where counted < 2 {
            if isQuestion(later) {
                asked = true
                continue
            }
            counted += 1
            if reported, asked, answersNo(later) { return "'No' answering a question about it" }
            asked = false
            let hits = partHits(startingIn: later.firstToken..<later.endToken)
            let namesFirm = agent.map { names($0, in: hits) } ?? true
            let namesPlace = place.map { place in hits.contains { $0.list == place.list && $0.entry == place.entry } } ?? false
            if reported, namesFirm,
                let word = (later.firstToken..<later.endToken).first(where: { Self.denialWords.contains(text.key(ofToken: $0)) })
            {
                return "'\(text.text(ofToken: word))' in a later sentence"
            }
            guard reported ? namesFirm : namesPlace else { continue }
            let analysis = EventAnalysis(structure: structures.structure(of: later, in: text), text: text, publishedYear: publishedYear)
            for other in hits where other.list == verb.list {
                let (factuality, cue) = analysis.factuality(of: other, agent: nil)
                if factuality == .negated || (planned && factuality == .blocked) {
                    return "\(cue ?? "a negation") in a later sentence"
                }
            }
        }
        return nil
    }

    /// A report its firm denied in the sentences just before, told again: "Zhipu AI on Wednesday denied a report that it
    /// had opened a research office in Seattle … A post on a technology blog said Zhipu had quietly leased space in
    /// the city's South Lake Union district and was recruiting engineers". One of the three sentences before names
    /// the same firm, denies a report, and negates a verb of the event's list.
    func earlierDenial(of verb: Hit, agent: Hit?) -> String? {
        guard part == .body, let agent, let index = sentenceIndex(of: verb.firstToken), index > 0 else { return nil }
        for earlier in text.sentences[max(0, index - 3)..<index] {
            let tokens = earlier.firstToken..<earlier.endToken
            let hits = partHits(startingIn: tokens)
            guard names(agent, in: hits), tokens.contains(where: { Self.reportWords.contains(text.key(ofToken: $0)) }),
                let word = tokens.first(where: { Self.denialWords.contains(text.key(ofToken: $0)) })
            else { continue }
            let analysis = EventAnalysis(structure: structures.structure(of: earlier, in: text), text: text, publishedYear: publishedYear)
            if hits.contains(where: { $0.list == verb.list && analysis.factuality(of: $0, agent: nil).0 == .negated }) {
                return "'\(text.text(ofToken: word))' a report in an earlier sentence"
            }
        }
        return nil
    }

    /// A plan another sentence near it says was stopped: "Texas officials on Thursday blocked AgiBot … from leasing
    /// office space in Dallas for a planned AI research team. AgiBot said in March that it would open the office,
    /// its first in the United States". The other sentence (up to three before or six after, none that dates itself
    /// two or more years before the article) names the same firm and
    /// blocks or drops a word of the event's verb or unit lists; a city it names must be the plan's, if the plan
    /// has one. Only plans: what a firm has opened is not undone by a plan for another site that was stopped.
    func planBlocked(verb: Hit, agent: Hit?, object: Hit?, place: Hit?) -> String? {
        guard part == .body, let agent, let index = sentenceIndex(of: verb.firstToken) else { return nil }
        let lists = Set([verb.list] + (object.map { [$0.list] } ?? []))
        let placeIsCity = place.map { entries(of: $0)[Int($0.entry)].attributes["level"] == "city" } ?? false
        let nearby = max(0, index - 3)..<min(text.sentences.count, index + 7)
        for other in nearby where other != index {
            let sentence = text.sentences[other]
            let hits = partHits(startingIn: sentence.firstToken..<sentence.endToken)
            guard names(agent, in: hits) || (other > index && namesThePlan(place: place, agent: agent, in: hits)) else {
                continue
            }
            // "US regulators blocked Ant's 2018 bid for MoneyGram": what was stopped years ago is another plan.
            if let publishedYear,
                (sentence.firstToken..<sentence.endToken).contains(where: { token in
                    Int(text.key(ofToken: token)).map { $0 >= 1900 && $0 <= publishedYear - 2 } ?? false
                })
            {
                continue
            }
            if placeIsCity, let place,
                hits.contains(where: {
                    $0.list == place.list && $0.entry != place.entry && entries(of: $0)[Int($0.entry)].attributes["level"] == "city"
                        && !isDateline($0)
                })
            {
                continue
            }
            let analysis = EventAnalysis(structure: structures.structure(of: sentence, in: text), text: text, publishedYear: publishedYear)
            for hit in hits where lists.contains(hit.list) {
                let (factuality, cue) = analysis.factuality(of: hit, agent: nil)
                if factuality == .blocked { return "\(cue ?? "a block") in another sentence" }
            }
            // After the plan, the plan itself referred to: "We have shelved it", "XPeng has since dropped the plan".
            guard other > index else { continue }
            for token in sentence.firstToken..<sentence.endToken where Self.planWords.contains(text.key(ofToken: token)) {
                var mention = verb
                mention.firstToken = token
                mention.endToken = token + 1
                mention.firstWord = text.textTokens[token].wordIndex
                mention.lastWord = mention.firstWord
                let (factuality, cue) = analysis.factuality(of: mention, agent: nil)
                if factuality == .blocked { return "'\(text.text(ofToken: token))' in a later sentence, \(cue ?? "blocked")" }
            }
            // Or by its city alone: "The Board has shelved the Austin centre."
            if let place, let city = hits.first(where: { $0.list == place.list && $0.entry == place.entry }) {
                let (factuality, cue) = analysis.factuality(of: city, agent: nil)
                if factuality == .blocked { return "'\(text.text(ofToken: city.firstToken))' in a later sentence, \(cue ?? "blocked")" }
            }
        }
        return nil
    }

    /// Whether a later sentence names the plan by its city and no firm: "the Board has decided to shelve the
    /// establishment of the Austin centre".
    private func namesThePlan(place: Hit?, agent: Hit, in hits: ArraySlice<Hit>) -> Bool {
        guard let place, entries(of: place)[Int(place.entry)].attributes["level"] == "city" else { return false }
        return hits.contains { $0.list == place.list && $0.entry == place.entry } && !hits.contains { $0.list == agent.list }
    }

    /// Words that refer back to a plan: "shelved it", "dropped the plan".
    /// And a noun for the opening itself: "shelve the establishment of the Austin centre".
    private static let planWords: Set<String> = [
        "it", "plan", "plans", "project", "idea", "proposal", "them", "establishment", "opening", "creation", "launch",
    ]

    /// Whether `hits` name the firm `agent` is (by its canonical name: "Alibaba" and "Alibaba Group" are one).
    private func names(_ agent: Hit, in hits: ArraySlice<Hit>) -> Bool {
        let firm = entries(of: agent)[Int(agent.entry)].canonical
        return hits.contains { $0.list == agent.list && entries(of: $0)[Int($0.entry)].canonical == firm }
    }

    /// Words that state a plan as past: what a filing said a firm would do.
    private static let pastPlanWords: Set<String> = ["intended", "planned", "proposed", "prospectus", "originally", "initially"]

    /// Whether a sentence asks: it ends with a question mark.
    func isQuestion(_ sentence: Segment) -> Bool {
        // The last token, or the one before a closing quotation mark.
        let last = sentence.endToken - 1
        return last >= sentence.firstToken
            && (text.tokenText(last, equals: "?") || (last > sentence.firstToken && text.tokenText(last - 1, equals: "?")))
    }

    /// Whether a sentence opens with a flat "No" ("No, it isn't.", "A: No."), after an interview's answer label.
    func answersNo(_ sentence: Segment) -> Bool {
        var first = sentence.firstToken
        if first + 1 < sentence.endToken, text.tokenText(first + 1, equals: ":"), text.textTokens[first].kind == .word {
            first += 2
        }
        guard first + 1 < sentence.endToken, text.key(ofToken: first) == "no" else { return false }
        return text.tokenText(first + 1, equals: ",") || text.tokenText(first + 1, equals: ".")
    }

    /// Words that say a sentence reports what others claim.
    private static let reportWords: Set<String> = [
        "report", "reports", "reported", "reporting", "media", "rumours", "rumors", "rumour", "rumor", "speculation",
        "stating", "claimed", "claims", "alleged", "according",
    ]
    /// Words that deny a report outright.
    private static let denialWords: Set<String> = [
        "denied", "denies", "deny", "dismissed", "refuted", "untrue", "inaccurate", "baseless", "groundless",
    ]
}
