#if canImport(Glibc)
import Glibc
#endif

/// Turns `--state-dir` into the directory the engine's state is kept in.
enum StateDirectoryOptions {
    /// The fingerprint key's file in the state directory, unless `--fingerprint-key-file` says otherwise.
    static let keyFileName = "fingerprint.key"

    /// `text` as a state directory, created (mode 0700) if missing; nil for 'off'.
    static func directory(_ text: String) throws -> String? {
        guard text != "off" else { return nil }
        guard !text.isEmpty else { throw ServerOptions.InvalidOption(description: "--state-dir must be a directory or 'off'") }
        let path = text.count > 1 && text.hasSuffix("/") ? String(text.dropLast()) : text
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw ServerOptions.InvalidOption(description: "--state-dir \(path) cannot be created: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw ServerOptions.InvalidOption(description: "--state-dir \(path) is not a directory")
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw ServerOptions.InvalidOption(description: "--state-dir \(path) is not writable by this user")
        }
        return path
    }
}
