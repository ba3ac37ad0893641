/// How many bytes a connection has received, counted by the handler that sees them raw
/// (`ConnectionDeadlineHandler`) and read by `ScoringHandler`, which sees only whole frames: a
/// draining connection whose client is still sending a frame is not quiet.
///
/// Both handlers run on the connection's event loop.
final class InputActivity {
    /// Bytes received so far (wrapping).
    var bytesReceived = 0
}
