#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Prepares and tidies the file of a Unix domain socket listener.
enum UnixSocketFile {
    struct InUse: Error, CustomStringConvertible {
        var path: String
        var description: String { "another process is listening on \(path); refusing to replace it" }
    }

    struct NotASocket: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) exists and is not a socket; refusing to replace it" }
    }

    struct SystemCallFailed: Error, CustomStringConvertible {
        var call: String
        var path: String
        var code: Int32
        var description: String { "\(call)(\(path)) failed: \(String(cString: strerror(code)))" }
    }

    /// Removes a stale socket file left by a daemon that is gone, but never a live one or a non-socket.
    static func removeIfStale(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw NotASocket(path: path) }
        if isAcceptingConnections(path) { throw InUse(path: path) }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw SystemCallFailed(call: "unlink", path: path, code: errno)
        }
    }

    /// The socket file's mode: owner and group may connect; others may not.
    static let mode: mode_t = 0o660

    /// Runs `bind` (which creates the socket file) under a umask that leaves no bit outside
    /// `mode`, then sets exactly `mode`: the file never exists with a wider mode, whatever the
    /// process umask. The umask is process-wide, so this belongs at start-up, before other
    /// threads create files.
    ///
    /// Binds that overlap (several servers in one process, as in the tests) share one restricted
    /// span: the first sets the umask, the last restores the one from before. Each restoring its
    /// own predecessor's value would leave the restricted umask in place for good.
    static func creatingRestricted<Result>(_ path: String, _ bind: () async throws -> Result) async throws -> Result {
        restrictUmask()
        let result: Result
        do {
            result = try await bind()
        } catch {
            releaseUmask()
            throw error
        }
        releaseUmask()
        guard chmod(path, mode) == 0 else { throw SystemCallFailed(call: "chmod", path: path, code: errno) }
        return result
    }

    /// Binds in progress, and the umask from before the first of them.
    private static let restricted = Mutex<(binds: Int, previous: mode_t)>((0, 0))

    private static func restrictUmask() {
        restricted.withLock { state in
            if state.binds == 0 { state.previous = umask(~mode & 0o777) }
            state.binds += 1
        }
    }

    private static func releaseUmask() {
        restricted.withLock { state in
            state.binds -= 1
            if state.binds == 0 { umask(state.previous) }
        }
    }

    static func remove(_ path: String) {
        _ = unlink(path)
    }

    private static func isAcceptingConnections(_ path: String) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let utf8 = Array(path.utf8)
        guard utf8.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: utf8)
            raw[utf8.count] = 0
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }
}
