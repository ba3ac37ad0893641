import StateStore

/// Turns `--state-dir` into the directory the engine's state is kept in.
enum StateDirectoryOptions {
    /// The fingerprint key's file in the state directory, unless `--fingerprint-key-file` says otherwise.
    static let keyFileName = "fingerprint.key"

    /// `text` as a state directory, created (mode 0700) if missing and checked writable; nil
    /// for 'off'. Made now, before the key is written into it.
    static func directory(_ text: String) throws -> String? {
        guard text != "off" else { return nil }
        guard !text.isEmpty else { throw ServerOptions.InvalidOption(description: "--state-dir must be a directory or 'off'") }
        let path = text.count > 1 && text.hasSuffix("/") ? String(text.dropLast()) : text
        do {
            _ = try SnapshotStore(directory: path)
        } catch {
            throw ServerOptions.InvalidOption(description: "--state-dir \(error)")
        }
        return path
    }

    /// Whether `path` holds engine state: a snapshot or a journal segment.
    static func holdsState(_ path: String) -> Bool {
        let snapshots = (try? SnapshotStore(directory: path).snapshots()) ?? []
        let segments = (try? Journal.segments(in: path)) ?? []
        return !snapshots.isEmpty || !segments.isEmpty
    }
}
