// swift-tools-version: 6.1
import PackageDescription

// Benchmarks for the scoring hot path (ordo-one/benchmark). Run from this directory:
//   swift package --disable-sandbox benchmark
// See docs/performance.md for the figures and the threshold workflow.
// SwiftPM names a path dependency after its folder (the checkout's name, which differs between
// worktrees and CI clones), so the root package's identity is derived from this package's path.
let rootPackage = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "streamify")

let package = Package(
    name: "StreamifyBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "memory-report", targets: ["MemoryReport"]),
        .executable(name: "kafka-throughput", targets: ["KafkaThroughput"]),
    ],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        /// What the benchmarks and memory-report share: warming an engine with SyntheticWorld's
        /// `CardPopulation`, and reading a process's memory.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "ScoringEngine", package: rootPackage),
                .product(name: "ScoringModel", package: rootPackage),
                .product(name: "StreamifyWire", package: rootPackage),
                .product(name: "SyntheticWorld", package: rootPackage),
            ]
        ),
        /// Fills a RiskEngine with 1M cards and reports resident memory and bytes per card.
        .executableTarget(
            name: "MemoryReport",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "SyntheticWorld", package: rootPackage),
                .product(name: "ScoringModel", package: rootPackage),
                .product(name: "ScoringEngine", package: rootPackage),
                .product(name: "SocketDoor", package: rootPackage),
                .product(name: "StreamifyWire", package: rootPackage),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        /// The Kafka door's consume → score → produce throughput on librdkafka's mock cluster.
        .executableTarget(
            name: "KafkaThroughput",
            dependencies: [
                .product(name: "KafkaDoor", package: rootPackage),
                .product(name: "RDKafka", package: rootPackage),
                .product(name: "ScoringEngine", package: rootPackage),
                .product(name: "ScoringModel", package: rootPackage),
                .product(name: "StreamifyWire", package: rootPackage),
                .product(name: "SyntheticWorld", package: rootPackage),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ScoringBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "SyntheticWorld", package: rootPackage),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ScoringModel", package: rootPackage),
                .product(name: "ScoringEngine", package: rootPackage),
                .product(name: "SocketDoor", package: rootPackage),
                .product(name: "StateStore", package: rootPackage),
                .product(name: "StreamifyWire", package: rootPackage),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ScoringBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)
