import Testing

@testable import HeraldRules

/// The `event` clause: agent, object, place attachment, factuality, references — each as the alert a user sees.
@Suite("Events: who did what, where, and whether it happened")
struct EventTests {
    static let lists = TestRules.lists + """

        list ORIGIN_FIRM kind=entity refer=context
        Tencent | Tencent Holdings            country=CN sector=internet hq=Shenzhen
        DJI                                   country=CN sector=hardware hq=Shenzhen
        list RETREAT inflect=verb
        close
        scrap
        list FRESH
        new
        list MOVE inflect=verb
        relocate
        move
        """

    static let rules = """
        rule opens
            title "A firm opens a US team"
            let firm  = @FIRM | @ORIGIN_FIRM
            let verb  = @VERB | @FRESH | @MOVE near firm within 30
            let team  = @TEAM near verb within 12
            let place = @PLACE
            reject @RETREAT near verb within clause
            event verb agent firm object team at place
            emit firm=firm, place=place
            dedup firm
        """

    static func fired(
        _ text: String, title: String? = nil, rules: String = EventTests.rules, lists: String = EventTests.lists, published: String? = nil
    ) throws -> [String] {
        try TestRules.ruleSet(rules, lists: lists).match(title: title, body: text, published: published).matches.map { match in
            match.fields.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        }
    }

    @Test("the agent is the firm doing it, not a partner, a founder's old employer, a modifier or an aside")
    func agent() throws {
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(try Self.fired("Apple, which buys cloud services from Alibaba, opened a lab in Sunnyvale.") == [
            "firm=Apple,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("A start-up founded by two former Alibaba engineers opened a lab in Sunnyvale.").isEmpty)
        // Nor in a passive's 'by' phrase: "founded by Alibaba alumni".
        #expect(try Self.fired("The city courts firms with a lab set up by Alibaba alumni in Sunnyvale.").isEmpty)
        #expect(try Self.fired("The city courts firms with a lab set up by Alibaba in Sunnyvale.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        // The last members of a series are no aside: ", a lab manager and an office manager to open…".
        #expect(try Self.fired("Alibaba is hiring engineers, researchers, designers, a lab manager and a cook to open a lab in Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired(
            "Alibaba is hiring engineers, researchers, a lab manager and a cook to open a lab in Sunnyvale, according to job postings.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        // An aside that closes with its own comma is one still.
        #expect(try Self.fired("Apple hired engineers, researchers, a firm that Alibaba and Tencent backed, to open a lab in Sunnyvale.") == [
            "firm=Apple,place=Sunnyvale,factuality=asserted"
        ])
        // The subject carries across "but" past the verb group: "has not only …, but has also begun opening".
        #expect(try Self.fired("Alibaba has not only hired staff, but has also begun opening a lab in Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba hired staff, but Apple has also begun opening a lab in Sunnyvale.") == [
            "firm=Apple,place=Sunnyvale,factuality=asserted"
        ])
        // So does a business of it: "the electric-vehicle business of Alibaba".
        #expect(try Self.fired("Apple, and the electric-vehicle business of Alibaba, opened a lab in Sunnyvale.").contains(
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"))
        // A firm that reports, in the main clause, an event whose subject is a unit of no one named; "a company
        // spokesperson" is the firm the story is about.
        #expect(try Self.fired("An Alibaba spokesperson confirmed on Monday that the lab in Sunnyvale will open in May.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=announced"
        ])
        #expect(try Self.fired("Tencent makes games. A company spokesperson confirmed that the lab in Sunnyvale will open in May.") == [
            "firm=Tencent,place=Sunnyvale,factuality=announced"
        ])
        #expect(try Self.fired("Tencent makes games. A company spokesperson confirmed that Apple's lab in Sunnyvale will open in May.") == [
            "firm=Apple,place=Sunnyvale,factuality=announced"
        ])
        // The comma that closes an appositive goes back to the main clause before an adverb: "…, now employs".
        #expect(try Self.fired("Tencent, the Shenzhen game maker, now employs 42 people at its new lab in Sunnyvale, most of them engineers.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        // "that our new … lab, which …, will be located in": the unit described as new after the report, its place past
        // a relative clause on it.
        #expect(try Self.fired(
            "Tencent announced that its new lab, which will focus on speech recognition for phones, for cars and for household appliances in kitchens, will be located in Sunnyvale."
        ) == ["firm=Tencent,place=Sunnyvale,factuality=asserted"])
        // Two "-ing" modifiers of one noun are no second clause: "a testing and engineering lab".
        #expect(try Self.fired("Tencent opened a testing and engineering lab in Sunnyvale.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        // Its board acts for it.
        #expect(try Self.fired("The board of directors of Alibaba has opened a lab in Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        // A firm's unit in a passive's "by" phrase acts for it; the "by" phrase is never what is set up.
        #expect(try Self.fired("The lab, set up in January by a US subsidiary of Alibaba, works in Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba was set up by a team of engineers in Sunnyvale.").isEmpty)
        // An "-ing" form after a determiner, or after a name that follows one, is a noun.
        #expect(try Self.fired("Alibaba attended the opening at its lab in Sunnyvale.").isEmpty)
        #expect(try Self.fired("Alibaba is opening a lab in Sunnyvale.").count == 1)
        // A unit as the subject, and the firm that reports it at the sentence's end as its owner.
        #expect(try Self.fired("A lab opened in Sunnyvale this week, Alibaba said.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(try Self.fired("A lab opened in Sunnyvale this week, according to Alibaba.").count == 1)
        #expect(try Self.fired("Apple's lab opened in Sunnyvale this week, Alibaba said.").allSatisfy { !$0.hasPrefix("firm=Alibaba") })
        #expect(try Self.fired("A lab opened in Sunnyvale this week, said Alibaba, which supplies it.").isEmpty)
        // Coordinated firms, each with an aside: the first one's "as" governs nothing of the second.
        #expect(try Self.fired("Apple, the phone maker known abroad as Ringo, and Alibaba, the Hangzhou group, have each set up a lab in Sunnyvale.").count == 2)
        // A co-agent: "Along with Tencent, Alibaba has set up…".
        #expect(try Self.fired("Along with Tencent, Alibaba has set up a lab in Sunnyvale.").count == 2)
        #expect(try Self.fired("Alibaba has set up a lab in Sunnyvale with Tencent.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        // Asides between the subject and its verb do not count towards its distance, and "not yet" breaks no clause.
        let longAside = ", the Hangzhou company whose software runs shops, warehouses and banks in every province of the country,"
            + " which has sold almost only at home for two decades, and whose founder has not yet visited America,"
        let wide = Self.rules.replacingOccurrences(of: "near firm within 30", with: "near firm within 60")
        #expect(try Self.fired("Alibaba" + longAside + " has opened a lab in Sunnyvale.", rules: wide) == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba met many clients, partners, investors and officials in every province of the country and"
            + " in several cities abroad over the two decades since its founder first said he had seen America, and then a rival"
            + " has opened a lab in Sunnyvale.", rules: wide).isEmpty)
        #expect(try Self.fired("An Alibaba-backed start-up opened a lab in Sunnyvale.").isEmpty)
        #expect(try Self.fired("Major firms, including Alibaba and Apple, set up teams in Sunnyvale.").count == 2)
        #expect(try Self.fired("A lab set up in Sunnyvale by Alibaba has started hiring.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        // The unit as the object of a relative clause, its "of" complement and the subject's aside between.
        #expect(try Self.fired("She leads a team of 31 researchers that Alibaba, the Hangzhou group, set up in Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba said on Monday that it had opened a lab in Sunnyvale.").count == 1)
        #expect(try Self.fired("In Sunnyvale, Alibaba opened a lab last month.").count == 1, "a fronted place is no preposition of the firm")
        #expect(try Self.fired("Its rival Alibaba opened a lab in Sunnyvale.").count == 1)
        #expect(try Self.fired("Alibaba, which sells cloud services, opened a lab in Sunnyvale.").count == 1)
        #expect(try Self.fired("Alibaba's Sunnyvale lab, which opened in March, now has 60 staff.").count == 1)
        #expect(try Self.fired("Alibaba is scrapping one office and opening a lab in Sunnyvale.").count == 1)
        #expect(try Self.fired("After scrapping its Austin office, Alibaba opened a lab in Sunnyvale.").count == 1)
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale and scrapped it.").isEmpty)
        #expect(try Self.fired("Alibaba said it would not open an office in Austin, but opened a lab in Sunnyvale instead.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Along with Apple, Alibaba opened a lab in Sunnyvale.").count == 2)
        // The firm's serving people act for it; its former ones do not.
        #expect(try Self.fired("Executives from Alibaba opened a lab in Sunnyvale.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(try Self.fired("Former executives of Alibaba opened a lab in Sunnyvale.").isEmpty)
        #expect(try Self.fired("Alibaba executives opened a lab in Sunnyvale.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(try Self.fired("Former Alibaba executives opened a lab in Sunnyvale.").isEmpty)
        #expect(try Self.fired("Alibaba engineers opened a lab in Sunnyvale.").isEmpty)
        // A fronted date without a comma: "In January" governs the month, not the firm after it.
        #expect(try Self.fired("In January the company Alibaba opened a lab in Sunnyvale.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(try Self.fired("In Apple Park the company Alibaba opened a lab in Sunnyvale.").isEmpty)
    }

    @Test("the place locates the unit: not a headquarters, a market, a comparison, money or a foreign namesake")
    func place() throws {
        #expect(try Self.fired("Alibaba opened its Sunnyvale lab.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(try Self.fired("Alibaba set up a US-based team.") == ["firm=Alibaba,place=United States,factuality=asserted"])
        #expect(try Self.fired("Sunnyvale-based Apple opened a lab.").isEmpty)
        // A place and the unit side by side as where one clause happens: the unit is in the place.
        #expect(try Self.fired("She works here, in Sunnyvale, at a new lab set up by Alibaba.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("She studied in Sunnyvale, then worked at a lab set up by Alibaba.").isEmpty)
        #expect(try Self.fired("Alibaba opened a lab to serve customers in Sunnyvale.").isEmpty)
        #expect(try Self.fired("Alibaba opened a lab to rival Silicon Valley.").isEmpty)
        #expect(try Self.fired("Alibaba spent US$200 million to open a lab.").isEmpty)
        // A preposition that governs a time does not locate the name after it: "In March the US subsidiary …".
        #expect(try Self.fired("In March the US arm of Alibaba opened a lab in Sunnyvale.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale, Ontario.").isEmpty)
        // A bare name whose namesake abroad the list gives (twin=CA) is that one in an article set there, unless the
        // article names the US city's state.
        let twins = Self.lists.replacingOccurrences(
            of: "Silicon Valley                       level=region state=CA",
            with: "Silicon Valley                       level=region state=CA\nRichmond    level=city state=VA twin=CA\nVirginia    level=state state=VA")
        #expect(try Self.fired("Alibaba opened a lab in Richmond.", lists: twins) == ["firm=Alibaba,place=Richmond,factuality=asserted"])
        #expect(try Self.fired("Alibaba opened a lab in Richmond, near the Canada Line.", lists: twins).isEmpty)
        #expect(try Self.fired("Alibaba opened a lab in Richmond. Canada has one too. Virginia is proud.", lists: twins) == [
            "firm=Alibaba,place=Richmond,factuality=asserted"
        ])
        // Abbreviated provinces and states abroad qualify as well as spelled-out ones.
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale, B.C., last week.").isEmpty)
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale, Ont.").isEmpty)
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale, N.S.W., last week.").isEmpty)
        // A unit that moves is located where it goes, not where it was.
        #expect(try Self.fired("Alibaba is relocating its lab from Hangzhou to Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba is moving its team into a rented workshop in Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba is moving its Sunnyvale team to Toronto.").isEmpty)
        #expect(try Self.fired("Alibaba is relocating its lab in Sunnyvale to Toronto.").isEmpty)
        #expect(try Self.fired("Alibaba moved its lab out of Sunnyvale.").isEmpty)
        // A street address before the city; a landmark a few blocks away in the city; a place in a name is none.
        #expect(try Self.fired("Alibaba opened a lab at 400 Fairview Avenue North, Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba opened a lab a few blocks from the old harbor in Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba opened a lab a short drive from the border in Sunnyvale.").isEmpty)
        #expect(try Self.fired("Alibaba opened a lab a few blocks from downtown Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba opened a lab on the University of California lab grounds.").isEmpty)
        // Where a unit works from, and its own seat right after it.
        #expect(try Self.fired("Alibaba set up a lab operating from Sunnyvale.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(try Self.fired("Alibaba set up a lab headquartered in Sunnyvale.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(try Self.fired("Alibaba, headquartered in Sunnyvale, set up a lab.").isEmpty)
        // A street named after a place is not the place.
        #expect(try Self.fired("Alibaba opened a lab near the corner of Sunnyvale and Dundas streets in Toronto.").isEmpty)
        // So does a foreign region an aside right after the name puts it in; a US state there does not.
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale, in the north-east of England, last week.").isEmpty)
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale, in northern California, last week.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        // A suburb of a place is not the place; a likeness of a unit is not the unit.
        #expect(try Self.fired("Alibaba opened a lab in a Sunnyvale suburb.").isEmpty)
        #expect(try Self.fired("Alibaba opened its own version of a Sunnyvale lab in Beijing.").isEmpty)
        // The qualifier the article gives a name elsewhere, as in the dateline, settles it, unless a US one is given.
        #expect(try Self.fired("SUNNYVALE, B.C. - Alibaba opened a lab in Sunnyvale, it said.").isEmpty)
        #expect(try Self.fired("SUNNYVALE, Calif. - Alibaba opened a lab in Sunnyvale. It is not Sunnyvale, B.C.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba opened a lab in the heart of Silicon Valley.") == [
            "firm=Alibaba,place=Silicon Valley,factuality=asserted"
        ])
        // "Oakland County, Michigan": a county named after a city is not the city.
        #expect(try Self.fired("Alibaba opened an AI lab in Sunnyvale County, California.") == [
            "firm=Alibaba,place=California,factuality=asserted"
        ])
        // A "where" clause right after the place holds the event.
        #expect(try Self.fired("Tencent moved staff to Sunnyvale, where it has opened an AI lab.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Tencent praised Sunnyvale, where rents are high; it opened an AI lab in Singapore.").isEmpty)
        // "-based" before the unit with an acronym between; the object named by a free relative ("what it calls").
        #expect(try Self.fired("Alibaba set up a Sunnyvale-based AI lab.") == ["firm=Alibaba,place=Sunnyvale,factuality=asserted"])
        #expect(try Self.fired("Alibaba set up what it calls a Sunnyvale-based AI lab.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        // A place with its state between commas inside the unit's phrase, the preposition before the firm.
        #expect(try Self.fired("Visitors see in Alibaba's new Sunnyvale, California, AI lab a row of robots.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        // A place's possessive names the place around the one that locates: "in Manhattan's Flatiron District".
        #expect(try Self.fired("Alibaba opened a lab in California's Silicon Valley.") == [
            "firm=Alibaba,place=Silicon Valley,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale's old downtown.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
    }

    @Test("factuality: asserted and announced fire; denied, blocked, speculative, hypothetical and history do not")
    func factuality() throws {
        #expect(try Self.fired("Alibaba will open a lab in Sunnyvale.") == ["firm=Alibaba,place=Sunnyvale,factuality=announced"])
        #expect(try Self.fired("Alibaba said it would open a lab in Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=announced"
        ])
        // The reporting verb before the "that" of the clause "would" is in.
        #expect(try Self.fired("Alibaba said on Monday that the group would open a lab in Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=announced"
        ])
        #expect(try Self.fired("Rivals fear that Alibaba would open a lab in Sunnyvale if it could.").isEmpty)
        #expect(try Self.fired("Alibaba has not only opened a lab in Sunnyvale but hired fifty people.").count == 1)
        // The road not taken is a phrase: its comma ends it.
        #expect(try Self.fired("Rather than rent space, Alibaba opened its own lab in Sunnyvale.").count == 1)
        for sentence in [
            "Alibaba said it would rely on partners rather than open a lab in Sunnyvale.",
            "In Sunnyvale, Alibaba says, it is easy to open a lab.",
            "Alibaba hired a consultant instead of opening a lab in Sunnyvale.",
            "Alibaba denied a report that it had opened a lab in Sunnyvale.",
            "Alibaba has no plans to open a lab in Sunnyvale.",
            "Neither Alibaba nor Apple has opened a lab in Sunnyvale.",
            "Alibaba considered opening a lab in Sunnyvale but decided against it.",
            "Plans by Alibaba to open a lab in Sunnyvale were blocked by regulators.",
            "Alibaba's plan to open a lab in Sunnyvale has been stopped by a new state law.",
            "Alibaba is supposedly opening a lab in Sunnyvale.",
            "Alibaba is in talks to open a lab in Sunnyvale.",
            "Alibaba may open a lab in Sunnyvale.",
            "Analysts say Alibaba should open a lab in Sunnyvale.",
            "If Alibaba opened a lab in Sunnyvale, it would hire locally.",
            "Alibaba opened a lab in Sunnyvale in 2015 and closed it in 2019.",
            "Alibaba was barred from opening a lab in Sunnyvale.",
            "Analysts doubt that Alibaba will open a lab in Sunnyvale.",
            "Alibaba has not yet opened a lab in Sunnyvale.",
            "Alibaba, which has a lab in Sunnyvale, has not opened a lab in Sunnyvale.",
            "Alibaba walked back plans to open a lab in Sunnyvale.",
        ] {
            #expect(try Self.fired(sentence).isEmpty, "\(sentence)")
        }
        // A cue in a relative clause on another noun speaks of that noun; on the unit or its place, of the event.
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale and hired people from start-ups that later closed.").count == 1)
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale that later closed.").isEmpty)
        // A cue in a relative clause ends with it.
        #expect(try Self.fired("Alibaba, whose founder has never visited America, has opened a lab in Sunnyvale.").count == 1)
        // Dated two or more years before the article: history.
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale in 2019.", published: "2026-03-01T00:00:00Z").isEmpty)
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale in 2019.").count == 1, "no date, no history")
        #expect(try Self.fired("In May 2026, Alibaba opened a lab in Sunnyvale.", published: "2026-06-01T00:00:00Z").count == 1)
    }

    @Test("'factuality' chooses the readings that fire; 'any' fires on all and the field says which")
    func chosenFactuality() throws {
        let rumours = Self.rules.replacingOccurrences(of: "    emit firm", with: "    factuality speculative\n    emit firm")
        #expect(try Self.fired("Alibaba is considering opening a lab in Sunnyvale.", rules: rumours) == [
            "firm=Alibaba,place=Sunnyvale,factuality=speculative"
        ])
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale.", rules: rumours).isEmpty)
        let all = Self.rules.replacingOccurrences(of: "    emit firm", with: "    factuality any\n    emit firm")
        #expect(try Self.fired("Alibaba denied it opened a lab in Sunnyvale.", rules: all) == [
            "firm=Alibaba,place=Sunnyvale,factuality=negated"
        ])
    }

    @Test("opposites and word senses: a retreat in the verb's clause vetoes; 'cutting-edge' and 'close to' do not")
    func opposites() throws {
        #expect(try Self.fired("Alibaba will close one office and open a lab in Sunnyvale.").isEmpty)
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale, while Apple scrapped its plans.").count == 1)
        // "even as" opens a clause of its own, as "while" does.
        #expect(try Self.fired("Alibaba will open a lab in Sunnyvale, even as the group closes an office at home.").count == 1)
        #expect(try Self.fired("Alibaba will open a lab in Sunnyvale as the group closes an office at home.").isEmpty)
    }

    @Test("a sentence that shares an event out pairs each firm with its place: 'Alibaba in Sunnyvale and Tencent in …'")
    func distributedPlaces() throws {
        #expect(try Self.fired("Alibaba and Tencent have each set up labs this year: Alibaba in Sunnyvale and Tencent in Silicon Valley.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted", "firm=Tencent,place=Silicon Valley,factuality=asserted",
        ])
        #expect(try Self.fired("Alibaba and Apple have each set up labs — Apple in Sunnyvale.") == [
            "firm=Apple,place=Sunnyvale,factuality=asserted"
        ])
    }

    @Test("references: 'the company', 'it', short names and firms introduced by context")
    func references() throws {
        #expect(try Self.fired("Tencent reported results. The company said it has opened a lab in Sunnyvale.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Zhixing Robotics, a Shenzhen start-up, builds robots. Zhixing has set up a lab in Sunnyvale.") == [
            "firm=Zhixing Robotics,place=Sunnyvale,factuality=asserted"
        ])
        // "We" opening a quote is the firm of the speaker it is attributed to, not anyone else named after it.
        #expect(try Self.fired(#""We are opening a lab in Sunnyvale," said Li Wei, Tencent's chief scientist."#)
            == ["firm=Tencent,place=Sunnyvale,factuality=asserted"])
        #expect(try Self.fired(#""We are opening a lab in Sunnyvale," said Li Wei, a spokeswoman for Tencent."#).count == 1)
        #expect(try Self.fired(#""We are opening a lab in Sunnyvale," said Li Wei, who left Tencent last year."#).isEmpty)
        // The speaker's name and post before "said", and "our" opening the quote.
        #expect(try Self.fired(#""We are opening a lab in Sunnyvale," Li Wei, Tencent's chief scientist, said."#).count == 1)
        #expect(try Self.fired(#""Our new lab in Sunnyvale is open," said Li Wei, chief scientist at Tencent."#).count == 1)
        #expect(try Self.fired(#""We are opening a lab in Sunnyvale," Li Wei, who left Tencent last year, said."#).isEmpty)
        // More ways news introduces a firm by its origin.
        for sentence in [
            "Zhixing Robotics, which is based in Shenzhen, has opened a lab in Sunnyvale.",
            "Shenzhen's Zhixing Robotics has opened a lab in Sunnyvale.",
            "Zhixing Robotics, one of Shenzhen's fastest-growing robot makers, has opened a lab in Sunnyvale.",
            "Zhixing Robotics, the Shenzhen robot maker, has opened a lab in Sunnyvale.",
            "Zhixing Robotics, a leading Shenzhen developer of robots, has opened a lab in Sunnyvale.",
            "Zhixing Robotics (Shenzhen) has opened a lab in Sunnyvale.",
            "Zhixing Robotics has opened a lab in Sunnyvale. Zhixing is headquartered in Shenzhen.",
        ] {
            #expect(try Self.fired(sentence) == ["firm=Zhixing Robotics,place=Sunnyvale,factuality=asserted"], "\(sentence)")
        }
        #expect(try Self.fired("Shenzhen's Nanshan district drew Apple. It has opened a lab in Sunnyvale.").isEmpty)
        // "NAME is a Shenzhen company" introduces it too, reported by the fullest form the article writes.
        #expect(try Self.fired("I visited Zhixing Robotics today. Zhixing is a Shenzhen company. The firm has opened a lab in Sunnyvale.") == [
            "firm=Zhixing Robotics,place=Sunnyvale,factuality=asserted"
        ])
        // A description whose origin has two words ("The Hong Kong firm") is no firm from elsewhere.
        let hongKong = Self.lists + "\nlist HK_FIRM kind=entity refer=context\nAlpha Harbour    country=HK hq=Hong_Kong\nBeta Harbour    country=HK hq=Hong_Kong\n"
        let hongKongRules = Self.rules.replacingOccurrences(of: "let firm  = @FIRM | @ORIGIN_FIRM", with: "let firm  = @FIRM | @ORIGIN_FIRM | @HK_FIRM")
        #expect(try Self.fired("Alpha Harbour makes software. The Hong Kong firm has opened a lab in Sunnyvale.", rules: hongKongRules, lists: hongKong) == [
            "firm=Alpha Harbour,place=Sunnyvale,factuality=asserted"
        ])
        // A firm of no list, introduced with its registered suffix or after a long dateline, is the subject that
        // "the company" and "the new …" stand for, not a firm named after it in passing.
        #expect(try Self.fired("Velcora, Inc., a developer of chips, raised money from Tencent. The company opened a lab in Sunnyvale.").isEmpty)
        #expect(try Self.fired("Velcora raised money from Tencent. The company opened a lab in Sunnyvale.").count == 1)
        // So is a firm founded somewhere that is no origin of the lists' firms.
        #expect(try Self.fired("Tencent makes games. Kairo Dynamics, founded in Osaka in 2019, said that it will open a lab in Sunnyvale.").isEmpty)
        #expect(try Self.fired("SUNNYVALE, Calif., March 3, 2026 /Wire/ -- Velcora, a developer of chips, said it raised money led by Tencent. The new lab in Sunnyvale will hire.").isEmpty)
        #expect(try Self.fired("SUNNYVALE, Calif. -- Tencent led a round. The new lab in Sunnyvale will hire.").count == 1)
        // A description with an origin before the body names any firm is the headline's firm from there; "it" is not.
        #expect(try Self.fired("The Shenzhen-based game maker said it would open a lab in Sunnyvale.", title: "Tencent in America") == [
            "firm=Tencent,place=Sunnyvale,factuality=announced"
        ])
        #expect(try Self.fired("The Hangzhou-based game maker said it would open a lab in Sunnyvale.", title: "Tencent in America").isEmpty)
        // A sentence's opening adverb is no name the description introduces: the description is the firm before it.
        #expect(try Self.fired("Tencent reported results. Separately, the Shenzhen-based game maker said it would open a lab in Sunnyvale.") == [
            "firm=Tencent,place=Sunnyvale,factuality=announced"
        ])
        #expect(try Self.fired("It said it would open a lab in Sunnyvale.", title: "Tencent in America").isEmpty)
        // A filing's defined term, or "The new …", before the body names any firm is the filer the headline names.
        #expect(try Self.fired("In June the Group opened a lab in Sunnyvale.", title: "Tencent - Interim Results") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("In June the group opened a lab in Sunnyvale.", title: "Tencent - Interim Results").isEmpty)
        // A text that speaks as a firm ("We …" opening its sentences, outside quotes) makes "our" that firm's.
        #expect(try Self.fired("We sell games. In March our new lab in Sunnyvale opened.", title: "Tencent - Annual Report") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Rents rose. In March our new lab in Sunnyvale opened.", title: "Tencent - Annual Report").isEmpty)
        // A filing's "the US Subsidiary" is the filer's unit and acts for it.
        #expect(try Self.fired("Sales rose. The US Subsidiary opened a lab in Sunnyvale in March.", title: "Tencent - Interim Results") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        // Opening its sentence, "The Company" is the filer too.
        #expect(try Self.fired("Sales rose. The Company opened a lab in Sunnyvale.", title: "Tencent - Interim Results") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Velcora, a Seattle start-up, reported results. In June the Group opened a lab in Sunnyvale.", title: "Tencent - Interim Results").isEmpty)
        // The words that stand for the agent are not also its object: "The Group" of a filing is no unit "group".
        let groups = Self.rules.replacingOccurrences(of: "let team  = @TEAM", with: "let team  = @TEAM | @GROUPS")
            .replacingOccurrences(of: "let firm  = @FIRM | @ORIGIN_FIRM", with: "let firm  = @FIRM | @ORIGIN_FIRM | @GROUPS")
        #expect(try Self.fired("The Group opened in Sunnyvale.", rules: groups, lists: Self.lists + "\nlist GROUPS kind=entity\nGroup    country=CN\n").isEmpty)
        #expect(try Self.fired("The Group opened a Group in Sunnyvale.", rules: groups, lists: Self.lists + "\nlist GROUPS kind=entity\nGroup    country=CN\n").count == 1)
        // In an interview's answers, "we" and "our" are the firm the introduction gives the interviewee a post at.
        let interview = "Tencent sells games. We spoke to its head of research, Li Wei.\n\nQ: Why here?\n\nA: The people.\n\n"
        #expect(try Self.fired(interview + "Q: And now?\n\nA: Hiring is going well, and we have opened a lab in Sunnyvale.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired(interview + "Q: And now?\n\nA: Our new Sunnyvale lab opens in May.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        // "They" opening a sentence refers back as "It" does: "they've opened a small research outpost".
        #expect(try Self.fired("Tencent makes games. They've opened a lab in Sunnyvale.") == ["firm=Tencent,place=Sunnyvale,factuality=asserted"])
        // "We're", "we’ve" are "we"; "to lead its new team" is a post too.
        #expect(try Self.fired(interview + "Q: And now?\n\nA: We're opening a lab in Sunnyvale.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        let lead = "Tencent sells games. We spoke to Li Wei, who joined in May to lead its new research team.\n\nQ: Why here?\n\nA: The people.\n\n"
        #expect(try Self.fired(lead + "Q: And now?\n\nA: We’ve opened a lab in Sunnyvale.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        // A question's "you" is the interviewee's firm too; what a question asks is not reported.
        #expect(try Self.fired(interview + "Q: The news is that you have opened a lab in Sunnyvale.\n\nA: Yes, in May.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired(interview + "Q: Are you opening a lab in Sunnyvale?\n\nA: We will see.").isEmpty)
        #expect(try Self.fired(interview + "Q: You've opened a lab in Sunnyvale.\n\nA: Yes, in May.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Will Alibaba open a lab in Sunnyvale?").isEmpty)
        // Not in a question, and not when the introduction ties the interviewee to no firm.
        #expect(try Self.fired(interview + "Q: We hear you have opened a lab in Sunnyvale?\n\nA: No comment.").isEmpty)
        let professor = "Tencent sells games. We spoke to Li Wei, a professor who studies it.\n\nQ: Why here?\n\nA: The people.\n\n"
        #expect(try Self.fired(professor + "Q: And now?\n\nA: We have opened a lab in Sunnyvale.").isEmpty)
        // A headline line and the paragraph under it are never one name.
        #expect(try Self.fired("A Shenzhen newcomer in Midtown\n\nZhixing Robotics, a Shenzhen start-up, has set up a lab in Sunnyvale.")
            == ["firm=Zhixing Robotics,place=Sunnyvale,factuality=asserted"])
        // "called" between the noun and the name; a dateline's dash before an article opens no aside.
        #expect(try Self.fired("A Shenzhen start-up called Feiyu Aero said it opened a lab in Sunnyvale.").first?.hasPrefix("firm=Feiyu Aero") == true)
        #expect(try Self.fired("SUNNYVALE, April 30 (Wire) - A Shenzhen start-up called Feiyu Aero, which makes drones, said it opened a lab in Sunnyvale.")
            .first?.hasPrefix("firm=Feiyu Aero") == true)
        #expect(try Self.fired("A Shenzhen start-up, called by some Feiyu Aero, said it opened a lab in Sunnyvale.").first?.hasPrefix("firm=Feiyu Aero") != true)
        #expect(try Self.fired("Shenzhen-based drone maker Feiyu Aero said on Monday it opened a lab in Sunnyvale.") == [
            "firm=Feiyu Aero,place=Sunnyvale,factuality=asserted"
        ])
        // A lede's indefinite description stands for the first firm from its origin named in the next sentences.
        #expect(try Self.fired("A Shenzhen company that makes drones will open a lab in Sunnyvale. A DJI spokesman confirmed it.") == [
            "firm=DJI,place=Sunnyvale,factuality=announced"
        ])
        #expect(try Self.fired("A Hangzhou company that makes drones will open a lab in Sunnyvale. A DJI spokesman declined to comment.").isEmpty)
        // After a dateline as well.
        #expect(try Self.fired("SUNNYVALE, Calif. - A Shenzhen company that makes drones will open a lab in Sunnyvale. A DJI spokesman confirmed it.") == [
            "firm=DJI,place=Sunnyvale,factuality=announced"
        ])
        #expect(try Self.fired("A Shenzhen company will open a lab in Sunnyvale. Rents rose. Prices fell. Buyers left. Sellers too. DJI fell.").isEmpty)
        // A description from elsewhere as the subject: "it" after it is that firm, not the Chinese one before.
        #expect(try Self.fired("Tencent supplies its models. The Austin firm said it has opened a lab in Sunnyvale.").isEmpty)
        #expect(try Self.fired("Tencent supplies its models. The company said it has opened a lab in Sunnyvale.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        // A release's defined terms between the name and its description.
        #expect(try Self.fired(#"Zhixing Robotics ("Zhixing" or "the Company"), a Shenzhen-based developer, has opened a lab in Sunnyvale."#) == [
            "firm=Zhixing Robotics,place=Sunnyvale,factuality=asserted"
        ])
        // The name must follow the organisation noun at once: here the Shenzhen company is Tencent, not Velora.
        #expect(try Self.fired("Tencent grew. The Shenzhen-based company's rise has worried Velora. Velora has opened a lab in Sunnyvale.").isEmpty)
        // The origin after the organisation noun, and a relative clause set off inside the appositive.
        #expect(try Self.fired("Zhixing Robotics, a start-up from Shenzhen, has set up a lab in Sunnyvale.") == [
            "firm=Zhixing Robotics,place=Sunnyvale,factuality=asserted"
        ])
        #expect(
            try Self.fired(
                "Zhixing Robotics, a robot maker based in Shenzhen, that sells arms to warehouses, will open a lab in Sunnyvale."
            ) == ["firm=Zhixing Robotics,place=Sunnyvale,factuality=announced"])
        // Not when the origin is only where it has offices, nor when the relative clause has the verb.
        #expect(try Self.fired("Zhixing Robotics, a company with offices in Shenzhen, has set up a lab in Sunnyvale.").isEmpty)
        #expect(try Self.fired("Tencent, the Shenzhen group, that says Zhixing will open a lab in Sunnyvale, fell.").isEmpty)
        // "Its" opening a sentence is the firm's.
        #expect(try Self.fired("Tencent reported results. Its new lab in Sunnyvale will employ 30 engineers.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        // So is "The new …" opening one: the firm's new unit.
        #expect(try Self.fired("Tencent reported results. The new lab in Sunnyvale will employ 30 engineers.") == [
            "firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Rents rose. The new lab in Sunnyvale will employ 30 engineers.").isEmpty)
        // "told reporters it": what was told has its own subject.
        #expect(try Self.fired("Tencent's chief, Ma Lin, told reporters it would open a lab in Sunnyvale.") == [
            "firm=Tencent,place=Sunnyvale,factuality=announced"
        ])
        // A listed firm's unit, introduced by its parent, is a firm of the article with the parent's country.
        #expect(try Self.fired("Zhixing Robotics (a unit of Tencent) has opened a lab in Sunnyvale.") == [
            "firm=Zhixing Robotics,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Zhixing Robotics, a wholly owned subsidiary of Tencent, has opened a lab in Sunnyvale.") == [
            "firm=Zhixing Robotics,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Zhixing Robotics, a spin-off of the Shenzhen gaming company Tencent, said it has opened a lab in Sunnyvale.") == [
            "firm=Zhixing Robotics,place=Sunnyvale,factuality=asserted"
        ])
        // "Shenzhen-based PC and server maker": capitals that lead on to a trade are no name.
        #expect(try Self.fired("The lab, which the Shenzhen-based PC and server maker set up in Sunnyvale, is hiring.").isEmpty)
        #expect(
            try Self.fired("Velcora, a Sunnyvale start-up, signed a deal with Tencent. The company has opened a lab in Sunnyvale.")
                .isEmpty, "'the company' is Velcora, no firm of a list")
        let introduced = try TestRules.ruleSet(Self.rules, lists: Self.lists).match(
            title: nil, body: "Zhixing Robotics, a Shenzhen AI start-up, has opened a lab in Sunnyvale.")
        #expect(introduced.matches.first?.field("firm") == "Zhixing Robotics")
    }

    @Test("a report denied in the next sentences is no event; a firm's own account is not undone by 'no plans for others'")
    func reportDeniedLater() throws {
        #expect(try Self.fired("Media reports said Alibaba has opened a lab in Sunnyvale. Alibaba denied the reports.").isEmpty)
        #expect(try Self.fired("Reports stated that Alibaba had opened a lab in Sunnyvale. Rents rose. Neither Alibaba nor its units have opened any lab.").isEmpty)
        #expect(try Self.fired("Alibaba has opened a lab in Sunnyvale. It has no plans to open others.").count == 1)
        #expect(try Self.fired("Media reports said Alibaba has opened a lab in Sunnyvale. Tencent denied opening one.").count == 1)
        #expect(try Self.fired("Media reports said Alibaba has opened a lab in Sunnyvale. Rents rose. Prices rose. Alibaba denied it.").count == 1,
            "three sentences on")
        // A plan a filing states as past, dropped later at the same place.
        #expect(try Self.fired("Alibaba planned to open a lab in Sunnyvale. In March the board decided not to open the Sunnyvale lab.").isEmpty)
        #expect(try Self.fired("Alibaba planned to open a lab in Sunnyvale. It did not open one in California.").count == 1)
        #expect(try Self.fired("Alibaba will open a lab in Sunnyvale. The board decided not to open the Sunnyvale lab.").count == 1,
            "only a plan stated as past is undone by a later sentence that names its place alone")
    }

    @Test("'the Shenzhen-based maker' is the firm named before with that head office, or none when no such firm was named")
    func describedByHeadOffice() throws {
        let lists = Self.lists + """

            list OTHER_FIRM kind=entity refer=context
            Baidu       country=CN sector=internet hq=Beijing
            Zhipu AI    country=CN sector=ai hq=Beijing
            """
        let rules = Self.rules.replacingOccurrences(of: "@FIRM | @ORIGIN_FIRM", with: "@ORIGIN_FIRM | @OTHER_FIRM")
        func fired(_ text: String) throws -> [String] { try TestRules.ruleSet(rules, lists: lists).fired(text) }
        #expect(try fired("Tencent and Baidu reported results. The Shenzhen-based gaming giant has opened a lab in Sunnyvale.") == [
            "opens:firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try fired("Baidu reported results. The Shenzhen-based gaming giant has opened a lab in Sunnyvale.").isEmpty)
        #expect(try fired("Baidu reported results. The Beijing-based search giant has opened a lab in Sunnyvale.") == [
            "opens:firm=Baidu,place=Sunnyvale,factuality=asserted"
        ])
    }

    @Test("a listed firm described as an AI company in an appositive, past its registered name and listing")
    func describedAsAI() throws {
        let rules = Self.rules.replacingOccurrences(of: "let place = @PLACE", with: "let place = @PLACE\n    require firm[sector=ai] and verb and team")
        func fired(_ text: String) throws -> [String] { try TestRules.ruleSet(rules, lists: Self.lists).fired(text) }
        #expect(try fired("Tencent Holdings Limited (HKEX: 0700), a company building artificial intelligence tools, has opened a lab in Sunnyvale.") == [
            "opens:firm=Tencent,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try fired("Tencent Holdings Limited (HKEX: 0700), a games company, has opened a lab in Sunnyvale.").isEmpty)
    }

    @Test("origins=: a place list introduces firms from there; 'Founded in X, NAME'; city-first registered names")
    func originList() throws {
        let lists = Self.lists.replacingOccurrences(
            of: "list ORIGIN_FIRM kind=entity refer=context", with: "list ORIGIN_FIRM kind=entity refer=context origins=ORIGIN_PLACE")
            + "\nlist ORIGIN_PLACE\nChengdu    country=CN\nKyoto    country=JP\n"
        func fired(_ text: String) throws -> [String] {
            try TestRules.ruleSet(Self.rules, lists: lists).fired(text)
        }
        #expect(try fired("Xinghe Data, a Chengdu start-up, has opened a lab in Sunnyvale.") == [
            "opens:firm=Xinghe Data,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try fired("Founded in Chengdu in 2020, Xinghe Data sells software. The firm opened a lab in Sunnyvale.") == [
            "opens:firm=Xinghe Data,place=Sunnyvale,factuality=asserted"
        ])
        // After a dateline's dash as well.
        #expect(try fired("SUNNYVALE, Calif. -- Founded in Chengdu in 2020, Xinghe Data sells software. The firm opened a lab here.").count == 1)
        #expect(try fired("SUNNYVALE, Calif. -- Rents rose in Chengdu in 2020, Xinghe Data says. The firm opened a lab here.").isEmpty)
        #expect(try fired("Chengdu Xinghe Data Technology has opened a lab in Sunnyvale.") == [
            "opens:firm=Chengdu Xinghe Data Technology,place=Sunnyvale,factuality=asserted"
        ])
        // A press release's dated dateline that opens on a city of origin says where its lede's firm comes from; a wire
        // dateline does not, nor does one whose lede gives the firm another origin.
        #expect(try fired("CHENGDU, China, March 3, 2026 -- Xinghe Data (\"Xinghe\"), a developer of AI, today opened a lab in Sunnyvale.")
            == ["opens:firm=Xinghe Data,place=Sunnyvale,factuality=asserted"])
        #expect(try fired("CHENGDU, China, March 3, 2026 -- Velcora Inc., a Kyoto company, today opened a lab in Sunnyvale.").isEmpty)
        #expect(try fired("CHENGDU (Wire) - Velcora today opened a lab in Sunnyvale.").isEmpty)
        // A lede's indefinite description, named by the next sentence's subject: a firm name or a listed firm, not a person.
        #expect(try fired("SUNNYVALE, Calif., April 8 (Wire) - A Chengdu chip designer has opened a lab in Sunnyvale. Xinghe Microelectronics, founded in 2019, said it had 25 engineers.")
            == ["opens:firm=Xinghe Microelectronics,place=Sunnyvale,factuality=asserted"])
        #expect(try fired("A Chengdu drone maker has opened a lab in Sunnyvale. Xinghe Robotics said it had 25 engineers.") == [
            "opens:firm=Xinghe Robotics,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try fired("A Chengdu drone maker has opened a lab in Sunnyvale. Li Wei, its founder, said it had 25 engineers.").isEmpty)
        // The origin's country becomes the firm's: a filter on it keeps the Japanese firm out.
        let chinese = Self.rules.replacingOccurrences(of: "@FIRM | @ORIGIN_FIRM near", with: "@ORIGIN_FIRM[country=CN] near")
            .replacingOccurrences(of: "let firm  = @FIRM | @ORIGIN_FIRM", with: "let firm  = @ORIGIN_FIRM[country=CN]")
        let set = try TestRules.ruleSet(chinese, lists: lists)
        #expect(set.fired("Omron Sensing, a Kyoto start-up, has opened a lab in Sunnyvale.").isEmpty, "a Japanese firm")
        #expect(set.fired("Xinghe Data, a Chengdu start-up, has opened a lab in Sunnyvale.").count == 1)
    }

    @Test("an aside that says a listed firm works on AI makes it an AI company for the article; passives; 'N miles north of'")
    func asidesAndPassives() throws {
        let rules = Self.rules.replacingOccurrences(of: "    event verb", with: "    require firm and verb and team and place and firm[sector=ai]\n    event verb")
        let set = try TestRules.ruleSet(rules, lists: Self.lists)
        #expect(set.fired("Tencent, a games company that builds generative models, opened a lab in Sunnyvale.").count == 1)
        #expect(set.fired("Tencent, a games company, opened a lab in Sunnyvale.").isEmpty)
        // A definite appositive says it as well, however long: "XtalPi, the Shenzhen-based drug discovery company that
        // pairs automated laboratories with physics-based and machine-learning models, said…".
        #expect(set.fired("Tencent, the Shenzhen games company whose studios pair hand-drawn art with physics-based and generative models, opened a lab in Sunnyvale.").count == 1)
        #expect(set.fired("Tencent, the Shenzhen games company, opened a lab in Sunnyvale.").isEmpty)
        #expect(
            try Self.fired("A lab focused on predicting how experimental drugs behave in people has been set up in Sunnyvale by Alibaba.") == [
                "firm=Alibaba,place=Sunnyvale,factuality=asserted"
            ])
        #expect(try Self.fired("Alibaba opened a lab in a suburb ten miles north of Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
    }

    @Test("a dateline locates 'here'; openings stated with nouns count")
    func placesAndNouns() throws {
        #expect(try Self.fired("SUNNYVALE, Calif. - Alibaba opened a lab here on Tuesday.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba's new lab in Sunnyvale will employ 60 people.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("The new rules mean Alibaba's lab in Sunnyvale must report.").isEmpty)
    }

    @Test("--explain says which role failed and why")
    func explanation() throws {
        let report = try TestRules.ruleSet(Self.rules, lists: Self.lists).match(
            title: nil, body: "Velcora buys cloud services from Alibaba and opened a lab in Sunnyvale.", explain: true)
        #expect(report.explanation.contains { $0.contains("no event: 'Alibaba' is not the agent of 'opened': the object of 'from'") })
        let denied = try TestRules.ruleSet(Self.rules, lists: Self.lists).match(
            title: nil, body: "Alibaba denied it opened a lab in Sunnyvale.", explain: true)
        #expect(denied.explanation.contains { $0.contains("'opened' is negated (cue 'denied' before the verb, reaching forward to it)") })
        let fired = try TestRules.ruleSet(Self.rules, lists: Self.lists).match(
            title: nil, body: "Alibaba said it would open a lab in Sunnyvale.", explain: true)
        #expect(fired.explanation.contains {
            $0.contains("event: agent 'Alibaba' of 'open'; object 'lab'; located by 'Sunnyvale'; announced (cue 'would' before the verb")
        })
    }

    @Test("'describing': an AI word in a next sentence that refers back to the unit, and only there")
    func describing() throws {
        let rules = """
            rule ai-unit
                title "An AI unit"
                let firm  = @FIRM
                let verb  = @VERB near firm within 30
                let team  = @TEAM near verb within 12
                let later = @AI describing team
                require firm and verb and team and later
                event verb agent firm object team
                emit firm=firm
            """
        #expect(try Self.fired("Alibaba opened a lab. The lab works on artificial intelligence.", rules: rules).count == 1)
        #expect(try Self.fired("Alibaba opened a lab. Rain fell. Its lab hires AI people.", rules: rules).count == 1)
        #expect(try Self.fired("Alibaba opened a lab. Rivals talk about AI all day.", rules: rules).isEmpty)
        // The reference back need not open the sentence, nor be a word of the unit's list.
        #expect(try Self.fired("Alibaba opened a lab. Staffed by 40 people, the lab does AI.", rules: rules).count == 1)
        #expect(try Self.fired("Alibaba opened a research team. The site will train AI models.", rules: rules).count == 1)
        #expect(try Self.fired("Alibaba opened a lab in Ohio. Forty engineers work there on AI.", rules: rules).count == 1)
        #expect(try Self.fired("Alibaba opened a lab. There are many AI firms.", rules: rules).isEmpty, "existential 'there'")
        #expect(try Self.fired("Alibaba opened a lab. A rival site trains AI models.", rules: rules).isEmpty, "not definite")
        #expect(try Self.fired("Alibaba opened a lab. One. Two. Three. The lab does AI.", rules: rules).isEmpty, "three sentences")
        let near = rules.replacingOccurrences(of: "describing team", with: "describing team within 5")
        #expect(try Self.fired("Alibaba opened a lab. One. Two. Three. The lab does AI.", rules: near).count == 1)
    }

    @Test("'or describing': the place a next sentence gives the unit, when its own sentence names none or a wider one")
    func laterPlace() throws {
        let rules = Self.rules.replacingOccurrences(of: "let place = @PLACE", with: "let place = @PLACE or describing team")
            + "\n    prefer place.level city > region > state > country\n"
        #expect(try Self.fired("Alibaba opened a lab. The lab sits in Sunnyvale.", rules: rules) == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba opened a lab in California. The lab, in Sunnyvale, hires engineers.", rules: rules) == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        // The firm's own possessive refers back too; another firm's does not.
        #expect(try Self.fired("Alibaba opened a lab. Alibaba's lab is in Sunnyvale.", rules: rules).count == 1)
        #expect(try Self.fired("Alibaba opened a lab. Apple's lab is in Sunnyvale.", rules: rules).isEmpty)
        // A place naming the unit referred back to: "The Sunnyvale lab …", "its Sunnyvale team".
        #expect(try Self.fired("Alibaba opened a lab. The Sunnyvale lab builds models.", rules: rules) == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba opened a lab in Toronto. The Sunnyvale lab builds models.", rules: rules).isEmpty)
        #expect(try Self.fired("Alibaba opened a lab. A Sunnyvale lab builds models.", rules: rules).isEmpty)
        // Also with its noun left out: "Alibaba's, in Sunnyvale, …".
        #expect(try Self.fired("Apple and Alibaba opened labs. Apple's is in Toronto; Alibaba's, in Sunnyvale, is larger.", rules: rules) == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        // A place the unit's sentence gives that does not hold the later one stands: a foreign one, a narrower one.
        #expect(try Self.fired("Alibaba opened a lab in Vancouver. The lab works for companies in the US.", rules: rules).isEmpty)
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale. The lab works with partners in California.", rules: rules) == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
        // "in downtown Toronto" is the unit's own place as much as "in Toronto".
        #expect(try Self.fired("Alibaba opened a lab in downtown Toronto. The lab, in Sunnyvale, hires engineers.", rules: rules).isEmpty)
        // Not a fact in its sentence, or not where the unit is.
        #expect(try Self.fired("Alibaba opened a lab. The lab would most likely be in Sunnyvale or California.", rules: rules).isEmpty)
        #expect(try Self.fired("Alibaba opened a lab. The lab serves customers in Sunnyvale.", rules: rules).isEmpty)
        #expect(try Self.fired("Alibaba opened a lab. Rivals are in Sunnyvale.", rules: rules).isEmpty)
        // A place opening the unit's sentence is its own: "In Vancouver, Alibaba opened a lab".
        #expect(try Self.fired("In Vancouver, Alibaba opened a lab. The lab works with partners in Sunnyvale.", rules: rules).isEmpty)
        // Without 'or describing' the place must be in the sentence.
        #expect(try Self.fired("Alibaba opened a lab. The lab sits in Sunnyvale.").isEmpty)
    }

    @Test("a time frame opening the sentence dates it: 'Eight years ago,' and 'In 2017,' unless the story moves on")
    func openingFrame() throws {
        let published = "2026-03-16T05:45:00Z"
        #expect(try Self.fired("Eight years ago, its top floor was home to one of the region's big experiments: a lab opened by Alibaba in Sunnyvale.", published: published).isEmpty)
        #expect(try Self.fired("In 2017, the floor held many teams and a lab opened by Alibaba in Sunnyvale.", published: published).isEmpty)
        #expect(try Self.fired("Eight years ago, Alibaba had no staff at all, but it has now opened a lab in Sunnyvale.", published: published).count == 1)
        #expect(try Self.fired("In 2025, the floor held many teams and a lab opened by Alibaba in Sunnyvale.", published: published).count == 1)
        #expect(try Self.fired("Alibaba is likely to open a lab in Sunnyvale.").isEmpty, "'likely' is speculative")
        // "in 2017, when …": the "when" clause is that year's.
        #expect(try Self.fired("Apple closed its office in 2017, when Alibaba set up a team in Sunnyvale.", published: published).isEmpty)
        #expect(try Self.fired("Apple closed its office in 2025, when Alibaba set up a team in Sunnyvale.", published: published).count == 1)
    }

    @Test("a name the article qualifies once is that place where it stands bare, unless it is also put abroad")
    func qualifiedNames() throws {
        let lists = Self.lists + "\nlist TOWN kind=entity\nTroy, Michigan | Troy, Mich.    level=city state=MI\n"
        let rules = Self.rules.replacingOccurrences(of: "let place = @PLACE", with: "let place = @PLACE | @TOWN")
        #expect(try Self.fired("Alibaba opened a lab in Troy. The site, in Troy, Mich., will hire.", rules: rules, lists: lists) == [
            "firm=Alibaba,place=Troy, Michigan,factuality=asserted"
        ])
        #expect(try Self.fired("Alibaba opened a lab in Troy.", rules: rules, lists: lists).isEmpty)
        #expect(try Self.fired("Alibaba opened a lab in Troy. It is Troy, England, not Troy, Mich.", rules: rules, lists: lists).isEmpty)
    }

    @Test("a report its firm denied in a sentence before, told again, is no event; a firm's own later opening is")
    func earlierDenial() throws {
        #expect(try Self.fired("Alibaba denied a report that it had opened a lab in Sunnyvale. The report said Alibaba had set up a team in Sunnyvale.").isEmpty)
        // Not a denial of a report, or another firm's.
        #expect(try Self.fired("Alibaba denied it had opened a lab in Sunnyvale. Then Alibaba set up a team in Sunnyvale.").count == 1)
        #expect(try Self.fired("Apple denied a report that it had opened a lab in Sunnyvale. Alibaba set up a team in Sunnyvale.") == [
            "firm=Alibaba,place=Sunnyvale,factuality=asserted"
        ])
    }

    @Test("a report put as a question and answered 'No' is denied; questions do not count as the sentences after it")
    func answeredNo() throws {
        #expect(try Self.fired("Q: Reports said Alibaba is opening a lab in Sunnyvale. Is that true?\n\nA: No, it isn't. We have no office there.").isEmpty)
        #expect(try Self.fired("Q: Reports said Alibaba is opening a lab in Sunnyvale. Is that true?\n\nA: Yes. We open it in May.").count == 1)
        // A firm's own statement is not undone by a "No" to another question.
        #expect(try Self.fired("Alibaba has opened a lab in Sunnyvale. Will it open another? No, not this year.").count == 1)
    }

    @Test("a plan another sentence near it says was blocked is no plan; what was opened stays opened")
    func planBlockedElsewhere() throws {
        #expect(try Self.fired("Regulators blocked Alibaba from opening a lab in Sunnyvale. Alibaba said in March that it would open the lab in Sunnyvale.").isEmpty)
        #expect(try Self.fired("Alibaba said in March that it would open a lab in Sunnyvale. Regulators blocked Alibaba from opening it.") == [])
        #expect(try Self.fired("Alibaba said in March that it would open a lab in Sunnyvale. Regulators cheered.").count == 1)
        #expect(try Self.fired("Alibaba has opened a lab in Sunnyvale. Regulators blocked Alibaba from opening a second lab.").count == 1)
        #expect(try Self.fired("Alibaba will open a lab in Sunnyvale. Regulators blocked Apple from opening a lab.").count == 1)
        // The plan itself, referred to after it: "shelved it", "dropped the plan".
        #expect(try Self.fired("Last year Alibaba said it would open a lab in Sunnyvale. Alibaba has since shelved it.").isEmpty)
        #expect(try Self.fired("Alibaba said it would open a lab in Sunnyvale. Alibaba later dropped the plan.").isEmpty)
        #expect(try Self.fired("Alibaba said it would open a lab in Sunnyvale. Apple shelved its own plan.").count == 1)
        #expect(try Self.fired("Alibaba has opened a lab in Sunnyvale. Alibaba shelved it once before.").count == 1)
        // Or by its city, the firm unnamed ("the Board"), or its opening as a noun: "shelve the establishment of…".
        #expect(try Self.fired("Alibaba said it would open a lab in Sunnyvale. The Board has decided to shelve the Sunnyvale centre.").isEmpty)
        #expect(try Self.fired("Alibaba said it would open a lab in Sunnyvale. Alibaba decided to shelve the establishment of the centre.").isEmpty)
        #expect(try Self.fired("Alibaba said it would open a lab in Sunnyvale. The Board has expanded the Sunnyvale centre.").count == 1)
        #expect(try Self.fired("Alibaba said it would open a lab in Sunnyvale. Apple has decided to shelve its Sunnyvale centre.").count == 1)
        // Up to six sentences later; never by what was blocked years before the article.
        #expect(try Self.fired("Alibaba said it would open a lab in Sunnyvale. Staff were hired. Rents rose. Prices fell. Alibaba said the plan has been shelved.").isEmpty)
        #expect(try Self.fired(
            "Alibaba said it would open a lab in Sunnyvale. Regulators blocked Alibaba from buying a bank in 2018.", published: "2026-03-01T00:00:00Z").count == 1)
    }

    @Test("texts that stop in the middle of a pattern are read without a crash")
    func truncatedTexts() throws {
        let ruleSet = try TestRules.ruleSet(Self.rules, lists: Self.lists)
        let pieces = [
            "Tencent", "the", "The company", "It", "Shenzhen", "Shenzhen-", "Shenzhen-based", "Zhixing Robotics, a",
            "Zhixing Robotics, a Shenzhen start-up", "Sunnyvale-based", "SUNNYVALE, Calif. -", "here", "Alibaba opened",
            "Alibaba opened a lab in", "Alibaba's", "(", "Alibaba (", ", which", "not only", "was barred",
        ]
        for piece in pieces {
            for body in [piece, "Alibaba opened a lab in Sunnyvale. " + piece] {
                _ = ruleSet.match(title: piece, body: body, published: "2026-01-01", explain: true)
            }
        }
        #expect(try Self.fired("Alibaba opened a lab in Sunnyvale. Zhixing Robotics, a").count == 1)
    }

    @Test("random sentences of the words the event checks look at: every one is read without a crash")
    func randomSentences() throws {
        let ruleSet = try TestRules.ruleSet(Self.rules, lists: Self.lists)
        let words = [
            "Alibaba", "Tencent", "Apple", "Zhixing", "Robotics", "the", "The", "company", "firm", "it", "It", "we", "-",
            "based", ",", "a", "an", "Shenzhen", "start-up", "(", ")", "here", "SUNNYVALE", "Calif.", "—", "Sunnyvale",
            "US", "$", "opened", "open", "new", "lab", "team", "in", "near", "from", "by", "which", "that", "said",
            "not", "only", "may", "would", "if", "but", "was", "barred", "2019", "in", "'s", "former", "engineers", ".",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var fired = 0
        for _ in 0..<10_000 {
            let body = (0..<(1 + next(24))).map { _ in words[next(words.count)] }.joined(separator: next(4) == 0 ? "" : " ")
            fired += ruleSet.match(title: nil, body: body, published: "2026-06-01").matches.count
        }
        #expect(fired > 0, "the random sentences must reach the event checks, not only the prefilter")
    }

    @Test("bad event clauses are errors at their place, with a hint")
    func errors() throws {
        let badRole = TestRules.load("rule r\n    title \"t\"\n    let firm = @FIRM\n    let verb = @VERB\n    event verb subject firm\n")
        #expect(badRole.errors.first?.message == "unknown event role 'subject'")
        let badValue = TestRules.load(
            "rule r\n    title \"t\"\n    let firm = @FIRM\n    let verb = @VERB\n    event verb agent firm\n    factuality asserted, anounced\n")
        #expect(badValue.errors.first?.message == "unknown factuality 'anounced'")
        #expect(badValue.errors.first?.hint == "did you mean 'announced'?")
        let noEvent = TestRules.load("rule r\n    title \"t\"\n    let firm = @FIRM\n    factuality asserted\n")
        #expect(noEvent.errors.first?.message == "'factuality' needs an 'event' clause")
        let unknownBinding = TestRules.load("rule r\n    title \"t\"\n    let firm = @FIRM\n    let verb = @VERB\n    event verb agent frim\n")
        #expect(unknownBinding.errors.first?.message == "unknown binding 'frim'")
        let badOrigins = TestRules.load(
            "rule r\n    title \"t\"\n    let firm = @FIRM\n", lists: "list FIRM kind=entity refer=context origins=PLACES\nApple\n")
        #expect(badOrigins.errors.first?.message == "unknown origins list 'PLACES'")
        let badRefer = TestRules.load("rule r\n    title \"t\"\n    let firm = @FIRM\n", lists: "list FIRM kind=entity refer=always\nApple\n")
        #expect(badRefer.errors.first?.message == "unknown refer mode 'always'")
        let badDescribing = TestRules.load(
            "rule r\n    title \"t\"\n    let firm = @FIRM\n    let team = @TEAM\n    reject @AI describing team\n")
        #expect(badDescribing.errors.first?.message == "'describing' is for 'let' bindings, not 'reject'")
        let looseReject = TestRules.load(
            "rule r\n    title \"t\"\n    let firm = @FIRM\n    let team = @TEAM\n    require firm\n    reject @AI near team within 3\n")
        #expect(looseReject.errors.isEmpty)
        #expect(looseReject.diagnostics.contains {
            $0.severity == .warning && $0.message.hasPrefix("this reject is positioned on 'team', which 'require' does not force")
        })
        // Lists that come in through a glob are a library: the ones no rule uses are not reported.
        let library = RuleSetLoader(
            source: InMemoryRuleSource([
                "r/main.rules": "include \"lists/*.list\"\nrule r\n    title \"t\"\n    let firm = @FIRM\n",
                "r/lists/a.list": "list FIRM kind=entity\nApple\nlist SPARE\nspare\n",
            ])
        ).load("r")
        #expect(library.diagnostics.isEmpty, "\(library.diagnostics.map(\.rendered))")
        let direct = RuleSetLoader(
            source: InMemoryRuleSource([
                "r/main.rules": "include \"lists/a.list\"\nrule r\n    title \"t\"\n    let firm = @FIRM\n",
                "r/lists/a.list": "list FIRM kind=entity\nApple\nlist SPARE\nspare\n",
            ])
        ).load("r")
        #expect(direct.diagnostics.map(\.message) == ["list 'SPARE' is not used by any rule or macro"])
        let badWithin = TestRules.load("rule r\n    title \"t\"\n    let firm = @FIRM\n    let verb = @VERB near firm within sentence\n")
        #expect(badWithin.errors.first?.message.contains("a distance in words, or 'clause'") == true)
    }
}
