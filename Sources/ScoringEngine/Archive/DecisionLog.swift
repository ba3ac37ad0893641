import CStreamifyProto
import Logging
import ScoringModel
import StateStore
import Synchronization

/// The durable log of every decision and every label, which the archive (`--archive`) reads.
///
/// `ScoringService` appends a `DecisionRecord` for each transaction it scores and each label it
/// records, and writes them in the same group commit as the state journal, before the answers
/// leave: so a decision whose answer left is in the file (the kernel's page cache), and killing
/// the process loses none. The archive follows the log (`JournalTail`) off the event loops, at
/// its own pace, and keeps its place in its own database.
///
/// The log is kept in lanes (`JournalLanes`), one per thread that scores (`ThreadLane`, up to
/// `lanes.count`; threads beyond share one): an event loop builds each record in place in its
/// own lane's memory and writes its own segment, so event loops never wait for one another's
/// appends or write(2), and no record is copied before the write (docs/archive.md).
///
/// Bounded: while the archive is more than `backlogLimit` bytes behind, decisions are shed (not
/// logged, counted in `shedCount`) instead of filling the disk; logging resumes once it is back
/// under half the limit. While a lane cannot be written (a full disk), what it held waits in
/// memory for the next commit and its new decisions are shed, so memory stays bounded too.
public final class DecisionLog: Sendable {
    /// The log's lanes, each a `Journal` in its own directory.
    public let lanes: [Journal]
    /// The directory the lanes are in.
    public let directory: String
    /// How far behind the archive may fall, in bytes, before decisions are shed.
    public let backlogLimit: Int
    private let shedding = Atomic<Bool>(false)
    private let shed = Atomic<Int>(0)
    /// Whether each lane's last commit failed (indexed as `lanes`): a failure is logged once,
    /// when its lane first fails, and the recovery when it next succeeds.
    private let failing: [LaneFailure]
    private let logger: Logger

    /// Opens the log in `directory` (created if missing) with `lanes` lanes, each in a new
    /// segment, so that a tail torn by a kill stays at the end of the segment before, where the
    /// archive reads up to it. The daemon gives a lane to each thread that may score.
    public init(directory: String, lanes: Int = 1, fsyncPolicy: FsyncPolicy, backlogLimit: Int, logger: Logger) throws {
        try Journal.makeDirectory(directory)
        self.lanes = try (0..<max(lanes, 1)).map { number in
            let lane = JournalLanes.directory(of: number, in: directory)
            try Journal.makeDirectory(lane)
            let next = (try Journal.segments(in: lane).last).map { $0 + 1 } ?? 0
            return try Journal(directory: lane, segment: next, layout: DecisionRecord.layout, fsyncPolicy: fsyncPolicy)
        }
        self.failing = self.lanes.map { _ in LaneFailure() }
        self.directory = directory
        self.backlogLimit = backlogLimit
        self.logger = logger
    }

    /// Decisions and labels not logged because the archive was too far behind, or their lane
    /// could not be written.
    public var shedCount: Int { shed.load(ordering: .relaxed) }

    /// Whether decisions are being shed now.
    public var isShedding: Bool { shedding.load(ordering: .relaxed) }

    /// Appends the record of `transaction`, scored as `assessment` on `features` by `modelVersion`.
    @inline(__always)
    func record(
        _ transaction: UnsafePointer<Streamify__V1__Transaction>, _ assessment: RiskAssessment, features: FeatureVector,
        modelVersion: String
    ) {
        append(.decision, maximumBytes: DecisionRecord.maximumBytes) {
            DecisionRecord.writeDecision(transaction, assessment, features: features, modelVersion: modelVersion, into: $0)
        }
    }

    /// Appends the record `write` builds (in at most `maximumBytes`, returning its length) in
    /// place, in the calling thread's lane, if the lane admits it (`admits(lane:)`).
    @inline(__always)
    private func append(_ kind: DecisionRecord.Kind, maximumBytes: Int, building write: (UnsafeMutableRawBufferPointer) -> Int) {
        let lane = currentLane
        guard admits(lane: lane) else { return }
        lanes[lane].append(kind: kind.rawValue, maximumPayload: maximumBytes, writing: write)
    }

    /// The calling thread's lane.
    @inline(__always)
    private var currentLane: Int { ThreadLane.current % lanes.count }

    /// Whether a record may be appended to `lane` now; counts the one refused. Refused while the
    /// archive is too far behind, and while the lane cannot be written: the records appended
    /// before its commit failed wait in memory for the next commit, but no more join them, so
    /// a full disk costs decisions in the archive, counted, never memory without end.
    @inline(__always)
    private func admits(lane: Int) -> Bool {
        guard shedding.load(ordering: .relaxed) || failing[lane].flag.load(ordering: .relaxed) else { return true }
        shed.add(1, ordering: .relaxed)
        return false
    }

    /// Appends the record of `feedback`, recorded as `disposition`.
    func record(_ feedback: UnsafePointer<Streamify__V1__Feedback>, _ disposition: LabelDisposition) {
        append(.label, maximumBytes: DecisionRecord.maximumLabelBytes) { DecisionRecord.writeLabel(feedback, disposition: disposition, into: $0) }
    }

    /// Writes what the calling thread appended since its lane's last commit (one write(2)): a
    /// door calls it on the thread that scored, before the answers leave. Only that lane: an
    /// event loop that wrote another loop's lane held that loop's next append for the length of
    /// its write(2) (`_lockSlow` in a `perf` profile of the loops). A failure is logged once; the
    /// records stay pending for the next commit, and the lane takes no more until one succeeds
    /// (`shedCount`); scoring goes on (the state journal, not this log, guards the state).
    public func commit() {
        commit(lane: currentLane)
    }

    /// Writes what was appended since the last commit in every lane, whichever thread appended
    /// it: for stopping, and for a caller that scored on other threads than its own.
    public func commitEveryLane() {
        // Every lane is tried: one that cannot be written does not hold the others back.
        for lane in lanes.indices { commit(lane: lane) }
    }

    private func commit(lane: Int) {
        do throws(StateFileError) {
            try lanes[lane].commit()
            if failing[lane].flag.exchange(false, ordering: .relaxed) {
                logger.notice("decision log writable again", metadata: ["lane": "\(lane)"])
            }
        } catch {
            if !failing[lane].flag.exchange(true, ordering: .relaxed) {
                logger.critical(
                    "decision log cannot be written: decisions already taken wait in memory, new ones are not logged until it can",
                    metadata: ["lane": "\(lane)", "error": "\(error)"])
            }
        }
    }

    /// Tells the log how far behind the archive is: at or past `backlogLimit` decisions are
    /// shed, and logged again once it is under half of it.
    public func archiveBacklog(_ bytes: Int) {
        let shedNow = isShedding
        if !shedNow, bytes >= backlogLimit {
            shedding.store(true, ordering: .relaxed)
            logger.error(
                "the archive is too far behind: decisions are not logged for it until it catches up",
                metadata: ["backlog_bytes": "\(bytes)", "limit": "\(backlogLimit)"])
        } else if shedNow, bytes < backlogLimit / 2 {
            shedding.store(false, ordering: .relaxed)
            logger.notice("the archive caught up: decisions are logged again", metadata: ["shed": "\(shedCount)"])
        }
    }

    /// Commits and starts a new segment in each lane whose current one holds more than
    /// `bytes`, so the archive can remove what it has read. Called off the event loops.
    public func rotate(beyond bytes: Int) throws {
        for lane in lanes where lane.bytesInSegment > bytes {
            try lane.rotate(to: lane.segment + 1).sync()
        }
    }

    /// Starts a new segment in the lane whose directory is `directory` (committing first): the
    /// archive asks for it when a record of that lane's newest segment will never read, so that
    /// it can skip the rest of the segment and go on. A lane no writer of this run owns (an
    /// earlier run had more) gets an empty new segment, as a start gives every lane it writes.
    /// Called off the event loops.
    public func rotate(laneIn directory: String) throws {
        let directory = DurableFile.canonicalPath(directory)
        if let lane = lanes.first(where: { DurableFile.canonicalPath($0.directory) == directory }) {
            try lane.rotate(to: lane.segment + 1).sync()
            return
        }
        let next = (try Journal.segments(in: directory).last).map { $0 + 1 } ?? 0
        try Journal(directory: directory, segment: next, layout: DecisionRecord.layout, fsyncPolicy: .always).close()
    }

    /// Commits, forces everything to the disk and closes each lane's segment.
    public func close() throws {
        for lane in lanes { try lane.close() }
    }
}

/// Whether a lane's last commit failed.
private final class LaneFailure: Sendable {
    let flag = Atomic<Bool>(false)
}
