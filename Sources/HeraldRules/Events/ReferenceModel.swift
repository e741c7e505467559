/// What one rule set's lists contribute to reference resolution, built once per rule set: for each `refer=context`
/// list, the origins its firms come from (``ReferenceResolver``).
extension ReferenceResolver {
    /// What one rule set's lists contribute: origins per entity list.
    struct Model: Sendable {
        struct ListOrigins: Sendable {
            var list: Int32
            /// Lowercased origin phrase (as tokens joined by spaces) → country of firms from there.
            var origins: [String: String]
            /// The list's most common country, for introduced firms of a national adjective with no city.
            var defaultCountry: String
            /// The list whose hits are places this list's firms come from (`origins=`), if any.
            var originList: Int32?
        }

        var lists: [ListOrigins]
        /// Longest origin phrase in tokens.
        var longestOrigin: Int
        /// The first word of every origin phrase and of `otherOrigins`: most tokens are ruled out without a key.
        var firstWords: WordSet

        init(lists gazetteers: [GazetteerList]) {
            var lists: [ListOrigins] = []
            var longest = 1
            for (index, list) in gazetteers.enumerated() where list.isReferable {
                var countries: [String: Int] = [:]
                var cityCountry: [String: [String: Int]] = [:]
                for entry in list.entries {
                    guard let country = entry.attributes["country"] else { continue }
                    countries[country, default: 0] += 1
                    if let hq = entry.attributes["hq"] {
                        cityCountry[hq.replacingOccurrences(of: "_", with: " ").lowercased(), default: [:]][country, default: 0] += 1
                    }
                }
                guard let common = countries.max(by: { $0.value < $1.value })?.key else { continue }
                // A city is an origin when at least two of the list's firms are based there, all in one country: a
                // firm based abroad (one listed firm has its head office in Singapore) does not make every firm from
                // there one of the list's.
                var origins: [String: String] = [:]
                for (city, counts) in cityCountry where counts.count == 1 && counts.values.reduce(0, +) >= 2 {
                    origins[city] = counts.keys.first
                }
                for country in countries.keys {
                    for adjective in Self.demonyms[country] ?? [] { origins[adjective] = country }
                }
                for phrase in origins.keys { longest = max(longest, phrase.split(separator: " ").count) }
                lists.append(ListOrigins(list: Int32(index), origins: origins, defaultCountry: common, originList: list.originList))
            }
            self.lists = lists
            self.longestOrigin = longest
            var firstWords = Self.otherOrigins
            for origins in lists {
                for phrase in origins.origins.keys { firstWords.insert(String(phrase.split(separator: " ").first ?? "")) }
            }
            self.firstWords = WordSet(firstWords)
        }

        /// Country adjectives by ISO code, for the countries entity lists carry.
        static let demonyms: [String: [String]] = [
            "CN": ["chinese", "china", "china's", "mainland"], "HK": ["hong kong"], "US": ["american", "u.s.", "us"],
            "JP": ["japanese"], "KR": ["korean", "south korean"], "TW": ["taiwanese"], "DE": ["german"],
            "FR": ["french"], "GB": ["british"], "IN": ["indian"], "SG": ["singaporean"],
        ]

        /// Whether an origin phrase is a nationality or country ("chinese", "hong kong"), not a city.
        static func isDemonym(_ phrase: String) -> Bool {
            demonyms.values.contains { $0.contains(phrase) }
        }

        /// Adjectives that make a firm another country's ("a German robot maker").
        /// (Places before "-based" and in ", a Seattle start-up," are read by their own patterns.)
        static let otherOrigins: Set<String> = [
            "american", "u.s.", "us", "japanese", "korean", "taiwanese", "german", "french", "british", "indian",
            "singaporean", "canadian", "israeli", "swiss", "dutch", "swedish", "european",
        ]
    }
}
