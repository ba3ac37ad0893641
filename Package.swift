// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Streamify",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "scoring-server", targets: ["ScoringServer"]),
        .executable(name: "loadgen", targets: ["LoadGen"]),
        .library(name: "ScoringModel", targets: ["ScoringModel"]),
        .library(name: "StreamifyWire", targets: ["StreamifyWire"]),
        .library(name: "ScoringEngine", targets: ["ScoringEngine"]),
        .library(name: "ScoringDaemon", targets: ["ScoringDaemon"]),
        .library(name: "ScoringClient", targets: ["ScoringClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
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
        /// protoc-c output for proto/streamify/v1/scoring.proto (scripts/generate-proto.sh).
        .target(
            name: "CStreamifyProto",
            dependencies: ["CProtobufC"]
        ),

        /// Wire contract: framing, Swift message types and the protobuf-c codec.
        .target(
            name: "StreamifyWire",
            dependencies: [
                "CStreamifyProto",
                "CProtobufC",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        /// Per-card, per-device and per-merchant state and the five-factor risk model.
        .target(
            name: "ScoringModel",
            dependencies: [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        /// The one scoring API every door calls (intake, validation, scoring, counting, decision),
        /// its metrics, and the engine's lifecycle service (housekeeping, reloads, snapshots).
        .target(
            name: "ScoringEngine",
            dependencies: [
                "ScoringModel", "StreamifyWire", "CStreamifyProto", "CProtobufC",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        /// The composition root: `buildApplication(configuration:)` wires the engine and every door.
        .target(
            name: "StreamifyApp",
            dependencies: [
                "ScoringEngine", "ScoringDaemon", "KafkaSidecar", "ScoringModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        /// The daemon as a library: frame processing, NIO handlers, listeners, lifecycle.
        .target(
            name: "ScoringDaemon",
            dependencies: [
                "ScoringModel",
                "ScoringEngine",
                "StreamifyWire",
                "CStreamifyProto",
                "CProtobufC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        /// Swift client: pipelining over Unix or TCP sockets.
        .target(
            name: "ScoringClient",
            dependencies: [
                "StreamifyWire",
                "CStreamifyProto",
                "CProtobufC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        /// Kafka sidecar mode: consume transactions, score them, publish alerts and analytics (issue #4).
        .target(
            name: "KafkaSidecar",
            dependencies: [
                "CRdKafka",
                "ScoringModel",
                "ScoringEngine",
                "StreamifyWire",
                "CStreamifyProto",
                "CProtobufC",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// Stand-alone runner for the sidecar: demos, end-to-end tests and the throughput benchmark.
        .executableTarget(
            name: "KafkaSidecarTool",
            dependencies: [
                "KafkaSidecar",
                "ScoringModel",
                "StreamifyWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "ScoringServer",
            dependencies: [
                "StreamifyApp",
                "ScoringDaemon",
                "ScoringEngine",
                "KafkaSidecar",
                "ScoringModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "LoadGen",
            dependencies: [
                "ScoringClient",
                "ScoringModel",
                "ScoringEngine",
                "StreamifyWire",
                "KafkaSidecar",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),

        /// libFuzzer target for the request path (scripts/fuzz.sh); a corpus replayer in normal builds.
        .executableTarget(
            name: "FrameFuzzer",
            dependencies: [
                "ScoringDaemon",
                "ScoringEngine",
                "ScoringModel",
                "StreamifyWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),

        .testTarget(
            name: "StreamifyWireTests",
            dependencies: [
                "StreamifyWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ScoringModelTests", dependencies: ["ScoringModel"]),
        .testTarget(
            name: "StreamifyAppTests",
            dependencies: [
                "StreamifyApp", "ScoringDaemon", "ScoringClient", "KafkaSidecar", "ScoringModel", "StreamifyWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "ScoringEngineTests", dependencies: ["ScoringEngine", "ScoringModel", "StreamifyWire"]),
        .testTarget(
            name: "ScoringDaemonTests",
            dependencies: [
                "ScoringDaemon",
                "ScoringClient",
                "StreamifyWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "LoadGenTests",
            dependencies: [
                "LoadGen", "ScoringClient", "StreamifyWire", "ScoringTestSupport",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        /// An in-process fake daemon shared by the client and load generator tests.
        .target(
            name: "ScoringTestSupport",
            dependencies: [
                "StreamifyWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/ScoringTestSupport"
        ),
        .testTarget(
            name: "ScoringClientTests",
            dependencies: [
                "ScoringClient", "StreamifyWire", "ScoringTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "KafkaSidecarTests",
            dependencies: [
                "KafkaSidecar", "CRdKafka", "CStreamifyProto", "ScoringModel", "ScoringEngine", "StreamifyWire",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
