#if canImport(Glibc)
import Glibc
#endif

/// How the archive thread shares the CPU with scoring (`--archive-priority`).
public enum ArchivePriority: String, Sendable, CaseIterable {
    /// As scoring: the archive keeps up as far as the CPU allows, and takes its share of it.
    case normal
    /// Niceness 19: a small share of a busy CPU.
    case background
    /// `SCHED_IDLE`: only CPU time nothing else wants; a scoring thread that wakes takes the
    /// CPU back at once.
    case idle

    /// Applies the priority to the calling thread (on Linux, niceness and scheduling policy
    /// belong to a thread, and `0` names the calling one). Returns `errno` on failure.
    func applyToCurrentThread() -> Int32? {
        #if os(Linux)
        switch self {
        case .normal:
            return nil
        case .background:
            return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.backgroundNiceness) == 0 ? nil : errno
        case .idle:
            var parameters = sched_param()
            return sched_setscheduler(0, Self.scheduleIdle, &parameters) == 0 ? nil : errno
        }
        #else
        return nil
        #endif
    }

    /// The lowest niceness Linux has.
    static let backgroundNiceness: Int32 = 19
    /// `SCHED_IDLE` from <linux/sched.h>: Glibc declares it only under `_GNU_SOURCE`, which the
    /// Swift module does not import.
    static let scheduleIdle: Int32 = 5
}
