/// Interviews: in a Q&A, "we" and "our" in the answers are the interviewee's firm.
///
/// A question-and-answer piece names the firm once, in its introduction ("Insta360, the Shenzhen maker of action
/// cameras, … We spoke to its head of product, Anna Liu"), and then the news comes in the answers, in the first
/// person: "We're standing up an applied-research group there", "Our new Alpharetta office opens in January". The
/// turns are paragraphs: a question is a paragraph labelled "Q:" or, unlabelled, one that ends with "?"; an answer is
/// any other paragraph after the first question ("A:", "Lin:", or no label). The introduction is what comes before
/// the first question; its "we" ("We spoke to …") is the publication's, and so is every question's.
extension ReferenceResolver {
    /// The answers of an interview, as token ranges, and where its introduction ends; nil when the body is not one.
    struct InterviewTurns {
        var introEnd: Int
        var answers: [Range<Int>]

        func isAnswer(_ token: Int) -> Bool {
            answers.contains { $0.contains(token) }
        }
    }

    /// Words that describe someone's post at a firm: "its head of product", "who heads the company's North American
    /// business", "president of Hisense USA".
    static let roleWords: Set<String> = [
        "chief", "head", "heads", "lead", "leads", "leader", "president", "vice-president", "director", "founder",
        "co-founder", "cofounder", "executive", "officer", "ceo", "cto", "cfo", "coo", "manager", "scientist",
        "spokesperson", "spokeswoman", "spokesman", "chairman", "chairwoman", "run", "runs", "oversees", "joining",
        "joined",
    ]

    /// The interview's turns, when at least two questions and two answers follow an introduction.
    func interviewTurns(_ key: (Int) -> String) -> InterviewTurns? {
        let paragraphs = text.paragraphs
        guard paragraphs.count >= 5 else { return nil }
        var introEnd: Int?
        var questions = 0
        var answers: [Range<Int>] = []
        for (position, paragraph) in paragraphs.enumerated() where paragraph.endToken > paragraph.firstToken {
            let first = paragraph.firstToken
            let labelled = key(first + 1) == ":"
            let label = labelled ? key(first) : ""
            var last = paragraph.endToken - 1
            while last > first, Self.closingQuotes.contains(key(last)) || key(last) == ")" { last -= 1 }
            let isQuestion = label == "q" || (!labelled && key(last) == "?")
            if isQuestion {
                // The introduction is at least one paragraph.
                if introEnd == nil {
                    guard position > 0 else { return nil }
                    introEnd = first
                }
                questions += 1
            } else if introEnd != nil {
                answers.append(first..<paragraph.endToken)
            }
        }
        guard let introEnd, questions >= 2, answers.count >= 2 else { return nil }
        return InterviewTurns(introEnd: introEnd, answers: answers)
    }

    /// The firm whose person answers: the first subject the introduction names, when the introduction says
    /// someone's post at a firm ("its head of product", "who heads the company's …", "president of Hisense USA").
    /// Without such a post the interviewee may be anyone — a professor on a firm's new lab — and "we" is theirs.
    func interviewee(_ turns: InterviewTurns, mentions: [Mention], _ key: (Int) -> String) -> Referent? {
        // "Q&A: Mobvoi's new US chief on voice AI": the headline says whose person answers.
        if let firm = headline.first(where: \.hasPost) { return .listed(list: firm.list, entry: firm.entry) }
        let intro = 0..<turns.introEnd
        guard let subject = mentions.first(where: { intro.contains($0.token) && $0.isSubject }) ?? mentions.first(where: {
            intro.contains($0.token)
        }) else { return nil }
        let tied = intro.contains { index in
            guard Self.roleWords.contains(key(index)) else { return false }
            // "its head of product", "the company's chief", "Hisense's president".
            if (max(0, index - 5)..<index).contains(where: { key($0) == "'s" || key($0) == "its" }) { return true }
            // "who heads the company's business", "president of Hisense USA", "joining DeepRoute.ai", "hired to
            // lead it", "to lead its new research team".
            let after = index + 1..<min(intro.upperBound, index + 6)
            if after.contains(where: { key($0) == "'s" || key($0) == "its" }) || key(index + 1) == "it" { return true }
            return mentions.contains { mention in
                after.contains(mention.token) && mention.referent == subject.referent
                    && (["of", "at", "for"].contains(key(mention.token - 1)) || mention.token == index + 1)
            }
        }
        return tied ? subject.referent : nil
    }

    /// The firms of `refer=context` lists a headline names, and whether it gives someone a post at each
    /// ("Mobvoi's new US chief", "DeepRoute.ai's new US site lead").
    static func headlineFirms(in title: AnalyzedText, hits: [Hit], model: Model) -> [HeadlineFirm] {
        hits.compactMap { hit in
            guard model.lists.contains(where: { $0.list == hit.list }) else { return nil }
            let count = title.textTokens.count
            let possessive = hit.endToken < count && title.key(ofToken: hit.endToken) == "'s"
            let hasPost = possessive && (hit.endToken + 1..<min(count, hit.endToken + 6)).contains {
                roleWords.contains(title.key(ofToken: $0))
            }
            return HeadlineFirm(list: hit.list, entry: hit.entry, hasPost: hasPost)
        }
    }
}
