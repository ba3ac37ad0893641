import Logging
import ScoringModel
import UnixSignals

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reloads the model file on SIGHUP and installs it without interrupting scoring.
///
/// A file that fails to read or validate is logged and ignored: the running model stays.
struct ModelReloader {
    let path: String
    let scoring: ScoringService
    let logger: Logger
    private var engine: RiskEngine { scoring.engine }

    init(path: String, scoring: ScoringService, logger: Logger) {
        self.path = path
        self.scoring = scoring
        self.logger = logger
    }

    /// Waits for SIGHUP until cancelled.
    func run() async {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups {
            reload()
        }
    }

    func reload() {
        do {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let model = try RiskModel.decode(json: bytes)
            let previous = engine.model.version
            scoring.install(model)
            logger.notice("model reloaded", metadata: ["path": "\(path)", "from": "\(previous)", "to": "\(model.version)"])
        } catch {
            logger.error(
                "model reload failed; keeping the running model",
                metadata: ["path": "\(path)", "model": "\(engine.model.version)", "error": "\(error)"])
        }
    }
}
