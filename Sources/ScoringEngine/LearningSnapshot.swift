import Logging
import ScoringModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes the online-learned model as a model file (start the daemon with `--model` on it to
/// resume from there). Written to a temporary file and renamed, so a reader never sees half.
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
            let temporary = path + ".tmp"
            try model.encodedJSON().write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else {
                throw SnapshotError(description: "rename \(temporary) -> \(path) failed: errno \(errno)")
            }
            logger.notice("learned model written", metadata: ["path": "\(path)", "model": "\(model.version)"])
        } catch {
            logger.error("learned model snapshot failed", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}

private struct SnapshotError: Error, CustomStringConvertible {
    var description: String
}
