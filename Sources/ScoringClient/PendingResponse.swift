import NIOCore
import StreamifyWire

/// A request on the wire waiting for its answer, and how the answer should be delivered.
enum PendingResponse {
    /// Decode the whole response into Swift values.
    case full(EventLoopPromise<Response>)
    /// Decode only a `ResponseSummary` (ids, codes, scores, levels).
    case summary(EventLoopPromise<ResponseSummary>)

    func fail(_ error: any Error) {
        switch self {
        case .full(let promise): promise.fail(error)
        case .summary(let promise): promise.fail(error)
        }
    }
}
