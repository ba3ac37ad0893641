import ArgumentParser

/// Stand-alone runner for sidecar mode (the daemon's `scoring-server` embeds the same service).
@main
struct KafkaSidecarTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-sidecar",
        abstract: "Streamify Kafka sidecar: consume transactions, score them, publish alerts and analytics.",
        subcommands: [RunCommand.self, BenchCommand.self, ProduceCommand.self, WatchCommand.self],
        defaultSubcommand: RunCommand.self
    )
}
