import Foundation
import SocketDoor

#if canImport(Glibc)
import Glibc
#endif

/// Turns `--label-group` and `--label-token-file` into the socket door's `LabelPolicy`.
enum LabelPolicyOptions {
    /// The shortest token accepted: guessing it must be out of reach.
    static let minimumTokenBytes = 16

    static func policy(group: String?, tokenFile: String?) throws -> LabelPolicy {
        var policy = LabelPolicy()
        if let group {
            guard let entry = getgrnam(group) else {
                throw ServerOptions.InvalidOption(description: "--label-group: no group named '\(group)'")
            }
            policy.labelGroupID = entry.pointee.gr_gid
        }
        if let tokenFile {
            policy.labelToken = try token(from: tokenFile)
        }
        return policy
    }

    /// The token in `path` (surrounding whitespace trimmed), from a file only its owner can read
    /// (`SecretFile`).
    private static func token(from path: String) throws -> [UInt8] {
        let text = try SecretFile.text(at: path, option: "--label-token-file")
        guard text.utf8.count >= minimumTokenBytes else {
            throw ServerOptions.InvalidOption(
                description: "--label-token-file \(path) holds fewer than \(minimumTokenBytes) bytes; use e.g. `openssl rand -hex 32`")
        }
        return Array(text.utf8)
    }
}
