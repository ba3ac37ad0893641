import ArgumentParser
import NIOCore
import Logging
import SocketDoor
import ScoringEngine
import StateStore
import StreamifyApp
import ScoringModel
import StreamifyWire

import Foundation

/// Command-line options of `scoring-server`, each with an environment variable fallback.
struct ServerOptions: ParsableArguments {
    @Option(help: "Unix socket path to listen on ('off' for none). Env: STREAMIFY_UNIX")
    var unix: String = environment("STREAMIFY_UNIX") ?? "streamify.sock"

    @Option(help: "TCP HOST:PORT to listen on ('off' for none). Env: STREAMIFY_TCP")
    var tcp: String = environment("STREAMIFY_TCP") ?? "127.0.0.1:7411"

    @Option(help: "PEM certificate chain (leaf first) for TLS on the TCP listener; with --tls-key. Env: STREAMIFY_TLS_CERT")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert. Env: STREAMIFY_TLS_KEY")
    var tlsKey: String?

    @Option(help: "PEM CA bundle: a TCP client presenting a certificate it signed may send labels (mutual TLS); clients without one may still score. Env: STREAMIFY_TLS_CLIENT_CA")
    var tlsClientCA: String?

    @Flag(help: "Allow --tcp on an address beyond loopback without TLS: scores, ids and label tokens then cross the network in clear text. Env: STREAMIFY_ALLOW_INSECURE_TCP=1")
    var allowInsecureTCP: Bool = environment("STREAMIFY_ALLOW_INSECURE_TCP") == "1"

    @Option(help: "HOST:PORT for Prometheus metrics over HTTP ('off' for none). Env: STREAMIFY_METRICS")
    var metrics: String = environment("STREAMIFY_METRICS") ?? "off"

    @Option(help: "Largest request frame in bytes. Env: STREAMIFY_MAX_FRAME_BYTES")
    var maxFrameBytes: Int = environment("STREAMIFY_MAX_FRAME_BYTES").flatMap(Int.init) ?? 1 << 20

    @Option(help: "Most transactions in one score_batch. Env: STREAMIFY_MAX_BATCH")
    var maxBatch: Int = environment("STREAMIFY_MAX_BATCH").flatMap(Int.init) ?? 10_000

    @Option(help: "Event loop threads (default: one per core). Env: STREAMIFY_EVENT_LOOPS")
    var eventLoops: Int = environment("STREAMIFY_EVENT_LOOPS").flatMap(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "JSON model file (weights, thresholds, version); built-in defaults if absent. Env: STREAMIFY_MODEL")
    var model: String?

    @Flag(help: "Freeze online learning: labels update card, merchant, device and IP state but never the challenger, so the champion keeps answering. Env: STREAMIFY_FREEZE_LEARNING=1")
    var freezeLearning: Bool = environment("STREAMIFY_FREEZE_LEARNING") == "1"

    @Option(help: "Event time after which a transaction without a fraud label counts as legitimate, e.g. 30d. Env: STREAMIFY_OUTCOME_MATURITY")
    var outcomeMaturity: String = environment("STREAMIFY_OUTCOME_MATURITY") ?? "30d"

    @Option(help: "Merchant fraud rates count transactions at least this old (whole days, 0d to 9d). Env: STREAMIFY_OUTCOME_DELAY")
    var outcomeDelay: String = environment("STREAMIFY_OUTCOME_DELAY") ?? "7d"

    @Option(help: "A card with confirmed fraud drops the mark after this long unused, e.g. 30d ('off': never). Env: STREAMIFY_FRAUD_CARD_QUIET")
    var fraudCardQuiet: String = environment("STREAMIFY_FRAUD_CARD_QUIET") ?? "off"

    @Option(help: "A card's confirmed-fraud signal holds this much event time after the report, then halves every as much, e.g. 7d ('off': it never fades). Env: STREAMIFY_FRAUD_CARD_HALF_LIFE")
    var fraudCardHalfLife: String = environment("STREAMIFY_FRAUD_CARD_HALF_LIFE") ?? "7d"

    @Option(help: "Most scored transactions kept awaiting their outcome for online learning (0: none, and no learning). Env: STREAMIFY_MAX_LOGGED_TRANSACTIONS")
    var maxLoggedTransactions: Int?

    @Option(help: "Labels reported ahead of the event clock held until it gets there, at most; past it such a label is acknowledged REFUSED (0: none held). Env: STREAMIFY_MAX_PENDING_LABELS")
    var maxPendingLabels: Int = environment("STREAMIFY_MAX_PENDING_LABELS").flatMap(Int.init) ?? EngineConfiguration().maximumPendingLabels

    @Option(help: "With --max-logged-transactions 0: labelled transactions remembered, so a repeated label is acknowledged DUPLICATE; beyond it older ones are forgotten. Env: STREAMIFY_MAX_LABELLED_TRANSACTIONS")
    var maxLabelledTransactions: Int =
        environment("STREAMIFY_MAX_LABELLED_TRANSACTIONS").flatMap(Int.init) ?? EngineConfiguration().maximumLabelledTransactions

    @Option(help: "Frauds kept for the challenger's daily refit at most; beyond it the oldest go (0: none, and no refit). Env: STREAMIFY_REFIT_FRAUDS")
    var refitFrauds: Int = environment("STREAMIFY_REFIT_FRAUDS").flatMap(Int.init) ?? RefitSettings().fraudCapacity

    @Option(help: "Legitimate outcomes (after sampling one in ten) kept for the daily refit at most; beyond it the oldest go. Env: STREAMIFY_REFIT_LEGITIMATE")
    var refitLegitimate: Int = environment("STREAMIFY_REFIT_LEGITIMATE").flatMap(Int.init) ?? RefitSettings().legitimateCapacity

    @Option(help: "Directory where all engine state is kept across restarts (tables, outcome log, held labels, event clock, learned models, the fingerprint key); 'off' keeps it in memory only. Env: STREAMIFY_STATE_DIR")
    var stateDir: String = environment("STREAMIFY_STATE_DIR") ?? "off"

    @Option(help: "With --state-dir: when journal records are forced to the disk: always (before each answer leaves), interval (once a second: a power cut loses about a second) or never (the kernel decides). A kill -9 loses nothing either way. Env: STREAMIFY_FSYNC")
    var fsync: String = environment("STREAMIFY_FSYNC") ?? "interval"

    @Option(help: "With --state-dir: take a snapshot once the journal since the last one holds this many bytes, bounding replay at the next start. Env: STREAMIFY_SNAPSHOT_JOURNAL_BYTES")
    var snapshotJournalBytes: Int = environment("STREAMIFY_SNAPSHOT_JOURNAL_BYTES").flatMap(Int.init) ?? 256 << 20

    @Option(help: "Where to write the online-learned model (a model file) at shutdown. Env: STREAMIFY_LEARNING_SNAPSHOT")
    var learningSnapshot: String?

    @Option(help: "Most cards kept in memory; the least recently seen are evicted. Env: STREAMIFY_MAX_CARDS")
    var maxCards: Int = environment("STREAMIFY_MAX_CARDS").flatMap(Int.init) ?? 2_000_000

    @Option(help: "Most devices kept in memory. Env: STREAMIFY_MAX_DEVICES")
    var maxDevices: Int = environment("STREAMIFY_MAX_DEVICES").flatMap(Int.init) ?? 1_000_000

    @Option(help: "Most merchants kept in memory. Env: STREAMIFY_MAX_MERCHANTS")
    var maxMerchants: Int = environment("STREAMIFY_MAX_MERCHANTS").flatMap(Int.init) ?? 250_000

    @Option(help: "Event-time TTL of an idle card, e.g. 90d, 12h. Env: STREAMIFY_CARD_TTL")
    var cardTTL: String = environment("STREAMIFY_CARD_TTL") ?? "90d"

    @Option(help: "Refuse transactions (and labels) dated further ahead of the event clock and the wall clock than this, e.g. 1h ('off': no bound). Env: STREAMIFY_MAX_CLOCK_SKEW")
    var maxClockSkew: String = environment("STREAMIFY_MAX_CLOCK_SKEW") ?? "1h"

    @Option(help: "Most scoring connections open at once (Unix and TCP together); more are answered OVERLOADED and closed. Env: STREAMIFY_MAX_CONNECTIONS")
    var maxConnections: Int = environment("STREAMIFY_MAX_CONNECTIONS").flatMap(Int.init) ?? SocketDoorConfiguration().maximumConnections

    @Option(help: "Most of --max-connections TCP peers may hold at once, so local clients on the Unix socket keep the rest; more are answered OVERLOADED and closed. Default: three quarters of --max-connections. Env: STREAMIFY_TCP_MAX_CONNECTIONS")
    var tcpMaxConnections: Int? = environment("STREAMIFY_TCP_MAX_CONNECTIONS").flatMap(Int.init)

    @Option(help: "Most connections open at once on the --metrics endpoint; more are closed at once. Env: STREAMIFY_METRICS_MAX_CONNECTIONS")
    var metricsMaxConnections: Int =
        environment("STREAMIFY_METRICS_MAX_CONNECTIONS").flatMap(Int.init) ?? SocketDoorConfiguration().maximumMetricsConnections

    @Option(help: "Answer a scoring request OVERLOADED at once when its event loop runs further behind than this, e.g. 5ms ('off': score everything, however late). Env: STREAMIFY_MAX_QUEUE_DELAY")
    var maxQueueDelay: String = environment("STREAMIFY_MAX_QUEUE_DELAY") ?? "5ms"

    @Option(help: "Close a connection that sends nothing for this long between requests, e.g. 10m ('off': never). Env: STREAMIFY_IDLE_TIMEOUT")
    var idleTimeout: String = environment("STREAMIFY_IDLE_TIMEOUT") ?? "10m"

    @Option(help: "A request frame must arrive whole within this long of its first byte, e.g. 10s ('off': no limit). Env: STREAMIFY_FRAME_TIMEOUT")
    var frameTimeout: String = environment("STREAMIFY_FRAME_TIMEOUT") ?? "10s"

    @Option(help: "Answer bytes written but not yet read by clients, over all scoring connections, past which scoring requests are answered OVERLOADED (0: no limit). Env: STREAMIFY_MAX_BUFFERED_OUTPUT")
    var maxBufferedOutput: Int = environment("STREAMIFY_MAX_BUFFERED_OUTPUT").flatMap(Int.init) ?? 256 << 20

    @Option(help: "Bytes of request frames received in part, over all scoring connections, past which the connection whose frame goes over is answered OVERLOADED and closed (0: no limit). Env: STREAMIFY_MAX_BUFFERED_INPUT")
    var maxBufferedInput: Int = environment("STREAMIFY_MAX_BUFFERED_INPUT").flatMap(Int.init) ?? 256 << 20

    @Option(help: "Labels one connection may send per second, and at once; more are answered OVERLOADED (0: no limit). Env: STREAMIFY_MAX_LABEL_RATE")
    var maxLabelRate: Int = environment("STREAMIFY_MAX_LABEL_RATE").flatMap(Int.init) ?? 10_000

    @Option(help: "A Unix group whose members may send labels over the Unix socket, besides the daemon's own user. Env: STREAMIFY_LABEL_GROUP")
    var labelGroup: String?

    @Option(help: "A file holding the token a client presents (authenticate) to send labels, over TCP or by other users; without it TCP clients may only score. Env: STREAMIFY_LABEL_TOKEN_FILE")
    var labelTokenFile: String?

    @Option(help: "A file holding the secret key card, merchant and device ids are fingerprinted under (32 hex digits, mode 0600); created with a random key if absent. Without it each run draws a random key. Env: STREAMIFY_FINGERPRINT_KEY_FILE")
    var fingerprintKeyFile: String?

    @Option(help: "How long shutdown waits for connections to drain, e.g. 10s. Env: STREAMIFY_SHUTDOWN_GRACE")
    var shutdownGrace: String = environment("STREAMIFY_SHUTDOWN_GRACE") ?? "10s"

    @Option(help: "trace, debug, info, notice, warning, error or critical. Env: STREAMIFY_LOG_LEVEL")
    var logLevel: Logger.Level = environment("STREAMIFY_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info

    @Option(help: "Log line format: text (key=value) or json. Env: STREAMIFY_LOG_FORMAT")
    var logFormat: LogFormat = environment("STREAMIFY_LOG_FORMAT").flatMap(LogFormat.init(rawValue:)) ?? .text

    /// Fills the optional options left unset from their environment variables (argument-parser
    /// calls it after parsing; it deprecates a default value on an optional option).
    mutating func validate() throws {
        tlsCert = tlsCert ?? environment("STREAMIFY_TLS_CERT")
        tlsKey = tlsKey ?? environment("STREAMIFY_TLS_KEY")
        tlsClientCA = tlsClientCA ?? environment("STREAMIFY_TLS_CLIENT_CA")
        model = model ?? environment("STREAMIFY_MODEL")
        maxLoggedTransactions = maxLoggedTransactions ?? environment("STREAMIFY_MAX_LOGGED_TRANSACTIONS").flatMap(Int.init)
        learningSnapshot = learningSnapshot ?? environment("STREAMIFY_LEARNING_SNAPSHOT")
        labelGroup = labelGroup ?? environment("STREAMIFY_LABEL_GROUP")
        labelTokenFile = labelTokenFile ?? environment("STREAMIFY_LABEL_TOKEN_FILE")
        fingerprintKeyFile = fingerprintKeyFile ?? environment("STREAMIFY_FINGERPRINT_KEY_FILE")
    }

    struct InvalidOption: Error, CustomStringConvertible {
        var description: String
    }

    /// - Parameter listenersRequired: false with the Kafka door on, where the daemon may listen on nothing.
    func makeConfiguration(listenersRequired: Bool = true) throws -> StreamifyConfiguration {
        let unixPath: String? = unix == "off" ? nil : unix
        if let unixPath {
            // sockaddr_un holds 108 bytes, the terminating NUL included.
            let limit = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1
            guard !unixPath.isEmpty, unixPath.utf8.count <= limit, !unixPath.utf8.contains(0) else {
                throw InvalidOption(
                    description: "--unix must be a socket path of 1 to \(limit) bytes or 'off', got '\(unixPath)'")
            }
        }
        let tcpAddress = try address(tcp, option: "--tcp")
        let metricsAddress = try address(metrics, option: "--metrics")
        guard unixPath != nil || tcpAddress != nil || !listenersRequired else {
            throw InvalidOption(description: "--unix and --tcp are both off and no --kafka-brokers: nothing to do")
        }
        guard (1...(64 << 20)).contains(maxFrameBytes) else {
            throw InvalidOption(description: "--max-frame-bytes must be within 1...67108864")
        }
        guard maxBatch >= 1 else { throw InvalidOption(description: "--max-batch must be at least 1") }
        guard eventLoops >= 1 else { throw InvalidOption(description: "--event-loops must be at least 1") }
        guard maxCards >= 1, maxDevices >= 1, maxMerchants >= 1 else {
            throw InvalidOption(description: "--max-cards, --max-devices and --max-merchants must be at least 1")
        }
        let cardTTLSeconds = try eventTimeSpan(cardTTL, option: "--card-ttl", example: "90d or 36h")
        let maturitySeconds = try eventTimeSpan(outcomeMaturity, option: "--outcome-maturity", example: "30d")
        guard let delaySeconds = DurationText.seconds(outcomeDelay), delaySeconds >= 0, delaySeconds <= 9 * 86_400,
            delaySeconds.truncatingRemainder(dividingBy: 86_400) == 0
        else {
            throw InvalidOption(description: "--outcome-delay must be whole days from 0d to 9d, such as 7d")
        }
        let quietSeconds = try eventTimeSpan(fraudCardQuiet, option: "--fraud-card-quiet", example: "30d", offAllowed: true)
        let halfLifeSeconds = try eventTimeSpan(
            fraudCardHalfLife, option: "--fraud-card-half-life", example: "7d", offAllowed: true)
        let skewSeconds = try eventTimeSpan(maxClockSkew, option: "--max-clock-skew", example: "1h", offAllowed: true)
        guard refitFrauds >= 0, refitLegitimate >= 0 else {
            throw InvalidOption(description: "--refit-frauds and --refit-legitimate must be 0 or more")
        }
        guard (maxLoggedTransactions ?? 0) >= 0 else {
            throw InvalidOption(description: "--max-logged-transactions must be 0 or more")
        }
        guard maxPendingLabels >= 0 else { throw InvalidOption(description: "--max-pending-labels must be 0 or more") }
        guard maxLabelledTransactions >= 1 else {
            throw InvalidOption(description: "--max-labelled-transactions must be at least 1")
        }
        guard maxConnections >= 1 else { throw InvalidOption(description: "--max-connections must be at least 1") }
        if let tcpMaxConnections, !(1...maxConnections).contains(tcpMaxConnections) {
            throw InvalidOption(description: "--tcp-max-connections must be from 1 to --max-connections (\(maxConnections))")
        }
        guard metricsMaxConnections >= 1 else { throw InvalidOption(description: "--metrics-max-connections must be at least 1") }
        guard maxBufferedInput >= 0 else { throw InvalidOption(description: "--max-buffered-input must be 0 (no limit) or more") }
        guard maxBufferedOutput >= 0 else { throw InvalidOption(description: "--max-buffered-output must be 0 (no limit) or more") }
        guard maxLabelRate >= 0 else { throw InvalidOption(description: "--max-label-rate must be 0 (no limit) or more") }
        let idle = try wallClockTimeout(idleTimeout, option: "--idle-timeout")
        let frame = try wallClockTimeout(frameTimeout, option: "--frame-timeout")
        let queueDelay = try wallClockTimeout(maxQueueDelay, option: "--max-queue-delay", minimum: (0.000_5, "0.5ms"))
        guard let graceSeconds = DurationText.seconds(shutdownGrace), graceSeconds <= Self.maximumShutdownGraceSeconds else {
            throw InvalidOption(description: "--shutdown-grace must be a duration from 0s to 1h, such as 10s or 500ms, got '\(shutdownGrace)'")
        }

        var riskModel = RiskModel.builtIn
        if let model {
            do {
                riskModel = try RiskModel.decode(json: try readFile(model))
            } catch {
                throw InvalidOption(description: "model file \(model): \(error)")
            }
        }
        var engine = EngineConfiguration()
        engine.maximumCards = maxCards
        engine.maximumDevices = maxDevices
        engine.maximumMerchants = maxMerchants
        engine.cardIdleSeconds = cardTTLSeconds
        engine.outcomeMaturitySeconds = maturitySeconds
        // The outcome log feeds the challenger's learning and the champion/challenger scoreboard.
        engine.maximumLoggedTransactions = maxLoggedTransactions ?? 1_000_000
        engine.maximumPendingLabels = maxPendingLabels
        engine.maximumLabelledTransactions = maxLabelledTransactions
        engine.learning.enabled = !freezeLearning
        engine.learning.refit.fraudCapacity = refitFrauds
        engine.learning.refit.legitimateCapacity = refitLegitimate
        engine.learning.refit.enabled = refitFrauds > 0
        engine.outcomeDelayDays = Int(delaySeconds / 86_400)
        engine.confirmedFraudQuietSeconds = quietSeconds
        engine.confirmedFraudHalfLifeSeconds = halfLifeSeconds
        engine.maximumClockSkewSeconds = skewSeconds
        let stateDirectory = try StateDirectoryOptions.directory(stateDir)
        // The key is state too: ids must fingerprint after a restart as they did before it.
        engine.fingerprintKey = try FingerprintKeyOptions.key(
            file: fingerprintKeyFile ?? stateDirectory.map { $0 + "/" + StateDirectoryOptions.keyFileName },
            stateDirectory: stateDirectory, ownsFile: fingerprintKeyFile == nil)

        var configuration = StreamifyConfiguration()
        configuration.engine = engine
        configuration.model = riskModel
        configuration.stateDirectory = stateDirectory
        guard let fsyncPolicy = FsyncPolicy(rawValue: fsync) else {
            let choices = FsyncPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            throw InvalidOption(description: "--fsync must be one of \(choices), got '\(fsync)'")
        }
        guard snapshotJournalBytes >= 1 << 20 else {
            throw InvalidOption(description: "--snapshot-journal-bytes must be at least 1048576 (1 MiB)")
        }
        configuration.fsyncPolicy = fsyncPolicy
        configuration.engineService = EngineService.Configuration(
            modelPath: model, learningSnapshotPath: learningSnapshot, snapshotJournalBytes: snapshotJournalBytes)
        configuration.socket.unixSocketPath = unixPath
        configuration.socket.tcpAddress = tcpAddress
        configuration.socket.metricsAddress = metricsAddress
        configuration.socket.maximumFrameLength = maxFrameBytes
        configuration.socket.maximumBatchSize = maxBatch
        configuration.socket.eventLoopThreads = eventLoops
        configuration.socket.shutdownGracePeriodSeconds = graceSeconds
        configuration.socket.maximumConnections = maxConnections
        configuration.socket.maximumTCPConnections = tcpMaxConnections
        configuration.socket.maximumMetricsConnections = metricsMaxConnections
        configuration.socket.idleTimeout = idle
        configuration.socket.frameTimeout = frame
        configuration.socket.maximumQueueDelay = queueDelay
        configuration.socket.maximumLabelsPerSecond = maxLabelRate
        configuration.socket.maximumBufferedOutput = maxBufferedOutput
        configuration.socket.maximumBufferedInput = maxBufferedInput
        configuration.socket.labelPolicy = try LabelPolicyOptions.policy(group: labelGroup, tokenFile: labelTokenFile)
        configuration.socket.tls = try TLSOptions.settings(
            certificate: tlsCert, key: tlsKey, clientCA: tlsClientCA, tcp: tcpAddress, allowInsecure: allowInsecureTCP)
        return configuration
    }

    /// The longest drain `--shutdown-grace` may ask for: longer than any supervisor waits for a
    /// stop, and far inside what the drain's timers can count.
    static let maximumShutdownGraceSeconds: Double = 3_600

    /// An event-time span of at least a minute in whole seconds; 'off' is 0 where `offAllowed`.
    private func eventTimeSpan(_ text: String, option: String, example: String, offAllowed: Bool = false) throws -> UInt32 {
        if offAllowed, text == "off" { return 0 }
        guard let seconds = DurationText.seconds(text), seconds >= 60, seconds <= Double(UInt32.max) else {
            let off = offAllowed ? "'off' or " : ""
            throw InvalidOption(description: "\(option) must be \(off)a duration of at least 1m, such as \(example)")
        }
        return UInt32(seconds)
    }

    /// A wall-clock bound of at least `minimum` (10 ms unless given); 'off' is nil.
    private func wallClockTimeout(
        _ text: String, option: String, minimum: (seconds: Double, text: String) = (0.01, "10ms")
    ) throws -> TimeAmount? {
        if text == "off" { return nil }
        guard let seconds = DurationText.seconds(text), seconds >= minimum.seconds, seconds <= 86_400 * 365 else {
            throw InvalidOption(description: "\(option) must be 'off' or a duration of at least \(minimum.text), such as 10s or 5m")
        }
        return .nanoseconds(Int64(seconds * 1e9))
    }

    private func address(_ text: String, option: String) throws -> HostAndPort? {
        if text == "off" { return nil }
        guard let address = HostAndPort(parsing: text) else {
            throw InvalidOption(description: "\(option) must be HOST:PORT or 'off', got '\(text)'")
        }
        return address
    }
}

/// Reads an environment variable; empty counts as unset.
func environment(_ name: String) -> String? {
    guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
    return value
}

func readFile(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Log output formats.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
