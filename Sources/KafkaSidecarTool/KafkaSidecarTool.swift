import ArgumentParser

/// Developer tool for sidecar mode: throughput benchmark, topic feeder and alert watcher.
/// The sidecar itself runs in the daemon: `scoring-server --kafka-brokers ...`.
@main
struct KafkaSidecarTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-sidecar",
        abstract: "Streamify Kafka sidecar tools: bench, produce, watch (run the sidecar with scoring-server --kafka-brokers).",
        subcommands: [BenchCommand.self, ProduceCommand.self, WatchCommand.self]
    )
}
