import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The process's open-file limit, which every connection counts against.
enum FileDescriptorLimit {
    /// Descriptors kept for everything that is not a client connection: listeners, event-loop
    /// wakeups, the log, Kafka's sockets, files being written.
    static let reserve = 64

    /// Raises the soft limit to the hard one (as servers usually do: the default soft limit of
    /// 1,024 is for interactive shells) and warns when `maximumConnections` still does not fit.
    /// Past the limit accept(2) fails; the listeners then back off rather than spin, but new
    /// clients wait unanswered, so the connection cap should bind first.
    static func raise(toFit maximumConnections: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let available = Int(clamping: limit.rlim_cur)
        if maximumConnections + reserve > available {
            logger.warning(
                "--max-connections does not fit the open-file limit: clients past the limit wait unanswered instead of being refused",
                metadata: ["max_connections": "\(maximumConnections)", "open_file_limit": "\(available)", "reserve": "\(reserve)"])
        }
    }
}
