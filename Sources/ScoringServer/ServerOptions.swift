import ArgumentParser
import Logging
import ScoringDaemon
import ScoringModel

import Foundation

/// Command-line options of `scoring-server`, each with an environment variable fallback.
struct ServerOptions: ParsableArguments {
    @Option(help: "Unix socket path to listen on ('off' for none). Env: STREAMIFY_UNIX")
    var unix: String = environment("STREAMIFY_UNIX") ?? "streamify.sock"

    @Option(help: "TCP HOST:PORT to listen on ('off' for none). Env: STREAMIFY_TCP")
    var tcp: String = environment("STREAMIFY_TCP") ?? "127.0.0.1:7411"

    @Option(help: "HOST:PORT for Prometheus metrics over HTTP ('off' for none). Env: STREAMIFY_METRICS")
    var metrics: String = environment("STREAMIFY_METRICS") ?? "off"

    @Option(help: "Largest request frame in bytes. Env: STREAMIFY_MAX_FRAME_BYTES")
    var maxFrameBytes: Int = environment("STREAMIFY_MAX_FRAME_BYTES").flatMap(Int.init) ?? 1 << 20

    @Option(help: "Most transactions in one score_batch. Env: STREAMIFY_MAX_BATCH")
    var maxBatch: Int = environment("STREAMIFY_MAX_BATCH").flatMap(Int.init) ?? 10_000

    @Option(help: "Event loop threads (default: one per core). Env: STREAMIFY_EVENT_LOOPS")
    var eventLoops: Int = environment("STREAMIFY_EVENT_LOOPS").flatMap(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "JSON model file (weights, thresholds, version); built-in defaults if absent. Env: STREAMIFY_MODEL")
    var model: String? = environment("STREAMIFY_MODEL")

    @Option(help: "Most cards kept in memory; the least recently seen are evicted. Env: STREAMIFY_MAX_CARDS")
    var maxCards: Int = environment("STREAMIFY_MAX_CARDS").flatMap(Int.init) ?? 2_000_000

    @Option(help: "Most devices kept in memory. Env: STREAMIFY_MAX_DEVICES")
    var maxDevices: Int = environment("STREAMIFY_MAX_DEVICES").flatMap(Int.init) ?? 1_000_000

    @Option(help: "Most merchants kept in memory. Env: STREAMIFY_MAX_MERCHANTS")
    var maxMerchants: Int = environment("STREAMIFY_MAX_MERCHANTS").flatMap(Int.init) ?? 250_000

    @Option(help: "Event-time TTL of an idle card, e.g. 90d, 12h. Env: STREAMIFY_CARD_TTL")
    var cardTTL: String = environment("STREAMIFY_CARD_TTL") ?? "90d"

    @Option(help: "How long shutdown waits for connections to drain, e.g. 10s. Env: STREAMIFY_SHUTDOWN_GRACE")
    var shutdownGrace: String = environment("STREAMIFY_SHUTDOWN_GRACE") ?? "10s"

    @Option(help: "trace, debug, info, notice, warning, error or critical. Env: STREAMIFY_LOG_LEVEL")
    var logLevel: Logger.Level = environment("STREAMIFY_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info

    @Option(help: "Log line format: text (key=value) or json. Env: STREAMIFY_LOG_FORMAT")
    var logFormat: LogFormat = environment("STREAMIFY_LOG_FORMAT").flatMap(LogFormat.init(rawValue:)) ?? .text

    struct InvalidOption: Error, CustomStringConvertible {
        var description: String
    }

    /// - Parameter listenersRequired: false in sidecar mode, where the daemon may listen on nothing.
    func makeConfiguration(listenersRequired: Bool = true) throws -> DaemonConfiguration {
        let unixPath: String? = unix == "off" ? nil : unix
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
        guard let cardTTLSeconds = DurationText.seconds(cardTTL), cardTTLSeconds >= 60, cardTTLSeconds <= Double(UInt32.max) else {
            throw InvalidOption(description: "--card-ttl must be a duration of at least 1m, such as 90d or 36h")
        }
        guard let graceSeconds = DurationText.seconds(shutdownGrace) else {
            throw InvalidOption(description: "--shutdown-grace must be a duration such as 10s or 500ms")
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
        engine.cardIdleSeconds = UInt32(cardTTLSeconds)

        return DaemonConfiguration(
            unixSocketPath: unixPath,
            tcpAddress: tcpAddress,
            metricsAddress: metricsAddress,
            maximumFrameLength: maxFrameBytes,
            maximumBatchSize: maxBatch,
            eventLoopThreads: eventLoops,
            shutdownGracePeriodSeconds: graceSeconds,
            engine: engine,
            model: riskModel,
            modelPath: model
        )
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
