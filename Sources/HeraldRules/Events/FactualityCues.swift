/// The cue words that set an event's factuality, in the manner of the ConText algorithm (Harkema et al., 2009):
/// each cue has a kind, a direction and a scope.
///
/// - A **forward** cue ("denied", "may", "if") reaches the events after it, up to a terminator ("but", "however",
///   "although", ";") or the end of the sentence. It crosses "that" and reporting verbs, which is what "denied a
///   report that the company was setting up a lab" needs.
/// - A **backward** cue ("was blocked", "decided against it", "later closed") reaches the events before it, back to
///   the start of the sentence, across "but": "considered opening a lab but decided against it".
/// - A **pseudo-cue** contains a cue but is not one ("not only", "no doubt"): the longest cue at a position wins,
///   so "has not only opened" is not a denial.
///
/// The words are English news usage, gathered from NegEx's and ConText's published trigger lists and from the
/// wordings in Herald's evaluation corpus; RULES.md lists them by kind.
enum FactualityCues {
    enum Direction {
        case forward, backward
    }

    struct Cue {
        var words: [String]
        /// `nil` for a pseudo-cue: it only hides the shorter cues inside it.
        var kind: Factuality?
        var direction: Direction
    }

    /// Cues by first word, longest first, so a scan tries the longest match at each position.
    static let byFirstWord: [String: [Cue]] = {
        var table: [String: [Cue]] = [:]
        func add(_ kind: Factuality?, _ direction: Direction, _ phrases: [String]) {
            for phrase in phrases {
                let words = Tokenizer().tokenize(phrase).map(\.key)
                guard let head = words.first else { continue }
                table[head, default: []].append(Cue(words: words, kind: kind, direction: direction))
            }
        }
        add(nil, .forward, [
            "not only", "not just", "not merely", "no doubt", "not least", "not yet clear whether", "whether or not",
            "not to mention", "no longer just", "if any", "as if", "even if", "if so", "said it would not comment",
            "no surprise", "not surprisingly", "without delay", "if approved",
        ])
        add(.negated, .forward, [
            "not", "never", "no longer", "no plans", "no plan", "no intention", "no intentions", "yet to", "deny",
            "denies", "denied", "denying", "rule out", "rules out", "ruled out", "ruling out", "dismissed", "dismisses",
            "refuted", "refutes", "rebuffed", "stopped short of", "stop short of", "unlikely to", "cannot", "can't",
            "won't", "wouldn't", "didn't", "doesn't", "don't", "isn't", "aren't", "wasn't", "weren't", "hasn't",
            "haven't", "hadn't", "neither", "nor", "no such", "without opening", "false", "declined to confirm",
            "played down", "pushed back on", "contrary to", "nothing to", "no truth", "has no", "have no", "had no", "none",
            "nobody", "no one", "dispute", "disputes", "disputed", "disputing",
            // "has not yet opened": "yet" here ends no scope.
            "not yet", "n't yet",
            // "would lean on partners rather than build its own offices": the road not taken.
            "rather than", "instead of",
        ])
        add(.negated, .backward, [
            "was false", "were false", "is false", "are false", "untrue", "inaccurate", "was denied", "were denied",
            "has been denied", "baseless", "without basis", "not true", "no such plan", "no such plans",
        ])
        add(.blocked, .forward, [
            "block", "blocks", "bars", "bans", "was barred from", "were barred from", "was blocked from",
            "were blocked from", "was banned from", "was prevented from", "was forbidden to", "was denied permission", "halts", "scraps", "shelves", "drops plan", "drops plans",
            "blocked", "barred", "banned", "prohibited", "prevented", "forbade", "forbids", "vetoed", "halted",
            "stalled", "thwarted", "derailed", "scuttled", "abandoned", "dropped", "scrapped", "shelved",
            "called off", "gave up", "give up", "backed away from", "backed off", "walked away from", "pulled out of",
            "decided against", "decision against", "failed to", "was unable to", "were unable to", "unable to",
            "refused", "rejected", "denial of", "blocking", "ban on", "moratorium",
            "walked back", "walks back", "walking back", "walk back",
            // "has decided to shelve the establishment of the Austin centre".
            "to shelve", "to scrap", "to abandon", "to cancel", "to halt", "to drop", "to terminate", "to discontinue",
        ])
        add(.blocked, .backward, [
            "was blocked", "were blocked", "has been blocked", "blocked by", "was rejected", "were rejected",
            "was vetoed", "decided against", "decided against it", "thought better of it", "fell through",
            "fell apart", "collapsed", "never materialized", "never materialised", "was shelved", "were shelved",
            "has been shelved", "shelved", "was scrapped", "were scrapped", "scrapped", "was abandoned", "abandoned",
            "was dropped", "were dropped", "dropped the plan", "dropped the idea", "dropped it", "called off",
            "was called off", "put on hold", "on hold", "was halted", "stalled", "came to nothing", "went nowhere",
            "was cancelled", "was canceled", "cancelled", "canceled", "pulled the plug", "was barred", "was denied",
            "did not proceed", "didn't proceed", "never opened", "never happened",
            "was stopped", "were stopped", "has been stopped", "have been stopped", "had been stopped",
            "has been halted", "had been halted", "has been barred", "had been blocked",
        ])
        add(.hypothetical, .forward, [
            "if", "unless", "would", "should", "ought to", "suppose", "supposing", "imagine",
            "hypothetically", "in theory", "urged", "urges", "urging", "called on", "calls on", "calling on",
            "pressed", "pressing", "needs to", "need to", "must", "wish", "wishes", "hope", "hopes", "hoped",
            "dream", "dreams", "would like to", "in the event", "whether", "what if",
            "recommend", "recommended", "recommends", "advised", "advise", "make sense", "makes sense",
            "would make sense", "better off", "encouraged", "encourage",
            // "it is easy to hire researchers from all over Asia": what is easy or hard in general, not an event.
            "easy to", "easier to", "hard to", "harder to", "difficult to", "more difficult to", "cheaper to",
            "costlier to", "expensive to", "impossible to",
        ])
        add(.speculative, .forward, [
            "may", "considering", "consider", "considers", "considered", "weighing", "weighs", "weighed", "exploring",
            "explore", "explores", "explored", "in talks", "in discussions", "in early talks", "in preliminary talks",
            "holding talks", "talks to", "talks with", "talks about", "mulling", "mulls", "mulled", "eyeing", "eyes", "eyed", "looking at", "looking into",
            "evaluating", "evaluate", "studying whether", "assessing", "possibly", "possible", "potentially",
            "likely", "most likely", "probably", "supposedly", "allegedly", "purportedly",
            "perhaps", "proposal", "proposed", "rumor", "rumors", "rumour", "rumours", "rumored", "rumoured", "speculation",
            "speculated", "tipped", "could", "might", "options", "reviewing", "feasibility", "scouting", "scouted", "contemplating", "contemplated", "toying", "sounding out",
            "has held talks", "held talks", "discussing", "discussed", "discussions", "negotiating", "negotiations",
            "open to", "interested in", "not ruled out", "has not ruled out", "hasn't ruled out", "would not rule out",
            "wouldn't rule out", "did not rule out", "didn't rule out", "plans under review", "undecided",
            "uncertain", "unclear", "unconfirmed", "doubt", "doubts", "doubted", "doubtful", "skeptical", "sceptical", "question of whether", "no decision", "yet to decide",
            "has yet to decide", "not yet decided", "intended to", "had intended to", "was intended to",
            "were intended to", "had planned to", "had hoped to", "originally planned", "initially planned",
        ])
        add(.historical, .backward, [
            "back to", "relocated to", "relocating to", "relocate it to", "moved to", "moving it to", "transferred to",
            "folded into", "merged into",
            "later closed", "since closed", "has since closed", "have since closed", "closed it", "closed in",
            "shut it", "shut it down", "shut down in", "shuttered it", "was shuttered", "has been shuttered",
            "was closed", "were closed", "has since been", "wound it down", "wound down", "was wound down",
            "no longer exists", "years ago", "decades ago", "a decade ago", "was dissolved", "closed the",
            "closed its", "shuttered the", "shuttered its", "folded",
        ])
        add(.historical, .forward, [
            "formerly", "had once", "back in", "in the past", "years earlier", "used to",
            // "Eight years ago, its second floor was home to an AI lab opened by…".
            "years ago", "decades ago", "a decade ago",
        ])
        add(.announced, .forward, [
            "will", "plans to", "plan to", "planned", "planning to", "is set to", "are set to", "set to", "intends to",
            "intend to", "intention to", "expects to", "expect to", "expected to", "aims to", "aim to", "is to",
            "are to", "is preparing to", "preparing to", "is poised to", "poised to", "next year", "later this year",
            "in the coming months", "by the end of", "announced plans", "unveiled plans", "plans for", "plan for",
            "going to", "scheduled to", "on track to", "slated to", "committed to", "pledged to", "vowed to",
            "is due to", "due to open", "'ll",
        ])
        for (key, cues) in table { table[key] = cues.sorted { $0.words.count > $1.words.count } }
        return table
    }()

    /// Words that end a forward cue's scope.
    static let terminators: Set<String> = [
        "but", "however", "although", "though", "yet", "whereas", "while", ";", "meanwhile", "instead", "still",
        "nonetheless", "nevertheless", "despite", "rather",
    ]

    /// Reporting verbs: "would" after one of these reports a plan ("said it would open"), not a supposition.
    static let reporting: Set<String> = [
        "said", "says", "say", "told", "tells", "announced", "announces", "confirmed", "confirms", "stated", "states",
        "added", "noted", "wrote", "disclosed", "revealed", "indicated", "explained", "informed", "promised",
        "pledged", "expects", "expected", "hopes", "insisted", "reiterated",
    ]
}
