import Foundation
import ScoringModel
import StateStore

#if canImport(Glibc)
import Glibc
#endif

/// Turns `--fingerprint-key-file` into the engine's `FingerprintKey`.
///
/// The key is a deployment's secret: with it, fingerprints of crafted ids cannot be made to
/// collide offline. It must outlive the process wherever state does, so restarts (and, with
/// durable state, recoveries) fingerprint every id as before.
enum FingerprintKeyOptions {
    /// The key in `path`, created there (mode 0600, a fresh random key) when the file does not
    /// exist; without a file, a random key for this run only.
    ///
    /// A missing key is refused when `stateDirectory` already holds state (a snapshot or a
    /// journal): that state was fingerprinted under the lost key, and a new one would start
    /// every card afresh while the old entries linger. When the file is the daemon's own (the
    /// state directory's, `ownsFile`), an empty one is what a crash between its creation and its
    /// write leaves: replaced while no state depends on it. A file the operator named is never
    /// replaced (it may be a link to a secret provisioned later).
    static func key(file path: String?, stateDirectory: String?, ownsFile: Bool) throws -> FingerprintKey {
        guard let path else { return .random() }
        let stateHeld = stateDirectory.map(StateDirectoryOptions.holdsState) ?? false
        var info = stat()
        if lstat(path, &info) != 0 {
            if errno == ENOENT, stateHeld, let stateDirectory {
                throw failure(
                    path,
                    "is missing, but \(stateDirectory) holds state fingerprinted under it: with a new key every id "
                        + "would start afresh. Restore the key file, or start on an empty --state-dir")
            }
        } else if ownsFile, info.st_mode & S_IFMT == S_IFREG, info.st_size == 0, !stateHeld {
            unlink(path)
        }
        if let created = try create(path) { return created }
        guard stat(path, &info) == 0 else { throw failure(path, String(cString: strerror(errno))) }
        guard info.st_mode & 0o077 == 0 else {
            throw failure(path, "is readable by others than its owner (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        let text = String(decoding: try readFile(path), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = FingerprintKey(hex: text) else {
            throw failure(path, "must hold \(FingerprintKey.hexDigitCount) hexadecimal digits, e.g. from `openssl rand -hex 16`")
        }
        return key
    }

    /// Writes a new random key to `path` if nothing is there yet; nil if the file exists.
    private static func create(_ path: String) throws -> FingerprintKey? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return nil }
            throw failure(path, "cannot be created: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let key = FingerprintKey.random()
        let line = Array((key.hex + "\n").utf8)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0, (try? DurableFile.syncDirectory(of: path)) != nil else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw failure(path, "cannot be written: \(reason)")
        }
        return key
    }

    private static func failure(_ path: String, _ reason: String) -> ServerOptions.InvalidOption {
        ServerOptions.InvalidOption(description: "--fingerprint-key-file \(path) \(reason)")
    }
}
