// swift-tools-version: 6.1
import PackageDescription

/// One set of compiler settings for every target.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// Products of the dependencies, named once.
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let nioEmbedded: Target.Dependency = .product(name: "NIOEmbedded", package: "swift-nio")
let nioConcurrencyHelpers: Target.Dependency = .product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals: Target.Dependency = .product(name: "UnixSignals", package: "swift-service-lifecycle")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let histogram: Target.Dependency = .product(name: "Histogram", package: "hdrhistogram-swift")
let nioSSL: Target.Dependency = .product(name: "NIOSSL", package: "swift-nio-ssl")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let hummingbirdCore: Target.Dependency = .product(name: "HummingbirdCore", package: "hummingbird")

let package = Package(
    name: "Streamify",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "scoring-server", targets: ["ScoringServer"]),
        .executable(name: "loadgen", targets: ["LoadGen"]),
        .executable(name: "streamify-admin", targets: ["StreamifyAdmin"]),
        .library(name: "StreamifyWire", targets: ["StreamifyWire"]),
        .library(name: "ScoringModel", targets: ["ScoringModel"]),
        .library(name: "ScoringEngine", targets: ["ScoringEngine"]),
        .library(name: "SocketDoor", targets: ["SocketDoor"]),
        .library(name: "RDKafka", targets: ["RDKafka"]),
        .library(name: "KafkaDoor", targets: ["KafkaDoor"]),
        .library(name: "StreamifyApp", targets: ["StreamifyApp"]),
        .library(name: "ScoringClient", targets: ["ScoringClient"]),
        .library(name: "SyntheticWorld", targets: ["SyntheticWorld"]),
        .library(name: "StateStore", targets: ["StateStore"]),
        .library(name: "DashboardDoor", targets: ["DashboardDoor"]),
        .library(name: "Archive", targets: ["Archive"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // Only the HTTP server: no swift-configuration support, no Foundation extras.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
    ],
    targets: [
        // C libraries, bridged in one thin layer each.
        .systemLibrary(
            name: "CProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        /// protoc-c output for proto/streamify/v1/scoring.proto (scripts/generate-proto.sh).
        .target(
            name: "CStreamifyProto",
            dependencies: ["CProtobufC"]
        ),

        /// Wire contract: framing, Swift message types and the protobuf-c codec.
        .target(
            name: "StreamifyWire",
            dependencies: ["CStreamifyProto", "CProtobufC", nioCore],
            swiftSettings: swiftSettings
        ),
        /// Per-card, per-device and per-merchant state and the five-factor risk model.
        .target(
            name: "ScoringModel",
            dependencies: ["CPrefetch"],
            swiftSettings: swiftSettings
        ),
        /// The CPU's prefetch hint, for table probes that start before their locks are taken.
        .target(name: "CPrefetch"),
        /// CRC-32C with the CPU's instruction, chosen at run time (StateStore's checksums).
        .target(name: "CChecksum"),
        /// Durable files of engine state: checksummed snapshots written whole or not at all.
        .target(
            name: "StateStore",
            dependencies: ["CChecksum"],
            swiftSettings: swiftSettings
        ),
        /// The one scoring API every door calls (intake, validation, scoring, counting, decision),
        /// its metrics, and the engine's lifecycle service (housekeeping, reloads, snapshots).
        .target(
            name: "ScoringEngine",
            dependencies: [
                "ScoringModel", "StateStore", "StreamifyWire", "CStreamifyProto", "CProtobufC", logging, metrics,
                nioConcurrencyHelpers, serviceLifecycle, unixSignals,
            ],
            swiftSettings: swiftSettings
        ),
        /// The socket door: Unix and TCP listeners, the frame processor, the metrics endpoint.
        .target(
            name: "SocketDoor",
            dependencies: [
                "ScoringEngine", "ScoringModel", "StreamifyWire", "CStreamifyProto", "CProtobufC", nioCore, nioPosix,
                .product(name: "NIOExtras", package: "swift-nio-extras"), .product(name: "NIOHTTP1",
                package: "swift-nio"), .product(name: "NIOTLS", package: "swift-nio"), nioSSL, logging, metrics,
                prometheus, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        /// A thin bridge to librdkafka: clients, configuration, rebalances, the mock cluster.
        .target(
            name: "RDKafka",
            dependencies: ["CRdKafka"],
            swiftSettings: swiftSettings
        ),
        /// The Kafka door: consume transactions and labels, score them, publish alerts and analytics.
        .target(
            name: "KafkaDoor",
            dependencies: [
                "RDKafka", "CRdKafka", "ScoringEngine", "ScoringModel", "StreamifyWire", "CStreamifyProto",
                "CProtobufC", "SyntheticWorld", logging, metrics, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        /// The one labelled synthetic world: cards, merchants, trips, fraud scenarios, delayed outcomes.
        .target(
            name: "SyntheticWorld",
            dependencies: ["StreamifyWire"],
            swiftSettings: swiftSettings
        ),
        /// The HTTP door: the live dashboard page, its JSON API and push stream, the demo load.
        .target(
            name: "DashboardDoor",
            dependencies: [
                "ScoringEngine", "ScoringModel", "StreamifyWire", "CStreamifyProto", "CProtobufC", "SyntheticWorld",
                hummingbird, hummingbirdCore, logging, metrics, serviceLifecycle, nioCore, .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The archive and warehouse: every decision and label from the decision log into SQLite.
        .target(
            name: "Archive",
            dependencies: ["CSQLite", "CZlib", "ScoringEngine", "ScoringModel", "StateStore", "StreamifyWire", logging, metrics, serviceLifecycle],
            swiftSettings: swiftSettings
        ),
        /// `streamify-admin`: the warehouse's scheduled jobs (health, report, quality-check, monitor, retention).
        .executableTarget(
            name: "StreamifyAdmin",
            dependencies: ["Archive", "StreamifyWire", argumentParser],
            swiftSettings: swiftSettings
        ),
        /// The composition root: `buildApplication(configuration:)` wires the engine and every door.
        .target(
            name: "StreamifyApp",
            dependencies: [
                "ScoringEngine", "SocketDoor", "KafkaDoor", "DashboardDoor", "Archive", "ScoringModel", "StateStore", logging, prometheus,
                serviceLifecycle, unixSignals,
            ],
            swiftSettings: swiftSettings
        ),
        /// Swift client: pipelining over Unix or TCP sockets, TCP optionally over TLS.
        .target(
            name: "ScoringClient",
            dependencies: ["StreamifyWire", "CStreamifyProto", "CProtobufC", nioCore, nioPosix, nioSSL],
            swiftSettings: swiftSettings
        ),
        /// `scoring-server`: parses options and runs the application.
        .executableTarget(
            name: "ScoringServer",
            dependencies: [
                "StreamifyApp", "SocketDoor", "DashboardDoor", "Archive", "ScoringEngine", "KafkaDoor", "ScoringModel", "StateStore",
                "StreamifyWire", argumentParser, metrics, prometheus, logging, serviceLifecycle, nioCore,
            ],
            swiftSettings: swiftSettings
        ),
        /// `loadgen`: load runs, world files, training and evaluation, Kafka produce and watch.
        .executableTarget(
            name: "LoadGen",
            dependencies: [
                "ScoringClient", "ScoringModel", "ScoringEngine", "StreamifyWire", "SyntheticWorld", "RDKafka",
                argumentParser, histogram, nioCore, nioPosix, nioConcurrencyHelpers,
            ],
            swiftSettings: swiftSettings
        ),

        /// libFuzzer target for the request path (scripts/fuzz.sh); a corpus replayer in normal builds.
        .executableTarget(
            name: "FrameFuzzer",
            dependencies: [
                "SocketDoor", "ScoringEngine", "ScoringModel", "StreamifyWire", "ScoringTestSupport", nioCore, nioEmbedded,
            ],
            swiftSettings: swiftSettings
        ),

        /// Shared by the test targets: an in-process fake daemon and the `scoring-server` child process.
        .target(
            name: "ScoringTestSupport",
            dependencies: ["StreamifyWire", "CProtobufC", nioCore, nioPosix],
            path: "Tests/ScoringTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StreamifyWireTests",
            dependencies: [
                "StreamifyWire", "SyntheticWorld", "ScoringTestSupport", "CStreamifyProto", "CProtobufC", nioCore,
                nioEmbedded,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ScoringModelTests", dependencies: ["ScoringModel", "ScoringTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "StateStoreTests", dependencies: ["StateStore", "ScoringTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ScoringEngineTests",
            dependencies: ["ScoringEngine", "ScoringModel", "StreamifyWire", "CStreamifyProto", "CProtobufC", "ScoringTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArchiveTests",
            dependencies: [
                "Archive", "StreamifyApp", "ScoringEngine", "ScoringModel", "StateStore", "StreamifyWire", "ScoringClient",
                "ScoringTestSupport", "SyntheticWorld", "CStreamifyProto", logging, serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StreamifyAppTests",
            dependencies: [
                "StreamifyApp", "SocketDoor", "DashboardDoor", "ScoringEngine", "ScoringTestSupport", "ScoringClient", "KafkaDoor", "RDKafka", "ScoringModel", "StateStore",
                "StreamifyWire", "SyntheticWorld", logging, serviceLifecycle, nioCore,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScoringServerTests",
            dependencies: [
                "ScoringClient", "StreamifyWire", "ScoringTestSupport", "SocketDoor", "ScoringEngine", "ScoringModel",
                "StateStore", "CStreamifyProto", nioCore, nioPosix, nioEmbedded, logging,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScoringClientTests",
            dependencies: ["ScoringClient", "StreamifyWire", "ScoringTestSupport", nioCore, nioPosix],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KafkaDoorTests",
            dependencies: [
                "KafkaDoor", "RDKafka", "CRdKafka", "CStreamifyProto", "ScoringModel", "ScoringEngine",
                "StreamifyWire", "SyntheticWorld", "ScoringTestSupport", logging,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyntheticWorldTests",
            dependencies: ["SyntheticWorld", "StreamifyWire"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LoadGenTests",
            dependencies: [
                "LoadGen", "ScoringClient", "StreamifyWire", "ScoringTestSupport", "SyntheticWorld", histogram,
                nioCore, nioPosix, nioConcurrencyHelpers, argumentParser,
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
