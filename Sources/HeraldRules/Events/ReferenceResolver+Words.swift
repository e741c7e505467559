/// The words the reference pass reads by: what names a firm, what ends a name, what refers back.
extension ReferenceResolver {
    /// Words in an introduction that make a firm an AI company.
    static let aiWords: Set<String> = [
        "ai", "artificial", "machine", "learning", "neural", "models", "model", "speech", "vision", "robot", "robots",
        "robotics", "autonomous", "self", "driving", "chatbot", "chatbots", "algorithms", "llm", "llms", "recognition",
        "generative", "autonomy", "perception",
    ]

    /// Products only an AI company makes, for a firm's appositive ("…, the maker of the Ernie chatbot,").
    static let aiProducts: Set<String> = ["chatbot", "chatbots", "llm", "llms", "robotaxi", "robotaxis"]
    /// Kinds of model that are AI models: "text-to-video model", "large language models", "world models".
    static let modelKinds: Set<String> = ["video", "language", "foundation", "world", "diffusion", "large", "reasoning", "speech", "vision", "image"]
    /// What such a model is called: "the Kling text-to-video generator".
    static let modelNouns: Set<String> = ["model", "models", "generator", "generators"]

    /// Nouns that say a phrase names a firm: "a Shenzhen robot maker", "Chinese AI start-up".
    static let organisationNouns: Set<String> = [
        "company", "firm", "start-up", "startup", "start", "maker", "developer", "group", "giant", "unicorn",
        "manufacturer", "specialist", "provider", "outfit", "business", "supplier", "chipmaker", "carmaker",
        "automaker", "designer", "producer", "platform", "operator", "conglomerate", "lab", "laboratory",
        "corporation", "enterprise", "venture", "newcomer", "upstart", "player",
    ]
    /// Words inside a name that do not stand for it alone ("Technology" is no short name of anything).
    static let genericNameWords: Set<String> = [
        "technology", "technologies", "tech", "intelligence", "robotics", "group", "holdings", "ai", "inc", "co",
        "ltd", "limited", "corp", "corporation", "company", "dynamics", "systems", "labs", "lab", "software",
        "network", "networks", "information", "digital", "cloud", "semiconductor", "motors", "auto", "international",
        "global", "science", "sciences", "cognitive", "data", "smart", "the", "china", "chinese", "beijing",
        "shanghai", "shenzhen", "hangzhou", "guangzhou", "hong", "kong", "device", "devices", "electronics", "innovation",
    ]
    /// Words that end a firm's registered name after its usual one: "XtalPi Holdings Limited", "Hesai Group Inc.".
    static let registeredNameWords: Set<String> = [
        "holdings", "holding", "limited", "ltd", "inc", "co", "corp", "corporation", "group", "plc", "company", ".",
    ]
    /// Nouns of a definite description that refers back to a firm: "the company", "the e-commerce giant".
    static let anaphorNouns: Set<String> = [
        "company", "firm", "group", "start-up", "startup", "giant", "maker", "developer", "business", "conglomerate",
        "unicorn", "carmaker", "automaker", "chipmaker", "manufacturer", "supplier", "platform", "operator",
    ]
    static let anaphorNounSet = WordSet(anaphorNouns)
    static let appositiveStoppers = WordSet([",", ".", "who", "that", "which", "whose", "with", "of"])
    static let organisationNounSet = WordSet(organisationNouns)
    /// Verbs whose hearer comes between them and what was told: "told reporters it would open".
    static let tellingVerbs: Set<String> = ["told", "tells", "telling", "assured", "informed"]
    /// Verbs that attribute a quote to its speaker.
    static let quoteReporting: Set<String> = ["said", "says", "explained", "added", "told"]
    /// Quotation marks as the tokenizer keys them.
    static let openingQuotes: Set<String> = ["\"", "“"]
    static let closingQuotes: Set<String> = ["\"", "”"]
    /// What a firm's part is called when it is introduced by its parent: "a unit of Midea Group".
    static let subsidiaryNouns: Set<String> = ["unit", "subsidiary", "division", "arm", "affiliate", "spinoff", "spin", "offshoot"]
    /// Words and marks a description ("the Hangzhou-based e-commerce giant") does not run across: a second "the"
    /// starts another phrase, and 'the usual thread: "Chinese AI firm' is a thread, then a quoted headline. "and" may
    /// join two descriptions ("the phone and electric-car maker").
    static let descriptionStoppers = WordSet(
        nameStoppers.subtracting(["and"]).union([",", ".", "of", ":", ";", "\"", "\u{201C}", "\u{201D}", "(", ")", "\u{2014}"]))
    /// Tokens after which "It" / "it" opens a clause as its subject.
    static let clauseOpeners: Set<String> = [",", "that", "and", "but", "said", "says", "because", "as", "when", "where", "after", "so", "while", ";", ":", "\""]
    static let abbreviatedSuffixes: Set<String> = ["co", "inc", "ltd", "corp", "plc", "bhd", "llc"]
    static let foundingWords: Set<String> = ["founded", "based", "headquartered", "established", "incorporated", "started"]
    /// Capitalised words that start no firm's name.
    static let notNames: Set<String> = [
        "i", "we", "it", "he", "she", "they", "you", "our", "its", "their", "this", "that", "these", "those", "in", "on",
        "at", "for", "but", "and", "or", "if", "when", "while", "after", "before", "since", "last", "next", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
        "june", "july", "august", "september", "october", "november", "december", "chinese", "china", "us", "u.s.",
    ]
    /// Words that end a capitalised name ("Lingxi Robotics said").
    static let nameStoppers: Set<String> = ["the", "a", "an", "and", "of", "in", "on", "at", "for", "to", "said", "says", "has", "is", "was", "will", "which", "who"]

    /// Bytes of the short words the first pass tests tokens against without making a key.
    /// The initials of the words the first pass of `resolve()` looks for ("it", "its", "we", "our", "you", "your",
    /// "they", "the", "company", "here"), lowered, as a table indexed by byte.
    static let checkedInitials: [Bool] = (0..<256).map { Array("iwoytch".utf8).contains(UInt8($0)) }
    static let it = Array("it".utf8)
    static let its = Array("its".utf8)
    static let we = Array("we".utf8)
    static let our = Array("our".utf8)
    static let you = Array("you".utf8)
    static let they = Array("they".utf8)
    static let company = Array("company".utf8)
    /// People who speak for a firm: "a company spokesperson".
    static let spokesWords: Set<String> = [
        "spokesperson", "spokeswoman", "spokesman", "representative", "executive", "official", "statement", "filing",
    ]
    static let your = Array("your".utf8)
    static let the = Array("the".utf8)
    static let here = Array("here".utf8)

    // MARK: Contracted pronouns

    /// Whether a word token is "we", "you", "they" or "it" with a verb run in: "we're", "we've", "you've", "it's", with a
    /// straight or a curly apostrophe.
    func isContractedPronoun(_ token: TextToken) -> Bool {
        let start = token.byteStart
        let length = token.byteEnd - start
        guard length >= 4, length <= 8 else { return false }
        let stem = asciiLower(start, is: Self.they) ? 4 : asciiLower(start, is: Self.you) ? 3 : asciiLower(start, is: Self.we) || asciiLower(start, is: Self.it) ? 2 : 0
        guard stem > 0, length > stem + 1 else { return false }
        let apostrophe = text.utf8[start + stem]
        return apostrophe == 0x27 || (apostrophe == 0xE2 && length >= stem + 4)
    }

    /// "we're" → "we", "you've" → "you": the pronoun of a contracted form, other keys as they are.
    /// Compares bytes, not characters: it runs on every "the" and pronoun of every candidate article.
    static func uncontracted(_ key: String) -> String {
        guard key.utf8.count >= 4 else { return key }
        let bytes = Array(key.utf8.prefix(7))
        for stem in ["they", "you", "we", "it"] {
            let length = stem.utf8.count
            guard bytes.count > length, bytes.starts(with: stem.utf8) else { continue }
            // A straight apostrophe, or the curly one (U+2019, E2 80 99 in UTF-8).
            let isApostrophe = bytes[length] == 0x27
                || (bytes[length] == 0xE2 && bytes.count > length + 2 && bytes[length + 1] == 0x80 && bytes[length + 2] == 0x99)
            return isApostrophe ? stem : key
        }
        return key
    }
}
