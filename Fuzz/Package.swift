// swift-tools-version:6.1
import PackageDescription

// libFuzzer harnesses for Herald's three parsers. Kept out of the main package so neither `swift build` nor CI
// ever compiles them: they need `-sanitize=fuzzer`, and run.sh builds them that way. The library sources are the
// main package's own modules, reached through symbolic links: the rule language, the article readers and the
// line protocol (which needs only NIOCore, for its framer).
let package = Package(
    name: "HeraldFuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2")
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .target(name: "HeraldRules"),
        .target(name: "HeraldArticle", dependencies: ["COpenSSL", "CZlib"]),
        .target(
            name: "HeraldProtocol",
            dependencies: ["HeraldArticle", .product(name: "NIOCore", package: "swift-nio")]),
        .executableTarget(name: "FuzzRuleParser", dependencies: ["HeraldRules"]),
        .executableTarget(name: "FuzzArticleParser", dependencies: ["HeraldArticle"]),
        .executableTarget(name: "FuzzCommandParser", dependencies: ["HeraldProtocol"]),
    ],
    swiftLanguageModes: [.v6]
)
