/// Generates the word forms of list aliases, so an analyst writes "open" and "set up" once and Herald matches
/// opens, opened, opening, sets up, setting up…
///
/// Public so that tools outside the engine (the benchmark's peer phrase set) see exactly the forms Herald indexes.
public enum Inflector {
    /// Every form of a verb phrase: the first word is inflected ("set up" → "sets up", "setting up").
    public static func verbForms(_ phrase: String) -> [String] {
        let words = phrase.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let head = words.first else { return [phrase] }
        let rest = words.dropFirst().joined(separator: " ")
        let forms = verbForms(word: head)
        return unique(forms.map { rest.isEmpty ? $0 : "\($0) \(rest)" })
    }

    /// A noun phrase and its plural: the last word is inflected ("research lab" → "research labs").
    public static func nounForms(_ phrase: String) -> [String] {
        var words = phrase.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let last = words.last else { return [phrase] }
        words[words.count - 1] = plural(last)
        return unique([phrase, words.joined(separator: " ")])
    }

    static func verbForms(word: String) -> [String] {
        let lower = word.lowercased()
        var forms = [word, thirdPerson(word), presentParticiple(word)]
        if let irregular = irregularVerbs[lower] {
            forms += irregular.map { restoreCase($0, like: word) }
        } else {
            forms.append(past(word))
        }
        return unique(forms)
    }

    static func thirdPerson(_ word: String) -> String {
        let lower = word.lowercased()
        if lower == "be" { return restoreCase("is", like: word) }
        if lower == "have" { return restoreCase("has", like: word) }
        if lower.hasSuffix("s") || lower.hasSuffix("x") || lower.hasSuffix("z") || lower.hasSuffix("ch")
            || lower.hasSuffix("sh") || lower.hasSuffix("o")
        {
            return word + "es"
        }
        if endsInConsonantY(lower) { return String(word.dropLast()) + "ies" }
        return word + "s"
    }

    static func presentParticiple(_ word: String) -> String {
        let lower = word.lowercased()
        if lower.hasSuffix("ie") { return String(word.dropLast(2)) + "ying" }
        if lower.hasSuffix("e") && !lower.hasSuffix("ee") && !lower.hasSuffix("ye") && !lower.hasSuffix("oe") && lower.count > 2 {
            return String(word.dropLast()) + "ing"
        }
        if doublesFinalConsonant(lower), let last = word.last { return word + String(last) + "ing" }
        return word + "ing"
    }

    static func past(_ word: String) -> String {
        let lower = word.lowercased()
        if lower.hasSuffix("e") { return word + "d" }
        if endsInConsonantY(lower) { return String(word.dropLast()) + "ied" }
        if doublesFinalConsonant(lower), let last = word.last { return word + String(last) + "ed" }
        return word + "ed"
    }

    static func plural(_ word: String) -> String {
        let lower = word.lowercased()
        if let irregular = irregularNouns[lower] { return restoreCase(irregular, like: word) }
        if lower.hasSuffix("s") || lower.hasSuffix("x") || lower.hasSuffix("z") || lower.hasSuffix("ch")
            || lower.hasSuffix("sh")
        {
            return word + "es"
        }
        if endsInConsonantY(lower) { return String(word.dropLast()) + "ies" }
        return word + "s"
    }

    private static let vowels: Set<Character> = ["a", "e", "i", "o", "u"]

    private static func endsInConsonantY(_ lower: String) -> Bool {
        guard lower.hasSuffix("y"), lower.count >= 2 else { return false }
        let before = lower[lower.index(lower.endIndex, offsetBy: -2)]
        return !vowels.contains(before)
    }

    /// Short words ending consonant-vowel-consonant double it: stop → stopping, scrap → scrapped.
    private static func doublesFinalConsonant(_ lower: String) -> Bool {
        let letters = Array(lower)
        guard letters.count >= 3, letters.allSatisfy(\.isLetter) else { return false }
        let last = letters[letters.count - 1]
        let middle = letters[letters.count - 2]
        let first = letters[letters.count - 3]
        // "qu" spells a consonant: quit → quitting.
        let quBefore = first == "u" && letters.count >= 4 && letters[letters.count - 4] == "q"
        guard !vowels.contains(last), !"wxy".contains(last), vowels.contains(middle), !vowels.contains(first) || quBefore else {
            return false
        }
        // Only one vowel group: "open" (o-e) is stressed on the first syllable and does not double.
        var groups = 0
        var inVowel = false
        for (index, letter) in letters.enumerated() where !(letter == "u" && index > 0 && letters[index - 1] == "q") {
            let isVowel = vowels.contains(letter)
            if isVowel && !inVowel { groups += 1 }
            inVowel = isVowel
        }
        return groups == 1
    }

    private static func restoreCase(_ form: String, like word: String) -> String {
        guard let first = word.first, first.isUppercase else { return form }
        if word.count > 1 && word.allSatisfy({ !$0.isLetter || $0.isUppercase }) { return form.uppercased() }
        return form.prefix(1).uppercased() + form.dropFirst()
    }

    private static func unique(_ forms: [String]) -> [String] {
        var seen = Set<String>()
        return forms.filter { seen.insert($0).inserted }
    }

    /// Past tense and past participle of the irregular verbs news rules tend to use.
    static let irregularVerbs: [String: [String]] = [
        "begin": ["began", "begun", "beginning"], "break": ["broke", "broken"], "bring": ["brought"],
        "build": ["built"], "buy": ["bought"], "choose": ["chose", "chosen"], "come": ["came"], "cut": ["cut"],
        "draw": ["drew", "drawn"], "drive": ["drove", "driven"], "fall": ["fell", "fallen"], "find": ["found"],
        "get": ["got", "gotten"], "give": ["gave", "given"], "go": ["went", "gone"], "grow": ["grew", "grown"],
        "hold": ["held"], "keep": ["kept"], "lay": ["laid"], "lead": ["led"], "leave": ["left"], "lose": ["lost"],
        "make": ["made"], "meet": ["met"], "pay": ["paid"], "put": ["put"], "rise": ["rose", "risen"],
        "run": ["ran"], "see": ["saw", "seen"], "sell": ["sold"], "send": ["sent"], "set": ["set"], "shut": ["shut"],
        "spend": ["spent"], "spin": ["spun"], "stand": ["stood"], "take": ["took", "taken"], "tell": ["told"],
        "think": ["thought"], "undertake": ["undertook", "undertaken"], "win": ["won"], "withdraw": ["withdrew", "withdrawn"],
        "write": ["wrote", "written"], "wind": ["wound"], "shrink": ["shrank", "shrunk"], "sink": ["sank", "sunk"],
        "quit": ["quit", "quitting"], "slide": ["slid"], "strike": ["struck"], "sweep": ["swept"], "be": ["was", "were", "been", "are", "am"], "have": ["had"],
        "do": ["did", "done", "does"], "say": ["said"], "shed": ["shed"], "split": ["split"], "bid": ["bid"],
        "forgo": ["forwent", "forgone"], "overtake": ["overtook", "overtaken"], "rebuild": ["rebuilt"],
        "set up": ["set up"],
    ]

    static let irregularNouns: [String: String] = [
        "person": "people", "child": "children", "man": "men", "woman": "women", "analysis": "analyses",
        "staff": "staff", "personnel": "personnel", "headquarters": "headquarters", "life": "lives", "shelf": "shelves",
    ]
}
