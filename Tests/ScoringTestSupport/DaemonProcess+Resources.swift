import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the operating system says the daemon holds: descriptors, CPU time, its limits.
extension DaemonProcess {
    /// Open file descriptors (entries of /proc/PID/fd).
    public var openFileCount: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
    }

    /// The lowest `RLIMIT_NOFILE` that leaves `spare` descriptor numbers free. The limit bounds
    /// numbers, not a count, and the daemon may hold numbers above it (descriptors inherited from
    /// a busy test process), so its count alone can leave many more free.
    public func openFileLimit(leaving spare: Int) -> Int {
        let used = Set(((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).compactMap { Int($0) })
        var free = 0
        var limit = 0
        while free < spare {
            if !used.contains(limit) { free += 1 }
            limit += 1
        }
        return limit
    }

    /// User plus system CPU seconds used so far (/proc/PID/stat fields 14 and 15).
    public var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name start at field 3 (state).
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory in bytes (/proc/PID/statm field 2).
    public var residentBytes: Int {
        guard let statm = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Sets the running daemon's open-file limit (soft and hard) with prlimit(2), as `ulimit -n`
    /// would have before it started; returns false if the call failed.
    @discardableResult
    public func setOpenFileLimit(_ count: Int) -> Bool {
        typealias PRLimit = @convention(c) (pid_t, Int32, UnsafePointer<rlimit>?, UnsafeMutablePointer<rlimit>?) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prlimit") else { return false }
        let call = unsafeBitCast(symbol, to: PRLimit.self)
        var limit = rlimit(rlim_cur: rlim_t(count), rlim_max: rlim_t(count))
        return call(pid, Int32(RLIMIT_NOFILE.rawValue), &limit, nil) == 0
    }
}
