import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One process's exclusive hold on a directory it writes (a state directory, an archive's log),
/// until `release()` or the value goes away.
///
/// Two daemons pointed at the same directory would write beside each other: the second one's
/// new journal segments made the first one's archive reader delete the segment the first was
/// still appending to. The second is refused at startup instead. The hold is a `flock` on
/// `lockFileName`, which the kernel drops when the process exits however it exits (kill -9
/// included): a crash leaves nothing to clean up, and the file itself means nothing.
public final class DirectoryLock: Sendable {
    /// The file in the directory that is locked.
    public static let lockFileName = "streamify.lock"

    /// The directory held.
    public let directory: String
    /// The locked file's descriptor; -1 once released.
    private let descriptor: Mutex<Int32>

    /// Takes the hold on `directory` (created if missing), or throws naming the directory and
    /// `use` (the option that named it) when another process, or another holder in this one,
    /// has it.
    public init(directory: String, use: String) throws(StateFileError) {
        do throws(StateFileError) {
            try DurableFile.makeDirectory(directory)
        } catch {
            throw StateFileError("\(use) \(error.description)")
        }
        let path = directory + "/" + Self.lockFileName
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StateFileError("open", path: path) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK {
                throw StateFileError(
                    "\(use) \(directory) is in use by another scoring-server (\(path) is locked): one daemon per directory")
            }
            throw StateFileError("flock", path: path, errno: code)
        }
        self.directory = directory
        self.descriptor = Mutex(descriptor)
    }

    /// Gives the hold up (once the daemon has written its last): another process may take it.
    public func release() {
        descriptor.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }
    }

    deinit {
        release()
    }
}
