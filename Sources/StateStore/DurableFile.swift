#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file operation that failed, with the path and errno's meaning.
public struct StateFileError: Error, CustomStringConvertible {
    /// What failed, for the log.
    public var description: String

    init(_ operation: String, path: String, errno code: Int32 = errno) {
        description = "\(operation) \(path): \(String(cString: strerror(code)))"
    }

    init(_ description: String) {
        self.description = description
    }
}

/// Whole-file reads and crash-safe whole-file writes.
public enum DurableFile {
    /// What `write(_:to:)` appends to the path of the file it writes first: such a file left
    /// behind was cut short by a crash, and is never a whole one.
    public static let temporarySuffix = ".tmp"

    /// Writes `chunks` to `path` so that after a crash the path holds either its old content or
    /// all of the new, never a mix: a temporary file in the same directory, fsynced, renamed over
    /// `path`, then the directory fsynced so the rename itself survives a power cut.
    public static func write(_ chunks: [[UInt8]], to path: String) throws(StateFileError) {
        let temporary = path + temporarySuffix
        let descriptor = open(temporary, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StateFileError("create", path: temporary) }
        do throws(StateFileError) {
            for chunk in chunks { try writeAll(chunk, to: descriptor, path: temporary) }
            guard fsync(descriptor) == 0 else { throw StateFileError("fsync", path: temporary) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let failure = StateFileError("rename to \(path)", path: temporary)
            unlink(temporary)
            throw failure
        }
        try syncDirectory(of: path)
    }

    /// Writes every byte of the array `bytes`, as the buffer form below.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(StateFileError) {
        // `withUnsafeBytes` rethrows untyped errors: the typed one goes out through a `Result`.
        let written = bytes.withUnsafeBytes { bytes in
            Result { () throws(StateFileError) in try writeAll(bytes, to: descriptor, path: path) }
        }
        try written.get()
    }

    /// Writes every byte of `bytes`, retrying short writes and interruptions.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws(StateFileError) {
        var written = 0
        while written < bytes.count {
            let result = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                throw StateFileError("write", path: path)
            }
            written += result
        }
    }

    /// The content of `path` from byte `start` on, at most `limit` bytes (by default, all of it).
    static func read(_ path: String, from start: Int = 0, limit: Int = .max) throws(StateFileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StateFileError("open", path: path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StateFileError("stat", path: path) }
        let size = min(max(Int(status.st_size) - start, 0), limit)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let result = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, size - done, off_t(start + done)) }
            if result < 0 {
                if errno == EINTR { continue }
                throw StateFileError("read", path: path)
            }
            if result == 0 { break }
            done += result
        }
        return done == size ? bytes : Array(bytes[..<done])
    }

    /// Cuts `path` to its first `length` bytes and forces the cut to the disk: bytes appended
    /// after it must never come to follow the old tail again after a power cut.
    static func truncate(_ path: String, to length: Int) throws(StateFileError) {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StateFileError("open", path: path) }
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw StateFileError("truncate", path: path) }
        guard fdatasync(descriptor) == 0 else { throw StateFileError("fdatasync", path: path) }
    }

    /// The size of the file at `path` now; 0 if it cannot be read.
    public static func size(of path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }

    /// Fsyncs the directory holding `path`, making a rename or a new file in it durable.
    public static func syncDirectory(of path: String) throws(StateFileError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StateFileError("open directory", path: directory) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StateFileError("fsync directory", path: directory) }
    }

    /// `path` absolute, with every link, `.` and `..` resolved (`realpath(3)`): one spelling for
    /// one place, whatever a command line said. `path` itself when it does not exist.
    public static func canonicalPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Creates `path` as a directory only its owner may enter, unless it exists; either way it
    /// must be a directory this user may write in.
    static func makeDirectory(_ path: String) throws(StateFileError) {
        if mkdir(path, 0o700) == 0 {
            // Its entry in the parent is made durable too: fsyncs of files inside it do not
            // promise that, and a power cut could otherwise take the directory with them. A
            // parent this user may write in but not read (mode -wx) cannot be opened to be
            // fsynced: the promise is the filesystem's then, as for every start after this one.
            var trimmed = Substring(path)
            while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
            do {
                try syncDirectory(of: String(trimmed))
            } catch where errno == EACCES {}
        } else if errno != EEXIST {
            throw StateFileError("create directory", path: path)
        }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw StateFileError("\(path) exists and is not a directory")
        }
        guard access(path, W_OK | X_OK) == 0 else { throw StateFileError("\(path) is not writable by this user") }
    }

    /// `path`, or the first of `path.2`, `path.3`… that names nothing: where a file is set aside
    /// without replacing one set aside under the same name before.
    static func unusedName(_ path: String) -> String {
        var candidate = path
        var number = 1
        while access(candidate, F_OK) == 0 {
            number += 1
            candidate = "\(path).\(number)"
        }
        return candidate
    }

    /// Names of the entries of directory `path`.
    static func list(_ path: String) throws(StateFileError) -> [String] {
        guard let directory = opendir(path) else { throw StateFileError("list", path: path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
