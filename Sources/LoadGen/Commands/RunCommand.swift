import SyntheticWorld
import ArgumentParser

/// `loadgen run`: plays the synthetic world against a daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Play the synthetic card population against a daemon and report latency, throughput and detection.",
        discussion: """
            Open loop (--rate, default 1000/s) sends on a fixed schedule and measures latency from each request's intended send time, so a stalled daemon cannot hide its queueing. Closed loop (--max) keeps --pipeline requests in flight per connection. --duration 0 runs until SIGINT/SIGTERM and then reports. Exit status 3 means an --expect-* objective was missed.
            """)

    @OptionGroup var load: LoadOptions
    @OptionGroup var world: WorldOptions

    func run() async throws {
        let configuration = try load.loadConfiguration()
        let worldConfiguration = try world.configuration(transactionsPerSecond: load.effectiveRate ?? 2_000)
        let stream = TransactionStream(configuration: worldConfiguration)
        try await LoadSession.execute(options: load, configuration: configuration, source: stream, world: worldConfiguration)
    }
}
