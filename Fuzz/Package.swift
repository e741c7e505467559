// swift-tools-version:6.1
import PackageDescription

// libFuzzer harnesses for Herald's three parsers. Kept out of the main package so neither `swift build` nor CI
// ever compiles them: they need `-sanitize=fuzzer`, and run.sh builds them that way. The library sources are the
// main package's own, reached through symbolic links (the command parser's files are NIO-free by design).
let package = Package(
    name: "HeraldFuzz",
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .target(name: "HeraldRules"),
        .target(name: "HeraldStore", dependencies: ["CSQLite"]),
        .target(name: "HeraldCore", dependencies: ["HeraldRules", "HeraldStore", "COpenSSL", "CZlib"]),
        .target(name: "HeraldProtocol", dependencies: ["HeraldCore"]),
        .executableTarget(name: "FuzzRuleParser", dependencies: ["HeraldRules"]),
        .executableTarget(name: "FuzzArticleParser", dependencies: ["HeraldCore"]),
        .executableTarget(name: "FuzzCommandParser", dependencies: ["HeraldProtocol"]),
    ],
    swiftLanguageModes: [.v6]
)
