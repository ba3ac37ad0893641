import ArgumentParser

/// `loadgen`: plays a realistic card population against the Streamify scoring daemon, proves the
/// latency and throughput it holds, and shows how well it catches fraud.
@main
struct LoadGen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Load generator and detection-quality harness for the Streamify scoring daemon.",
        discussion: """
            Examples:
              loadgen run --target unix:/tmp/streamify.sock --rate 5000 --duration 30s --warmup 5s
              loadgen run --target tcp://127.0.0.1:7000 --max --connections 8 --count 1000000 --report out.json
              loadgen run --target unix:/tmp/streamify.sock --rate 2000 --duration 0      # demo: until Ctrl-C
              loadgen generate --count 100000 --output day.frames                          # + day.frames.labels.jsonl
              loadgen replay day.frames --target unix:/tmp/streamify.sock --rate 10000
              loadgen train --seed 7 --days 21 --output model.json                         # fit a logistic model
              loadgen evaluate --model model.json --seed 43 --days 21                      # held-out comparison
              loadgen floor                                                                # this host's round-trip floor
            """,
        subcommands: [
            RunCommand.self, GenerateCommand.self, ReplayCommand.self, TrainCommand.self, EvaluateCommand.self,
            KafkaProduceCommand.self, KafkaWatchCommand.self, FloorCommand.self,
        ]
    )
}
