// swift-tools-version:6.1
import PackageDescription

// The package is split by responsibility, so the architecture shows in the imports (ARCHITECTURE.md):
// HeraldRules knows text and rule syntax but no networking; HeraldArticle reads articles; HeraldStore keeps the
// alert log behind a protocol; HeraldProtocol is the line protocol; HeraldServer knows sockets but no rule
// syntax; HeraldCore joins rules, articles and store (alerts, the engine); HeraldCertificates makes and checks
// the development certificates; HeraldCLI is the thin command tree.
let package = Package(
    name: "Herald",
    // Synchronization's Mutex needs macOS 15. Herald is built and tested on Linux; macOS is not tested here.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
        .library(name: "HeraldRules", targets: ["HeraldRules"]),
        .library(name: "HeraldCore", targets: ["HeraldCore"]),
        .library(name: "HeraldServer", targets: ["HeraldServer"]),
        .executable(name: "herald-bench", targets: ["HeraldBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The feed HTTP client (HeraldIngest/HTTP/HTTPFetcher.swift says why); swift-nio-extras for its
        // decompression errors, which HTTPFetcher names.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // The PostgreSQL alert store for cluster mode (issue #18); linked by HeraldStorePostgres only.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(name: "HeraldRules"),
        // The durable alert log and the article archive behind one protocol; the engine and the server do not
        // know which database runs.
        .target(name: "HeraldStore", dependencies: ["CSQLite"]),
        // The same protocol on PostgreSQL, for several nodes sharing one log (cluster mode, #18). A module of its
        // own so that HeraldCore, herald-bench and everything that only needs the embedded store do not build or
        // link postgres-nio and swift-crypto; only the command line (and its tests) do.
        .target(
            name: "HeraldStorePostgres",
            dependencies: [
                "HeraldStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Articles as Herald reads them (JSON lines, scraped text, gzip, any size) and their content ids: what
        // the protocol, the engine and the command-line tools share, with no storage and no networking.
        .target(name: "HeraldArticle", dependencies: ["COpenSSL", "CZlib"]),
        // The development CA and server certificates `herald serve` makes on first start, and key-file checks.
        .target(name: "HeraldCertificates", dependencies: ["COpenSSL", "HeraldArticle"]),
        .target(
            name: "HeraldCore",
            dependencies: ["HeraldRules", "HeraldStore", "HeraldArticle"]
        ),
        // The line protocol — commands and their parser, error codes, roles, the line framer — that the server, the
        // client and the fuzzers share; no storage, no rules, no TLS.
        .target(
            name: "HeraldProtocol",
            dependencies: ["HeraldArticle", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "HeraldServer",
            dependencies: [
                "HeraldProtocol",
                "HeraldArticle",
                "HeraldStore",
                "HeraldCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "HeraldIngest",
            dependencies: [
                "HeraldArticle",
                "HeraldStore",
                "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            ]
        ),
        .target(
            name: "HeraldClient",
            dependencies: [
                "HeraldProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "HeraldCLI",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                "HeraldCertificates",
                "HeraldArticle",
                "HeraldStore",
                "HeraldStorePostgres",
                "HeraldClient",
                "HeraldIngest",
                "HeraldRules",
                "HeraldCore",
                "HeraldServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(name: "herald", dependencies: ["HeraldCLI"]),
        // The matching benchmark: rules and core only, so a release build of it stays small (BENCHMARKS.md).
        .executableTarget(name: "HeraldBench", dependencies: ["HeraldRules", "HeraldArticle", "HeraldCore"]),
        .testTarget(name: "HeraldRulesTests", dependencies: ["HeraldRules"]),
        // The store conformance suite runs against SQLite and PostgreSQL (a private server the tests start).
        .testTarget(
            name: "HeraldCoreTests",
            dependencies: [
                "HeraldCore", "HeraldStore", "HeraldStorePostgres", "HeraldArticle", "HeraldCertificates",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HeraldIngestTests",
            dependencies: [
                "HeraldCertificates",
                "HeraldArticle",
                "HeraldStore",
                "HeraldIngest",
                "HeraldCore",
                "HeraldRules",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "HeraldServerTests",
            dependencies: [
                "HeraldCertificates",
                "HeraldProtocol",
                "HeraldStore",
                "HeraldServer",
                "HeraldCore",
                "HeraldRules",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "HeraldCLITests",
            dependencies: [
                "HeraldCertificates",
                "HeraldArticle",
                "HeraldStore",
                // Support/PostgresTestCluster.swift, shared with HeraldCoreTests: serve on a private PostgreSQL.
                "HeraldStorePostgres",
                "HeraldCLI",
                // ServeClusterTests drive several nodes at once over TLS.
                "HeraldClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                // Support/FixtureHTTPServer.swift is shared with HeraldIngestTests and can serve TLS.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
