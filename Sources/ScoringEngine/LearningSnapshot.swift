import Logging
import ScoringModel
import StateStore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes the online-learned model as a model file (start the daemon with `--model` on it to
/// resume from there). Written as `DurableFile.write` writes, so a reader, or a start after a
/// power cut, never sees half of it.
struct LearningSnapshot {
    let path: String
    let engine: RiskEngine
    let logger: Logger

    func write() {
        guard let model = engine.learnedSnapshot() else {
            logger.info("no learned model to snapshot: no logistic model installed", metadata: ["path": "\(path)"])
            return
        }
        do {
            try DurableFile.write([Array(model.encodedJSON())], to: path)
            logger.notice("learned model written", metadata: ["path": "\(path)", "model": "\(model.version)"])
        } catch {
            logger.error("learned model snapshot failed", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}

