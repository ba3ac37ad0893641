import Foundation

/// Makes the writes to a file this process holds open fail as on a full disk, and later lets
/// them through again: how tests reach the code that handles a failed write.
///
/// It finds the descriptor open on a file of `directory` (through `/proc/self/fd`) and, while
/// full, points that descriptor at `/dev/full`, whose writes fail with ENOSPC; `free` points it
/// at the file again, appending. The code under test keeps its descriptor number throughout.
public struct FullDisk {
    /// The descriptor taken over, and the file it was open on.
    public let descriptor: Int32
    public let path: String

    /// The one descriptor of this process open on a file in `directory` whose name starts with `prefix`.
    public init(directory: String, prefix: String = "") throws {
        let canonical = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        var found: [(Int32, String)] = []
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            guard let number = Int32(entry),
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(entry)"),
                (target as NSString).deletingLastPathComponent == canonical,
                (target as NSString).lastPathComponent.hasPrefix(prefix)
            else { continue }
            found.append((number, target))
        }
        guard found.count == 1 else { throw FullDiskError(description: "\(found.count) descriptors open in \(canonical)") }
        (descriptor, path) = found[0]
    }

    /// From now on, every write to the file fails with ENOSPC.
    public func fill() throws {
        try redirect(to: open("/dev/full", O_WRONLY))
    }

    /// From now on, writes seem to succeed and `fdatasync` fails (EINVAL): the descriptor points
    /// at `/dev/null`, so what is written meanwhile never reaches the file.
    public func failSyncs() throws {
        try redirect(to: open("/dev/null", O_WRONLY))
    }

    /// From now on, writes append to the file again. Nothing is done if the descriptor no longer
    /// points where `fill` or `failSyncs` pointed it: the code under test closed it meanwhile
    /// (a journal segment retired), and the number may now be another file's.
    public func free() throws {
        let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")
        guard target == "/dev/full" || target == "/dev/null" else { return }
        try redirect(to: open(path, O_WRONLY | O_APPEND))
    }

    private func redirect(to replacement: Int32) throws {
        guard replacement >= 0 else { throw FullDiskError(description: "open: errno \(errno)") }
        defer { close(replacement) }
        guard dup2(replacement, descriptor) == descriptor else { throw FullDiskError(description: "dup2: errno \(errno)") }
    }
}

/// Why a `FullDisk` could not be set up.
public struct FullDiskError: Error, CustomStringConvertible {
    public var description: String
}
