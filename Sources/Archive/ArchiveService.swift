import CoreMetrics
import Foundation
import Logging
import ScoringEngine
import ServiceLifecycle
import StateStore
import Synchronization

/// The archive (`--archive`): a ServiceLifecycle `Service` that follows the decision log into
/// the SQLite warehouse on a thread of its own, off the event loops and the cooperative pool
/// (SQLite blocks).
///
/// It starts before the doors, so it stops after them: on graceful shutdown it archives what
/// the log holds to its end, so a clean stop leaves nothing behind; a crash leaves the rest in
/// the log for the next start. At idle priority it also holds back while the machine's CPUs
/// are saturated (`ArchiveDeferral`). Its metrics: `streamify_archive_records_total{kind}`,
/// `streamify_archive_backlog_bytes`, `streamify_archive_shed_total`,
/// `streamify_archive_deferred_waits_total`, `streamify_archive_failures_total` (batches that
/// failed and were tried again), `streamify_archive_wal_bytes` (the warehouse's write-ahead log),
/// `streamify_archive_stuck_segments_total` (decision-log segments left at a corrupt record).
public final class ArchiveService: Service, Sendable {
    private let configuration: ArchiveConfiguration
    private let log: DecisionLog
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let lastCursor = Mutex(Archiver.Cursor())

    /// How long the thread waits when the log has nothing new, or while it holds back.
    static let idleWait = 0.05
    /// Records between two looks at whether a batch that may yield should (about 25 ms of the
    /// archive's CPU, at 20,000–25,000 rows a second).
    static let yieldingChunkRecords = 500
    /// A write-ahead log larger than this is logged: four times what a checkpoint lets it reach
    /// while nothing holds it.
    static let walWarningBytes = 4 * SQLiteDatabase.checkpointBytes
    /// Records a batch that may not yield reads between two looks at the backlog: a batch of
    /// 100k records on a busy machine can take tens of seconds, while the log goes on growing.
    static let backlogCheckChunkRecords = 10_000

    /// An archive of what `log` records, as `configuration` sets.
    public init(configuration: ArchiveConfiguration, log: DecisionLog, logger: Logger) {
        self.configuration = configuration
        self.log = log
        self.logger = logger
    }

    /// Where the archive had got to at its last batch.
    public var cursor: Archiver.Cursor { lastCursor.withLock { $0 } }

    public func run() async throws {
        // A graceful shutdown stops the thread once it has archived to the end; so does a
        // cancellation (another service failed): the thread does not see the task's.
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let thread = Thread { [self] in continuation.resume(with: Result { try work() }) }
                    thread.name = "streamify-archive"
                    thread.start()
                }
            } onGracefulShutdown: {
                self.stopping.store(true, ordering: .relaxed)
            }
        } onCancel: {
            self.stopping.store(true, ordering: .relaxed)
        }
    }

    /// How long the thread waits after a failed batch before it tries again.
    static let retryWait = 1.0

    /// The archiver, once the warehouse opens; nil if a stop came first. A warehouse another
    /// writer holds past SQLite's busy timeout (a long `retention` run) is tried again every
    /// `retryWait`: scoring goes on meanwhile, as for a batch that fails so. Any other failure
    /// (not a database, no room for its schema) ends the thread with the error.
    private func openArchiver() throws -> Archiver? {
        var attempts = 0
        while true {
            do {
                return try Archiver(
                    databasePath: configuration.databasePath, logDirectory: configuration.logDirectory,
                    alertLevel: configuration.alertLevel)
            } catch let error as SQLiteError where error.isBusy {
                attempts += 1
                if attempts == 1 || attempts % 60 == 0 {
                    logger.error(
                        "archive busy (another writer holds it): opening it again in a moment",
                        metadata: ["path": "\(configuration.databasePath)", "error": "\(error)", "attempts": "\(attempts)"])
                }
                if stopping.load(ordering: .relaxed) { return nil }
                // Meanwhile the log is bounded as when batches fail: without the warehouse's
                // cursor, all of it counts as behind.
                if let behind = try? Archiver.backlog(in: configuration.logDirectory, after: Archiver.Cursor()) {
                    log.archiveBacklog(behind)
                }
                try? log.rotate(beyond: configuration.segmentBytes)
                Thread.sleep(forTimeInterval: Self.retryWait)
            }
        }
    }

    /// The thread's loop: archive, publish, rotate; at a stop, archive to the end and close the log.
    private func work() throws {
        yieldCPU()
        guard let archiver = try openArchiver() else {
            // Stopped before the warehouse opened: the log keeps everything for the next start.
            log.commitEveryLane()
            try log.close()
            return
        }
        logger.info(
            "archive open", metadata: ["path": "\(configuration.databasePath)", "resumes_at": "\(archiver.cursor)"])
        let records = (
            decisions: Counter(label: "streamify_archive_records_total", dimensions: [("kind", "decision")]),
            labels: Counter(label: "streamify_archive_records_total", dimensions: [("kind", "label")])
        )
        let backlog = Gauge(label: "streamify_archive_backlog_bytes")
        let walSize = Gauge(label: "streamify_archive_wal_bytes")
        var walWarned = false
        let shed = Counter(label: "streamify_archive_shed_total")
        let deferredWaits = Counter(label: "streamify_archive_deferred_waits_total")
        var published = archiver.cursor
        var shedPublished = 0
        var idleness = CPUIdleness()
        var deferral = ArchiveDeferral(maximum: configuration.priority == .idle ? configuration.maximumDeferral : .zero)
        var share = ThreadCPUShare()
        let failedBatches = Counter(label: "streamify_archive_failures_total")
        let stuckSegments = Counter(label: "streamify_archive_stuck_segments_total")
        /// Lanes seen stuck on the last turn, and where.
        var suspects: [String: JournalTail.Position] = [:]
        var failures = 0
        while true {
            // Read the flag first: a stop seen here still archives everything committed before it.
            let stop = stopping.load(ordering: .relaxed)
            if stop { log.commitEveryLane() }
            // A failure (SQLite busy past its timeout behind a long retention delete, a full
            // disk) costs this batch, rolled back, and never the daemon's answers: the decision
            // log keeps the records, and the batch is tried again.
            do {
                // Sampled every turn, so that after a wait it measures the wait, when this thread did
                // not run; the backlog read and published now, once a turn, so that a burst that
                // began during a wait is seen and shedding follows it.
                let idleShare = idleness.sample()
                let behind = try archiver.backlog()
                backlog.record(behind)
                log.archiveBacklog(behind)
                let wal = archiver.database.walBytes
                walSize.record(wal)
                if wal > Self.walWarningBytes, !walWarned {
                    logger.warning(
                        "the warehouse's write-ahead log is large: a reader holds it (an open transaction, a long query), or a large delete ran; it shrinks once checkpointed",
                        metadata: ["bytes": "\(wal)"])
                }
                walWarned = wal > Self.walWarningBytes
                let decision = deferral.decide(now: .now, idleShare: idleShare, backlog: behind, backlogLimit: log.backlogLimit)
                if !stop, case .wait(let pause) = decision {
                    deferredWaits.increment()
                    Thread.sleep(forTimeInterval: pause / .seconds(1))
                    continue
                }
                let mayYield = !stop && decision == .archive(mayYield: true)
                var yielded = false
                share.restart()
                let count = try archiver.archiveAvailable(
                    maximumRecords: configuration.batchRecords,
                    chunkRecords: mayYield ? Self.yieldingChunkRecords : Self.backlogCheckChunkRecords
                ) {
                    // The backlog as it grows during a long batch, so shedding follows it.
                    if let behind = try? archiver.backlog() { log.archiveBacklog(behind) }
                    // Goes on while this thread gets most of a CPU; a sample too early to tell goes on.
                    yielded = mayYield && (share.sample() ?? 1) < ArchiveDeferral.yieldsBelowCPUShare
                    return !yielded
                }
                if mayYield { deferral.finished(yielded: yielded, now: .now) }
                let cursor = archiver.cursor
                records.decisions.increment(by: cursor.decisions - published.decisions)
                records.labels.increment(by: cursor.labels - published.labels)
                if cursor.droppedBytes > published.droppedBytes {
                    logger.warning(
                        "decision log bytes skipped (a torn tail or a record that would not read)",
                        metadata: ["bytes": "\(cursor.droppedBytes - published.droppedBytes)"])
                }
                for lane in archiver.restartedLanes {
                    logger.warning(
                        "decision log lane made anew (its segments are older than the archive's cursor): archived from its start",
                        metadata: ["lane": "\(lane)"])
                }
                published = cursor
                lastCursor.withLock { $0 = cursor }
                suspects = moveStuckLanes(archiver.stuckLanes, read: archiver.lanesRead, seenBefore: suspects, counting: stuckSegments)
                shed.increment(by: log.shedCount - shedPublished)
                shedPublished = log.shedCount
                try log.rotate(beyond: configuration.segmentBytes)
                if failures > 0 {
                    logger.notice("archive writing again", metadata: ["failed_batches": "\(failures)"])
                    failures = 0
                }
                if stop, count == 0 { break }
                if count == 0 { Thread.sleep(forTimeInterval: Self.idleWait) }
            } catch {
                failures += 1
                failedBatches.increment()
                if stop {
                    logger.error(
                        "archive stopping with records left in the decision log; the next start archives them",
                        metadata: ["error": "\(error)"])
                    break
                }
                if failures == 1 || failures % 60 == 0 {
                    logger.error(
                        "archive batch failed; trying again (the decision log keeps the records)",
                        metadata: ["error": "\(error)", "failed_batches": "\(failures)"])
                }
                Thread.sleep(forTimeInterval: Self.retryWait)
            }
        }
        try log.close()
        logger.info(
            "archive closed",
            metadata: ["decisions": "\(published.decisions)", "labels": "\(published.labels)", "at": "\(published)"])
    }

    /// Asks the decision log to start a new segment in each lane stuck at the same record on two
    /// readings in a row (a corrupt record, not one being written), so the archive skips the rest
    /// of that segment, counted, and goes on. Returns the suspects for the next turn: the lanes
    /// stuck for the first time, and those of `seenBefore` this batch did not `read`.
    private func moveStuckLanes(
        _ stuck: [String: Journal.ReplayReport.Truncation], read: Set<String>, seenBefore: [String: JournalTail.Position],
        counting: Counter
    ) -> [String: JournalTail.Position] {
        var firstSeen = seenBefore.filter { !read.contains($0.key) }
        for (lane, problem) in stuck {
            let position = JournalTail.Position(segment: problem.segment, offset: problem.offset)
            guard seenBefore[lane] == position else {
                firstSeen[lane] = position
                continue
            }
            do {
                try log.rotate(laneIn: lane)
            } catch {
                // Tried again next turn (a full disk): the lane stays where it is meanwhile.
                logger.warning("a stuck decision-log lane could not be moved on", metadata: ["lane": "\(lane)", "error": "\(error)"])
                firstSeen[lane] = position
                continue
            }
            logger.error(
                "a decision-log record will not read; its lane goes on in a new segment and the archive skips the rest of this one",
                metadata: ["lane": "\(lane)", "at": "\(position)", "reason": "\(problem.reason)", "bytes": "\(problem.droppedBytes)"])
            counting.increment()
        }
        return firstSeen
    }

    /// Gives this thread `configuration.priority`; a failure is logged, and the archive goes on
    /// at the priority it has.
    private func yieldCPU() {
        if let error = configuration.priority.applyToCurrentThread() {
            logger.warning(
                "could not lower the archive thread's priority",
                metadata: ["priority": "\(configuration.priority.rawValue)", "errno": "\(error)"])
        }
    }
}
