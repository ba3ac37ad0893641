/// Takes the answers to frames written with `ScoringClient.writeOnEventLoop(frame:to:)`, one
/// call per request, on the connection's event loop and in the order the frames were written:
/// the summary, or the error the request failed with (the connection closed, a timeout, an
/// answer that was not valid wire format).
public protocol ResponseSummaryReceiver: AnyObject {
    /// The answer to the oldest request not yet answered.
    func receive(_ result: Result<ResponseSummary, any Error>)
}
