import Foundation
import SocketDoor

#if canImport(Glibc)
import Glibc
#endif

/// Turns `--label-group` and `--label-token-file` into the socket door's `LabelPolicy`.
enum LabelPolicyOptions {
    static func policy(group: String?, tokenFile: String?) throws -> LabelPolicy {
        var policy = LabelPolicy()
        if let group {
            guard let entry = getgrnam(group) else {
                throw ServerOptions.InvalidOption(description: "--label-group: no group named '\(group)'")
            }
            policy.labelGroupID = entry.pointee.gr_gid
        }
        if let tokenFile {
            // From a file only its owner can read, long enough that guessing it is out of reach.
            policy.labelToken = Array(try SecretFile.token(at: tokenFile, option: "--label-token-file").utf8)
        }
        return policy
    }
}
