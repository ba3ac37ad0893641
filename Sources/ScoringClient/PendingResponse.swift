import NIOCore
import StreamifyWire

/// A request on the wire waiting for its answer, and how the answer should be delivered.
enum PendingResponse {
    /// Decode the whole response into Swift values.
    case full(EventLoopPromise<Response>)
    /// Decode only a `ResponseSummary` (ids, codes, scores, levels).
    case summary(EventLoopPromise<ResponseSummary>)
    /// Decode only a `ResponseSummary` and hand it to a receiver that takes every answer of a
    /// connection: no promise or future per request.
    case receiver(any ResponseSummaryReceiver)

    func fail(_ error: any Error) {
        switch self {
        case .full(let promise): promise.fail(error)
        case .summary(let promise): promise.fail(error)
        case .receiver(let receiver): receiver.receive(.failure(error))
        }
    }
}
