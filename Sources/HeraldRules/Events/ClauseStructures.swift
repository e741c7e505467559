/// The clause structures one evaluation has built, by sentence: several rules and many assignments ask about the
/// same sentence, and building one reads every token's text.
///
/// A class so that the evaluation's non-mutating checks can fill it; it lives and dies with one evaluation of one
/// text part, on one thread.
final class ClauseStructures {
    private var built: [Int: ClauseStructure] = [:]

    func structure(of unit: Segment, in text: AnalyzedText) -> ClauseStructure {
        if let structure = built[unit.firstToken], structure.end == unit.endToken { return structure }
        let structure = ClauseStructure(text: text, unit: unit)
        built[unit.firstToken] = structure
        return structure
    }
}
