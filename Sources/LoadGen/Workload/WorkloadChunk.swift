import SyntheticWorld
/// A run of requests for one connection, produced together.
final class WorkloadChunk: Sendable {
    let requests: [EncodedRequest]
    /// Ground truth per transaction (`GroundTruth.code`, or `GroundTruth.unknownCode`).
    let truthCodes: [UInt8]
    let transactionCount: Int

    init(requests: [EncodedRequest], truthCodes: [UInt8], transactionCount: Int) {
        self.requests = requests
        self.truthCodes = truthCodes
        self.transactionCount = transactionCount
    }
}
