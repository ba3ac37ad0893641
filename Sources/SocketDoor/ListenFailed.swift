import NIOCore
import StreamifyWire

/// A listener that could not be opened, naming it and the reason in the system's words
/// (`IOError.reason`).
public struct ListenFailed: Error, CustomStringConvertible {
    /// What was to listen: "the Unix socket PATH", "TCP HOST:PORT".
    public var listener: String
    /// Why it could not.
    public var reason: String

    public var description: String { "cannot listen on \(listener): \(reason)" }

    /// Runs `bind`, and throws what it throws as a `ListenFailed` naming `listener`.
    static func naming<Result>(_ listener: String, _ bind: () async throws -> Result) async throws -> Result {
        do {
            return try await bind()
        } catch let error as IOError {
            throw ListenFailed(listener: listener, reason: error.reason)
        } catch {
            throw ListenFailed(listener: listener, reason: "\(error)")
        }
    }
}
