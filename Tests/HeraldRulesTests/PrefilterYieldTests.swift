import Testing

@testable import HeraldRules

/// When the prefilter stops paying for itself it stands aside, and it looks again at the next window.
@Suite("Prefilter payoff")
struct PrefilterYieldTests {
    /// Runs `count` articles through `payoff`, each turned away when `turnedAway(n)` says so (only when the
    /// prefilter runs); returns how many times it ran.
    static func runs(_ payoff: PrefilterYield, _ count: Int, turnedAway: (Int) -> Bool) -> Int {
        var ran = 0
        for article in 0..<count where payoff.shouldRun() {
            ran += 1
            payoff.record(turnedAway: turnedAway(article))
        }
        return ran
    }

    @Test func standsAsideWhenItTurnsNothingAway() {
        let payoff = PrefilterYield()
        #expect(Self.runs(payoff, PrefilterYield.window) { _ in false } == PrefilterYield.probe)
        // The next window probes again.
        #expect(Self.runs(payoff, PrefilterYield.probe) { _ in false } == PrefilterYield.probe)
    }

    @Test func keepsRunningWhileItTurnsEnoughAway() {
        let payoff = PrefilterYield()
        // One article in five turned away: well past one in ten.
        #expect(Self.runs(payoff, 3 * PrefilterYield.window) { $0 % 5 == 0 } == 3 * PrefilterYield.window)
    }

    @Test func comesBackWhenTheNewsChanges() {
        let payoff = PrefilterYield()
        _ = Self.runs(payoff, PrefilterYield.window) { _ in false }
        // Then a wire where most articles are turned away: from the next window on it runs on every article.
        #expect(Self.runs(payoff, PrefilterYield.window) { _ in true } == PrefilterYield.window)
    }

    @Test func matchingSkipsNoAlertWhenItStandsAside() throws {
        let rules = try TestRules.ruleSet(ArticlePrefilterTests.rules, lists: ArticlePrefilterTests.lists)
        let article = "Alibaba opened a lab in Sunnyvale."
        // Far more articles than one window, none of which the prefilter turns away: it stands aside for most.
        for _ in 0..<(2 * PrefilterYield.window) {
            #expect(rules.match(title: nil, body: article).matches.count == 1)
        }
        #expect(rules.match(title: nil, body: "Rain fell on the fields all week.").matches.isEmpty)
    }
}
