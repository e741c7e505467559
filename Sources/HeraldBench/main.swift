import Foundation

/// `herald-bench match [options]`: the matching benchmark described in BENCHMARKS.md.
/// Plain argument handling keeps the benchmark's dependencies to HeraldRules and HeraldCore.
let usage = """
    usage: herald-bench match [--lists DIR] [--out DIR] [--corpus-mb N] [--sizes 10,1000,...] [--real FILE] [--checksum]
      --lists DIR      the shipped lists to include (default Rules/lists)
      --out DIR        where the corpus and phrase set for the peers are written (default .build-bench)
      --corpus-mb N    size of the generated corpus in MB (default 50)
      --sizes LIST     rule-set sizes (default 10,1000,10000,100000)
      --real FILE      also match real text: one article per line (e.g. Reuters-21578 from Debian's weka)
      --no-write       do not write the corpus and phrase files
      --checksum       after timing, match again (untimed) and print the alert lines' size and an order-independent
                       checksum: equal checksums across commits mean byte-identical alerts
    """

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.first == "match" else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
arguments.removeFirst()
var options = MatchBenchmark.Options()
while let flag = arguments.first {
    arguments.removeFirst()
    if flag == "--no-write" {
        options.writeFiles = false
        continue
    }
    if flag == "--checksum" {
        options.checksum = true
        continue
    }
    guard let value = arguments.first else {
        FileHandle.standardError.write(Data("herald-bench: \(flag) needs a value\n\(usage)\n".utf8))
        exit(2)
    }
    arguments.removeFirst()
    switch flag {
    case "--lists": options.listsDirectory = value
    case "--out": options.outputDirectory = value
    case "--corpus-mb": options.corpusMB = Double(value) ?? options.corpusMB
    case "--sizes": options.sizes = value.split(separator: ",").compactMap { Int($0) }
    case "--real": options.realText = value
    default:
        FileHandle.standardError.write(Data("herald-bench: unknown option \(flag)\n\(usage)\n".utf8))
        exit(2)
    }
}
do {
    try MatchBenchmark(options: options).run()
} catch {
    FileHandle.standardError.write(Data("herald-bench: \(error)\n".utf8))
    exit(1)
}
