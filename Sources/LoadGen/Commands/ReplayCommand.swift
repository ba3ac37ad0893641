import ArgumentParser

/// `loadgen replay`: plays a file written by `loadgen generate` (or another tool) against a daemon.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a workload file (frames or JSON lines) against a daemon.",
        discussion: """
            Frames files take their labels from --labels or FILE.labels.jsonl when present; without labels, detection quality is not reported. Each card stays on one connection, in file order.
            """)

    @Argument(help: "Workload file written by `loadgen generate`.")
    var file: String

    @Option(help: "Labels sidecar of a frames file (default: FILE.labels.jsonl, if present).")
    var labels: String?

    @OptionGroup var load: LoadOptions

    func run() async throws {
        let workload = try WorkloadFileReader.read(path: file, labelsPath: labels)
        var configuration = try load.loadConfiguration()
        if load.duration == nil {
            // A replay ends with its file unless told otherwise; knowing its length also bounds
            // how long loadgen waits for a daemon that stops answering.
            configuration.durationSeconds = nil
            configuration.count = configuration.count ?? workload.transactionCount
        }
        try await LoadSession.execute(options: load, configuration: configuration, source: workload, world: nil)
    }
}
