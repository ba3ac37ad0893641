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
        guard let stat = ProcStat(path: "/proc/\(pid)/stat"), let user = stat[14].flatMap({ Double($0) }),
            let system = stat[15].flatMap({ Double($0) })
        else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Each thread's scheduling policy (/proc/PID/task/TID/stat field 41): 0 for `SCHED_OTHER`,
    /// 5 for `SCHED_IDLE`.
    public var threadSchedulingPolicies: [Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.compactMap { ProcStat(path: "/proc/\(pid)/task/\($0)/stat")?[41].flatMap { Int($0) } }
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

/// A /proc stat file's fields, by their number in proc(5) (from 1). The command name, field 2,
/// may hold spaces, so the fields are counted from after it.
struct ProcStat {
    /// Field 3 (state) on.
    private let fields: [Substring]

    init?(path: String) {
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8), let afterName = stat.lastIndex(of: ")") else {
            return nil
        }
        fields = stat[stat.index(after: afterName)...].split(separator: " ")
    }

    /// Field `number`, or nil when the file has no such field (or it is one of the first two).
    subscript(number: Int) -> Substring? {
        number >= 3 && number - 3 < fields.count ? fields[number - 3] : nil
    }
}
