/// When an archive at idle priority holds back, and when a batch it starts may stop early.
///
/// `SCHED_IDLE` alone does not keep a saturated machine's scoring whole: in a closed loop at
/// full load the archive thread still took about a second of CPU per million decisions, and
/// scoring lost about as much (docs/archive.md). So while the machine's CPUs are nearly all
/// busy (`CPUIdleness`, sampled over a wait) the archive waits, and a batch begun in a lull
/// stops once the thread gets less than half of the time it runs for (`yieldsBelowCPUShare`):
/// a burst is scored first and archived after. Two bounds: the archive holds back at most
/// `maximum` in a row, how stale the warehouse may get under a load that does not end, and not
/// at all once the backlog reaches half its limit, which leaves room to catch up before
/// decisions are shed. A batch either bound lets through runs to its end.
struct ArchiveDeferral {
    /// What to do next.
    enum Decision: Equatable {
        /// Wait this long, then look again.
        case wait(Duration)
        /// Archive a batch; it may stop early if scoring comes back (`mayYield`).
        case archive(mayYield: Bool)
    }

    /// Below this share of idle CPU time the machine counts as saturated.
    static let busyBelowIdleShare = 0.1
    /// A batch that may yield stops once this thread got less than this share of the time it
    /// ran for: at `SCHED_IDLE`, it is being preempted by scoring more than it runs.
    static let yieldsBelowCPUShare = 0.5
    /// The first wait of a run of holding back; each batch that yields doubles it, up to `longestWait`.
    static let shortestWait = Duration.milliseconds(50)
    /// The longest wait between two looks.
    static let longestWait = Duration.seconds(1)

    /// The longest the archive holds back in a row; zero: never (and batches never yield).
    let maximum: Duration
    /// When the current run of holding back began.
    private var since: ContinuousClock.Instant?
    /// The next wait.
    private var pause = Self.shortestWait

    /// A deferral that holds back for at most `maximum` in a row.
    init(maximum: Duration) {
        self.maximum = maximum
    }

    /// What to do at `now`, the log `backlog` bytes behind (limit `backlogLimit`), with
    /// `idleShare` of the CPU idle since the last look (nil: unknown).
    mutating func decide(now: ContinuousClock.Instant, idleShare: Double?, backlog: Int, backlogLimit: Int) -> Decision {
        guard maximum > .zero, backlog < backlogLimit / 2 else {
            reset()
            return .archive(mayYield: false)
        }
        if backlog == 0 {
            reset()
            return .archive(mayYield: true)
        }
        if let since, now - since >= maximum {
            reset()
            return .archive(mayYield: false)
        }
        guard let idleShare, idleShare < Self.busyBelowIdleShare else { return .archive(mayYield: true) }
        if since == nil { since = now }
        return .wait(pause)
    }

    /// Notes how a batch `decide` let through ended at `now`: one that yielded to scoring
    /// continues (or begins) a run of holding back, with a longer wait next; one that ran to
    /// its end ends the run.
    mutating func finished(yielded: Bool, now: ContinuousClock.Instant) {
        guard yielded else { return reset() }
        if since == nil { since = now }
        pause = min(pause * 2, Self.longestWait)
    }

    private mutating func reset() {
        since = nil
        pause = Self.shortestWait
    }
}
