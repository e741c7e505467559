import HeraldArticle
import Foundation
import HeraldCore
import HeraldRules

/// Generates lists, rule sets and a corpus, then times full evaluation — tokenise, scan, prefilter, evaluate, build
/// alert JSON — for each rule-set size on one thread. Writes the corpus and the phrase set for the peers
/// (bench/match.sh) and a TSV of the figures.
struct MatchBenchmark {
    struct Options {
        var listsDirectory = "Rules/lists"
        var outputDirectory = ".build-bench"
        var corpusMB = 50.0
        var sizes = [10, 1000, 10_000, 100_000]
        var realText: String?
        var writeFiles = true
        var checksum = false
    }

    /// One measured pass over a corpus.
    struct Pass {
        var seconds: Double
        var bytes: Int
        var articles: Int
        var candidates: Int
        var alerts: Int
        var alertBytes: Int

        var megabytesPerSecond: Double { Double(bytes) / 1e6 / seconds }
        var articlesPerSecond: Double { Double(articles) / seconds }
    }

    let options: Options
    /// Alerts carry a timestamp; a fixed one keeps the work identical between runs.
    private let matchedAt = Date(timeIntervalSince1970: 1_800_000_000)

    func run() throws {
        let shipped = try ShippedLists(directory: options.listsDirectory)
        var started = ProcessStats.cpuSeconds()
        let lists = SyntheticLists(firmCount: 30_000, placeCount: 15_000, topicCount: 8_000, seed: 1)
        let generated = CorpusGenerator(lists: lists, shipped: shipped).articles(bytes: Int(options.corpusMB * 1e6), seed: 2)
        let articles = generated.map { HeraldArticle.Article(title: $0.title, body: $0.body) }
        let corpusBytes = generated.reduce(0) { $0 + $1.title.utf8.count + $1.body.utf8.count }
        print(
            String(
                format: "lists: %d firms, %d places, %d topics (+ shipped %d entries); corpus: %d articles, %.1f MB (generated in %.1f s)",
                lists.firms.count, lists.places.count, lists.topics.count, shipped.entries.values.reduce(0) { $0 + $1.count },
                articles.count, Double(corpusBytes) / 1e6, ProcessStats.cpuSeconds() - started))
        if options.writeFiles { try writePeerFiles(generated, lists: lists, shipped: shipped) }
        let real = try options.realText.map(readRealText)

        printPhases(articles)
        var rows = ["corpus\trules\tcompile_s\trss_mib\trule_set_mib\tmb_per_s\tarticles_per_s\tcandidates_per_article\talerts"]
        print("")
        print("rules     compile   RSS MiB  (rule set)   MB/s   articles/s  candidates/article   alerts   corpus")
        for size in options.sizes {
            let rulesText = RuleGenerator(lists: lists).rules(count: size, seed: 3)
            var files = ["bench/bench.rules": rulesText, "bench/lists/synthetic.list": lists.listFile]
            for (name, text) in shipped.files { files["bench/lists/\(name)"] = text }
            let before = ProcessStats.residentMiB()
            started = ProcessStats.cpuSeconds()
            let outcome = RuleSetLoader(source: InMemoryRuleSource(files)).load("bench")
            let compile = ProcessStats.cpuSeconds() - started
            guard let ruleSet = outcome.ruleSet else {
                for error in outcome.errors.prefix(5) { print(error) }
                throw BenchmarkError(message: "the generated \(size)-rule set did not compile")
            }
            let resident = ProcessStats.residentMiB()
            var passes = [("generated", measure(ruleSet, articles))]
            if let real { passes.append(("reuters", measure(ruleSet, real))) }
            for (corpus, pass) in passes {
                let candidates = Double(pass.candidates) / Double(max(pass.articles, 1))
                print(
                    String(
                        format: "%-8d %6.2f s  %8.0f  (%+6.0f)  %8.1f  %10.0f  %18.2f  %7d   ", size, compile, resident,
                        resident - before, pass.megabytesPerSecond, pass.articlesPerSecond, candidates, pass.alerts) + corpus)
                if options.checksum {
                    let (bytes, sum) = checksum(ruleSet, corpus == "generated" ? articles : real ?? [])
                    print("         alert lines: \(bytes) bytes, checksum \(String(sum, radix: 16))")
                }
                rows.append(
                    [corpus, "\(size)", String(format: "%.3f", compile), String(format: "%.0f", resident),
                     String(format: "%.0f", resident - before), String(format: "%.2f", pass.megabytesPerSecond),
                     String(format: "%.0f", pass.articlesPerSecond), String(format: "%.2f", candidates), "\(pass.alerts)"]
                        .joined(separator: "\t"))
            }
        }
        if options.writeFiles {
            try (rows.joined(separator: "\n") + "\n").write(toFile: options.outputDirectory + "/herald.tsv", atomically: true, encoding: .utf8)
        }
    }

    /// Full evaluation of every article, as `herald match` and the server do it, timed on this thread's CPU.
    func measure(_ ruleSet: RuleSet, _ articles: [HeraldArticle.Article]) -> Pass {
        var pass = Pass(seconds: 0, bytes: 0, articles: articles.count, candidates: 0, alerts: 0, alertBytes: 0)
        let started = ProcessStats.cpuSeconds()
        for article in articles {
            let report = ruleSet.match(title: article.title, body: article.body)
            pass.candidates += report.candidateRules
            if !report.matches.isEmpty {
                let encoded = EncodedArticle(article, matchedAt: matchedAt)
                for match in report.matches {
                    pass.alertBytes += Alert(match: match, encodedArticle: encoded).jsonLineBytes().count
                }
            }
            pass.alerts += report.matches.count
        }
        pass.seconds = ProcessStats.cpuSeconds() - started
        pass.bytes = articles.reduce(0) { $0 + $1.title.utf8.count + $1.body.utf8.count }
        return pass
    }

    /// The alert lines of a corpus, matched again outside the timed loop: their total size and the sum of a 64-bit
    /// FNV-1a hash of each line. Equal sums mean the same alert lines whatever their order (alerts of one article
    /// that tie on position come out in dictionary order), so an optimisation can be checked to change no byte.
    private func checksum(_ ruleSet: RuleSet, _ articles: [HeraldArticle.Article]) -> (bytes: Int, sum: UInt64) {
        var bytes = 0
        var sum: UInt64 = 0
        for article in articles {
            let encoded = EncodedArticle(article, matchedAt: matchedAt)
            for match in ruleSet.match(title: article.title, body: article.body).matches {
                let line = Alert(match: match, encodedArticle: encoded).jsonLineBytes()
                bytes += line.count
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                for byte in line { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
                sum &+= hash
            }
        }
        return (bytes, sum)
    }

    /// Where the time of the text pipeline goes before any rule is involved: decoding to scalars, tokenising,
    /// segmenting. Printed so a profile is not needed to see whether text analysis or matching dominates.
    private func printPhases(_ articles: [HeraldArticle.Article]) {
        let bytes = Double(articles.reduce(0) { $0 + $1.title.utf8.count + $1.body.utf8.count }) / 1e6
        let tokenizer = Tokenizer()
        var started = ProcessStats.cpuSeconds()
        var tokens = 0
        for article in articles { tokens += tokenizer.tokenize(article.body).count }
        let tokenize = ProcessStats.cpuSeconds() - started
        started = ProcessStats.cpuSeconds()
        for article in articles { tokens += AnalyzedText(article.body).sentences.count }
        let analyze = ProcessStats.cpuSeconds() - started
        // `Tokenizer.tokenize` is the public API and builds each token's text and key; matching uses `AnalyzedText`,
        // which tokenises and segments without building strings (and, inside RuleSet.match, also looks ids up).
        print(
            String(
                format: "text pipeline (bodies): Tokenizer.tokenize with Token strings %.1f MB/s, AnalyzedText (tokenise + segment) %.1f MB/s",
                bytes / tokenize, bytes / analyze))
    }

    /// The corpus as plain text (title line, body, blank line) and the phrase set, one per line, for the peers.
    private func writePeerFiles(_ articles: [CorpusGenerator.Article], lists: SyntheticLists, shipped: ShippedLists) throws {
        try FileManager.default.createDirectory(atPath: options.outputDirectory, withIntermediateDirectories: true)
        var corpus = ""
        corpus.reserveCapacity(Int(options.corpusMB * 1.1e6))
        for article in articles {
            corpus += article.title
            corpus += "\n"
            corpus += article.body
            corpus += "\n\n"
        }
        try corpus.write(toFile: options.outputDirectory + "/corpus.txt", atomically: true, encoding: .utf8)
        var phrases = Set(lists.allAliases)
        for list in shipped.entries.keys { phrases.formUnion(shipped.aliases(list)) }
        phrases.formUnion(["rumour", "rumours"])
        try (phrases.sorted().joined(separator: "\n") + "\n")
            .write(toFile: options.outputDirectory + "/phrases.txt", atomically: true, encoding: .utf8)
        print("wrote \(options.outputDirectory)/corpus.txt and \(options.outputDirectory)/phrases.txt (\(phrases.count) phrases)")
    }

    /// Real text: one article per line; the first sentence-ish part is not split off as a title.
    private func readRealText(_ path: String) throws -> [HeraldArticle.Article] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").map { HeraldArticle.Article(title: "", body: String($0)) }
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
