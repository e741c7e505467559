/// The event check of a rule's `event` clause: whether the hits an assignment binds play their roles — agent,
/// object, place, factuality — in one event the text reports (EventAnalysis holds the sentence-level checks).
extension RuleEvaluation {
    /// The hits an event check reads.
    struct EventRoles: Hashable {
        var verb: Hit?
        var agent: Hit?
        var object: Hit?
        var place: Hit?
    }

    /// The firm a place is paired with when a sentence shares an event out: "have each set up teams — Lenovo in
    /// Raleigh and Hisense in Durham". A firm of the agent's list right before "in"/"at" (and "downtown", "the")
    /// owns the place; the place locates no other firm's event.
    func pairedFirm(of place: Hit, like agent: Hit) -> Hit? {
        var index = place.firstToken - 1
        var skipped = 0
        while index > 0, skipped < 2, text.textTokens[index].shape == .lower, !["in", "at"].contains(text.key(ofToken: index)) {
            index -= 1
            skipped += 1
        }
        guard index > 0, ["in", "at"].contains(text.key(ofToken: index)) else { return nil }
        let owners = partHits(startingIn: max(0, index - 6)..<index)
        return owners.last { $0.endToken == index && $0.list == agent.list }
    }

    /// Why an assignment is not the rule's event.
    struct EventFailure: Error {
        var reason: String
    }

    /// Whether the bound hits play their roles in one event the text reports with an accepted factuality.
    func check(
        _ event: CompiledEvent, _ assignment: [Hit?], _ unit: Segment, placeTakesSetting: Bool
    ) -> Result<(factuality: Factuality, description: String), EventFailure> {
        guard let verb = assignment[event.verb] else { return .failure(EventFailure(reason: "no verb bound")) }
        let analysis = EventAnalysis(
            structure: structures.structure(of: unit, in: text), text: text, publishedYear: publishedYear)
        func quoted(_ hit: Hit) -> String {
            "'" + text.text(from: text.textTokens[hit.firstToken].start, to: text.textTokens[hit.endToken - 1].end) + "'"
        }
        if let noun = analysis.nounReading(of: verb) {
            return .failure(EventFailure(reason: "\(quoted(verb)) is a noun here (\(noun))"))
        }
        let agent = event.agent.flatMap { assignment[$0] }
        if let agent, let reason = analysis.agentReason(firm: agent, verb: verb, object: event.object.flatMap { assignment[$0] }) {
            return .failure(EventFailure(reason: "\(quoted(agent)) is not the agent of \(quoted(verb)): \(reason)"))
        }
        let object = event.object.flatMap { assignment[$0] }
        // "The Group launched …" in a filing: the words that stand for the agent are not also what it acts on.
        if let agent, let object, agent.firstToken < object.endToken, object.firstToken < agent.endToken {
            return .failure(EventFailure(reason: "\(quoted(object)) is the agent \(quoted(agent)) itself, not its object"))
        }
        if let object, let reason = analysis.objectReason(team: object, verb: verb) {
            return .failure(EventFailure(reason: "\(quoted(object)) is not the object of \(quoted(verb)): \(reason)"))
        }
        let place = event.place.flatMap { assignment[$0] }
        let placedLater = place.map { $0.firstToken >= unit.endToken } ?? false
        if let place, placedLater, let conflict = laterPlaceConflict(place, verb: verb, object: object, unit: unit) {
            return .failure(EventFailure(reason: "\(quoted(place)) does not locate the event: \(conflict)"))
        }
        // The setting never overrides the sentence's own place, but it may refine a wider one that holds it ("in
        // Atlanta's Tech Square … its first research unit in the United States").
        if let place, place.firstToken < unit.firstToken, let own = ownPlace(verb: verb, object: object, unit: unit),
            !ownPlacesHold(place, unit: unit)
        {
            return .failure(EventFailure(reason: "the setting \(quoted(place)) does not locate the event: the sentence names '\(own)'"))
        }
        // "— Lenovo in Raleigh and Hisense in Durham": a place paired with the agent's list belongs to that firm; it
        // locates the agent's event wherever in the sentence the pair stands, and no other firm's.
        let owner = agent.flatMap { agent in place.flatMap { pairedFirm(of: $0, like: agent) } }
        let pairedWithAgent = owner != nil && owner?.entry == agent?.entry
        // "in Manhattan's Flatiron District": the place inside locates the event, not the one around it.
        if let place, place.endToken < text.textTokens.count, text.key(ofToken: place.endToken) == "'s",
            let inner = partHits(startingIn: place.endToken + 1..<place.endToken + 2).first(where: { $0.list == place.list })
        {
            return .failure(EventFailure(reason: "\(quoted(place)) names the place around \(quoted(inner))"))
        }
        // "MORRISVILLE, N.C. — Lenovo today opened a new AI lab.": the dateline sets the scene of its own sentence
        // as it does of the next ones, when the sentence gives its event no place of its own.
        let datelineSetting = placeTakesSetting && place.map { datelineSets($0, verb: verb, agent: agent, object: object, unit: unit) } == true
        if !pairedWithAgent, !placedLater, !datelineSetting, let place, place.firstToken >= unit.firstToken,
            let reason = analysis.placeReason(place: place, verb: verb, team: object)
        {
            return .failure(EventFailure(reason: "\(quoted(place)) does not locate the event: \(reason)"))
        }
        if let place, let country = twinAbroad(place) {
            return .failure(EventFailure(reason: "\(quoted(place)) is the one in \(country) here: the article is set there and never names the US one's state"))
        }
        if let agent, let place, let owner, owner.entry != agent.entry {
            return .failure(EventFailure(reason: "\(quoted(place)) is the place of \(quoted(owner)), not of \(quoted(agent))"))
        }
        var (factuality, cue) = analysis.factuality(of: verb, agent: agent, object: object)
        // "Are you opening an office in Seattle?", "Will Alibaba open a lab in Sunnyvale?": what a question asks is
        // not reported as having happened.
        if factuality == .asserted || factuality == .announced, let index = sentenceIndex(of: verb.firstToken),
            isQuestion(text.sentences[index])
        {
            (factuality, cue) = (.speculative, "'?' ending the sentence")
        }
        guard event.accepted.contains(factuality) else {
            return .failure(EventFailure(reason: "\(quoted(verb)) is \(factuality.rawValue) (cue \(cue ?? "none"))"))
        }
        if factuality == .asserted || factuality == .announced {
            if let denial = laterDenial(of: verb, agent: agent, place: place) {
                return .failure(EventFailure(reason: "\(quoted(verb)) is reported, then denied: \(denial)"))
            }
            if let denial = earlierDenial(of: verb, agent: agent) {
                return .failure(EventFailure(reason: "\(quoted(verb)) retells a report the firm denied: \(denial)"))
            }
        }
        if factuality == .announced, let block = planBlocked(verb: verb, agent: agent, object: object, place: place) {
            return .failure(EventFailure(reason: "\(quoted(verb)) is a plan the article says was stopped: \(block)"))
        }
        guard explain else { return .success((factuality, "")) }
        var parts: [String] = []
        if let agent { parts.append("agent \(quoted(agent)) of \(quoted(verb))") } else { parts.append("verb \(quoted(verb))") }
        if let object { parts.append("object \(quoted(object))") }
        if let place {
            parts.append(
                place.firstToken < unit.firstToken || datelineSetting
                    ? "located by the setting \(quoted(place))"
                    : placedLater ? "located by \(quoted(place)), in a next sentence about the unit" : "located by \(quoted(place))")
        }
        parts.append("\(factuality.rawValue) (" + (cue.map { "cue \($0)" } ?? "no cue") + ")")
        return .success((factuality, parts.joined(separator: "; ")))
    }
}
