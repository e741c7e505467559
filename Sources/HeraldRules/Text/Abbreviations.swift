/// Abbreviations the sentence splitter must not end a sentence on, and words that tell a new sentence begins.
enum Abbreviations {
    /// Titles and the like: always followed by more of the same sentence.
    static let neverFinal: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "cmdr", "adm",
        "st", "mt", "ft", "no", "vs", "v", "fig", "pres", "supt", "rev", "hon", "messrs", "approx", "est", "dept",
        "e.g", "i.e", "cf", "al",
    ]

    /// Abbreviations that can also end a sentence: "…based in Sunnyvale, Calif. The team…".
    static let mayBeFinal: Set<String> = [
        "inc", "corp", "ltd", "co", "llc", "plc", "bros", "jr", "sr", "etc", "u.s", "u.k", "u.n", "e.u",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la",
        "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va",
        "vt", "wash", "wis", "wyo", "d.c", "n.y", "n.j", "n.c", "n.d", "s.c", "s.d", "n.h", "n.m", "r.i", "w.va",
        "a.m", "p.m",
    ]

    /// Capitalised words that usually open a sentence, used to decide whether an abbreviation's period ended one.
    static let sentenceStarters: Set<String> = [
        "the", "a", "an", "it", "its", "he", "she", "they", "we", "i", "you", "this", "that", "these", "those",
        "there", "here", "in", "on", "at", "but", "and", "or", "however", "meanwhile", "last", "next", "after",
        "before", "while", "when", "his", "her", "their", "our", "as", "for", "if", "some", "many", "most", "one",
        "two", "both", "earlier", "later", "separately", "also", "according", "yet", "so", "still", "other",
        "such", "what", "why", "how", "since", "despite", "although", "though", "with", "by", "from", "to",
        "under", "over", "during", "no", "not", "all", "each", "every", "more", "much", "another", "analysts",
        "officials", "shares", "now", "then", "today", "yesterday", "further", "instead", "until", "unlike",
    ]

    /// UTF-8 length of the longest abbreviation: a longer ASCII word before a period is never one.
    static let longest = neverFinal.union(mayBeFinal).map(\.utf8.count).max() ?? 0
}
