/// A news-like corpus: articles with a headline and paragraphs of sentences, mostly ordinary filler prose, with firms,
/// places, topics, opening and retreat verbs, denials, units and AI terms mentioned at rates that give a realistic
/// share of sentences with list hits and a few with alerts.
struct CorpusGenerator {
    struct Article {
        var title: String
        var body: String
    }

    let lists: SyntheticLists
    let shipped: ShippedLists

    private static let filler = [
        "the", "company", "said", "on", "Tuesday", "that", "it", "would", "expand", "its", "operations", "in", "the",
        "coming", "months", "according", "to", "people", "familiar", "with", "the", "matter", "analysts", "expect",
        "revenue", "to", "grow", "by", "percent", "this", "year", "while", "shares", "fell", "in", "early", "trading",
        "after", "the", "announcement", "investors", "were", "cautious", "about", "the", "outlook", "for", "demand",
        "and", "margins", "a", "spokesperson", "declined", "to", "comment", "further", "on", "plans", "which", "have",
        "been", "under", "review", "since", "last", "quarter", "officials", "say", "the", "deal", "is", "worth",
        "about", "million", "dollars", "and", "could", "close", "by", "year-end", "pending", "regulatory", "approval",
        "from", "authorities", "executives", "told", "reporters", "at", "a", "briefing", "the", "market", "has",
        "been", "volatile", "as", "rates", "rose", "and", "supply", "chains", "remained", "tight", "for", "many",
        "manufacturers", "across", "the", "region", "customers", "orders", "growth", "slowed", "sharply", "during",
        "second", "half", "of", "year", "new", "products", "prices", "costs", "staff", "hiring", "sales", "profit",
    ]
    private static let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

    /// Articles until `bytes` UTF-8 bytes of title and body have been produced.
    func articles(bytes: Int, seed: UInt64) -> [Article] {
        var random = SeededGenerator(seed: seed)
        let vocabulary = Vocabulary(lists: lists, shipped: shipped)
        var articles: [Article] = []
        var total = 0
        while total < bytes {
            let article = self.article(&random, vocabulary)
            total += article.title.utf8.count + article.body.utf8.count
            articles.append(article)
        }
        return articles
    }

    /// Everything a sentence may mention, drawn once.
    private struct Vocabulary {
        var firms: [String]
        var cnFirms: [String]
        var places: [String]
        var usPlaces: [String]
        var topics: [String]
        var openVerbs: [String]
        var retreatVerbs: [String]
        var negations: [String]
        var units: [String]
        var aiTerms: [String]

        /// Denial words for the corpus's "X denied it was opening…" sentences: the NEGATION list that shipped until
        /// event rules read negation as factuality, kept so that the corpus is the same before and after.
        static let denials = [
            "not", "never", "no longer", "no plans", "no plans to", "no plan", "no plan to", "no intention",
            "no intentions", "yet to", "deny", "denies", "denied", "denying", "denial", "rule out", "rules out",
            "ruled out", "ruling out", "reject", "rejects", "rejected", "rejecting", "dismiss", "dismisses",
            "dismissed", "dismissing", "refute", "refutes", "refuted", "refuting", "rebuff", "rebuffs", "rebuffed",
            "stop short of", "stops short of", "stopped short of", "unlikely to", "cannot", "can't", "won't",
            "wouldn't", "didn't", "doesn't", "don't", "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't",
            "hadn't", "couldn't", "shouldn't",
        ]

        init(lists: SyntheticLists, shipped: ShippedLists) {
            firms = lists.firms.map(\.aliases[0])
            cnFirms = shipped.asciiAliases("CN_FIRM")
            places = lists.places.map(\.name)
            usPlaces = shipped.asciiAliases("US_PLACE")
            topics = lists.topics
            openVerbs = shipped.asciiAliases("OPEN_VERB")
            retreatVerbs = shipped.asciiAliases("RETREAT_VERB")
            negations = Self.denials
            units = shipped.asciiAliases("TEAM")
            aiTerms = shipped.asciiAliases("AI_TERM")
        }

        func firm(_ random: inout SeededGenerator) -> String {
            random.chance(0.8) || cnFirms.isEmpty ? random.pick(firms) : random.pick(cnFirms)
        }

        func place(_ random: inout SeededGenerator) -> String {
            random.chance(0.6) || usPlaces.isEmpty ? random.pick(places) : random.pick(usPlaces)
        }
    }

    private func article(_ random: inout SeededGenerator, _ words: Vocabulary) -> Article {
        let title = "\(words.firm(&random)) \(random.pick(words.openVerbs)) \(random.pick(words.topics)) \(random.pick(words.units)) in \(words.place(&random))"
        var paragraphs: [String] = []
        for _ in 0..<(3 + random.below(5)) {
            var sentences: [String] = []
            for _ in 0..<(2 + random.below(4)) { sentences.append(sentence(&random, words)) }
            paragraphs.append(sentences.joined(separator: " "))
        }
        return Article(title: title, body: paragraphs.joined(separator: "\n\n"))
    }

    private func sentence(_ random: inout SeededGenerator, _ words: Vocabulary) -> String {
        let roll = random.below(100)
        let ai = random.chance(0.3) ? random.pick(words.aiTerms) + " " : ""
        switch roll {
        case 0..<8:
            return "\(words.firm(&random)) \(random.pick(words.openVerbs)) a new \(ai)\(random.pick(words.units)) in \(words.place(&random)), \(filler(&random, 6))."
        case 8..<11:
            return "\(words.firm(&random)) \(random.pick(words.negations)) it was \(random.pick(words.openVerbs)) a \(ai)\(random.pick(words.units)) in \(words.place(&random))."
        case 11..<14:
            return "\(words.firm(&random)) \(random.pick(words.retreatVerbs)) its \(random.pick(words.topics)) business in \(words.place(&random))."
        case 14..<24:
            return "Analysts at \(words.firm(&random)) said \(random.pick(words.topics)) demand in \(words.place(&random)) would \(filler(&random, 8))."
        case 24..<30:
            return "On \(random.pick(Self.days)), \(words.firm(&random)) said its \(ai)work \(filler(&random, 10))."
        default:
            var text = filler(&random, 8 + random.below(18))
            if random.chance(0.15) { text += " near \(words.place(&random))" }
            if random.chance(0.1) { text += " with \(words.firm(&random))" }
            return text.prefix(1).uppercased() + text.dropFirst() + "."
        }
    }

    private func filler(_ random: inout SeededGenerator, _ count: Int) -> String {
        (0..<count).map { _ in random.pick(Self.filler) }.joined(separator: " ")
    }
}
