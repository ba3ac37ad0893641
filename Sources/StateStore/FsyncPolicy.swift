/// When appended journal records are forced to the disk, as Redis' `appendfsync`.
///
/// A record is always written to the file (the kernel's page cache) before the answer to its
/// request leaves, so killing the process loses nothing whatever the policy; the policy decides
/// what a power cut or a kernel crash may lose.
public enum FsyncPolicy: String, Sendable, CaseIterable {
    /// fdatasync before every answer leaves: nothing acknowledged is ever lost; every read
    /// burst waits for the disk.
    case always
    /// fdatasync once a second in the background: a power cut loses about the last second.
    case interval
    /// Never forced; the kernel writes back when it likes (about 30 s on Linux by default).
    case never
}
