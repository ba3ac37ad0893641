import Foundation

/// A file holding a secret (a token): it must be readable by its owner alone, as `ssh` wants of a
/// key. Whoever can read a label token may label; the Unix socket's group are scorers, not
/// labellers, so a group-readable token would make every scorer a labeller.
enum SecretFile {
    /// The text in `path`, surrounding whitespace trimmed; refused, naming `option`, when the
    /// file cannot be read or others than its owner can read it.
    static func text(at path: String, option: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ServerOptions.InvalidOption(description: "\(option) \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw ServerOptions.InvalidOption(
                description: "\(option) \(path) is readable by others than its owner (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        return String(decoding: try readFile(path), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The shortest token taken, in bytes.
    static let minimumTokenBytes = 16

    /// The token in `path`, as `text(at:option:)` reads it, and at least `minimumTokenBytes` long.
    static func token(at path: String, option: String) throws -> String {
        let token = try text(at: path, option: option)
        guard token.utf8.count >= minimumTokenBytes else {
            throw ServerOptions.InvalidOption(
                description: "\(option) \(path) holds fewer than \(minimumTokenBytes) bytes; use e.g. `openssl rand -hex 32`")
        }
        return token
    }
}
