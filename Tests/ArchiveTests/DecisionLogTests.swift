import Archive
import Foundation
import Logging
@testable import ScoringEngine
import ScoringModel
import ScoringTestSupport
import StateStore
import StreamifyWire
import Synchronization
import Testing

/// The decision log: what the scoring service appends reads back whole, and the tail reader
/// waits at a record still being written but skips a tail torn by a kill.
@Suite("Decision log: every decision and label, read back by the tail")
struct DecisionLogTests {
    static let start: Int64 = 1_793_628_000_000

    static func transaction(_ index: Int) -> Transaction {
        Transaction(
            transactionID: "tx-\(index)", cardID: "card-\(index % 7)", merchantID: "merchant-\(index % 3)",
            amountMinor: Int64(1_000 + index * 250), currency: index % 2 == 0 ? "" : "EUR",
            eventTimeMs: start + Int64(index) * 60_000,
            location: index % 3 == 0 ? nil : GeoPoint(latitude: 40.5, longitude: -73.25), country: "US",
            deviceID: "device-\(index % 4)", ipAddress: "10.0.0.\(index % 9)", merchantCategory: "Electronics",
            paymentMethod: "credit_card", channel: .online)
    }

    static func logger() -> Logger {
        var logger = Logger(label: "decision-log-test")
        logger.logLevel = .warning
        return logger
    }

    /// A scoring service logging to a new decision log of `lanes` lanes in a fresh directory named from `prefix`.
    static func service(_ prefix: String, lanes: Int = 1) throws -> (directory: String, log: DecisionLog, service: ScoringService) {
        let directory = try makeTestDirectory(prefix).path
        let log = try DecisionLog(directory: directory, lanes: lanes, fsyncPolicy: .never, backlogLimit: 1 << 30, logger: logger())
        return (directory, log, ScoringService(engine: RiskEngine(), decisionLog: log))
    }

    /// Scores `transaction(index)` for each of `indices` through `service`, on the calling thread.
    static func score(_ indices: Range<Int>, with service: ScoringService) {
        let arena = MessageArena()
        var counters = ScoringCounters()
        for index in indices {
            arena.reset()
            _ = service.score(transaction(index).protobufC(in: arena), counters: &counters)
        }
    }

    /// Every record in the log in `directory`, from the start, lane by lane.
    static func records(in directory: String) throws -> [(DecisionRecord.Kind, [UInt8])] {
        var found: [(DecisionRecord.Kind, [UInt8])] = []
        for lane in try JournalLanes.directories(in: directory) {
            _ = try JournalTail.read(after: .start, in: lane, layout: DecisionRecord.layout) { kind, payload, _ in
                found.append((DecisionRecord.Kind(rawValue: kind)!, Array(payload)))
            }
        }
        return found
    }

    @Test("a commit writes the calling thread's lane only, so event loops never write one another's; commitEveryLane writes all")
    func commitWritesTheCallersLane() throws {
        let lanes = 2
        let (directory, log, service) = try Self.service("decision-log-commit", lanes: lanes)
        let here = ThreadLane.current % lanes
        // A thread on the other lane scores ten and does not commit (threads number themselves
        // in the order they first score, across the whole test process: try until one differs).
        var other = here
        for attempt in 0..<16 where other == here {
            let done = DispatchSemaphore(value: 0)
            let lane = Mutex(here)
            Thread {
                let number = ThreadLane.current % lanes
                lane.withLock { $0 = number }
                if number != here { Self.score(attempt * 100..<attempt * 100 + 10, with: service) }
                done.signal()
            }.start()
            done.wait()
            other = lane.withLock { $0 }
        }
        try #require(other != here)
        // This thread scores two and commits: its own two are written, the other thread's ten wait.
        Self.score(5_000..<5_002, with: service)
        service.commitJournal()
        #expect(try Self.records(in: log.lanes[here].directory).count == 2)
        #expect(try Self.records(in: log.lanes[other].directory).isEmpty)
        log.commitEveryLane()
        #expect(try Self.records(in: log.lanes[other].directory).count == 10)
        #expect(try Self.records(in: directory).count == 12)
        try log.close()
    }

    @Test("while its lane cannot be written (a full disk), what it held waits for the next commit and new decisions are shed, counted")
    func fullDiskShedsNewDecisions() throws {
        let (directory, log, service) = try Self.service("decision-log-full")
        func score(_ indices: Range<Int>) { Self.score(indices, with: service) }
        score(0..<3)
        service.commitJournal()
        let disk = try FullDisk(directory: log.lanes[0].directory, prefix: "journal-")
        try disk.fill()
        score(3..<5)
        service.commitJournal()
        #expect(!log.lanes[0].isHealthy)
        // The lane failed: four more are scored and answered, not logged.
        score(5..<9)
        service.commitJournal()
        #expect(log.shedCount == 4)
        #expect(try Self.records(in: directory).count == 3)
        try disk.free()
        service.commitJournal()
        #expect(try Self.records(in: directory).count == 5, "the two held are written once it can")
        score(9..<10)
        service.commitJournal()
        let ids = try Self.records(in: directory).map { try $0.1.withUnsafeBytes { try DecisionRecord.decision(from: $0).transactionID } }
        #expect(ids == ["tx-0", "tx-1", "tx-2", "tx-3", "tx-4", "tx-9"])
        #expect(log.shedCount == 4)
        try log.close()
    }

    @Test("each scored transaction and recorded label reads back with every field, its assessment and its model")
    func roundTrip() throws {
        let (directory, log, service) = try Self.service("decision-log")
        let arena = MessageArena()
        var counters = ScoringCounters()
        var decisions: [ScoringService.Decision] = []
        let transactions = (0..<12).map(Self.transaction)
        for transaction in transactions {
            arena.reset()
            decisions.append(try service.score(transaction.protobufC(in: arena), counters: &counters).get())
        }
        let feedback = Feedback(
            transactionID: "tx-3", cardID: "card-3", merchantID: "merchant-0", label: .fraud, eventTimeMs: Self.start + 180_000,
            reportedTimeMs: Self.start + 240_000, amountMinor: 1_750)
        arena.reset()
        let disposition = try service.record(feedback.protobufC(in: arena), counters: &counters).get()
        service.commitJournal()

        let records = try Self.records(in: directory)
        #expect(records.count == transactions.count + 1)
        for (index, (kind, payload)) in records.prefix(transactions.count).enumerated() {
            #expect(kind == .decision)
            let archived = try payload.withUnsafeBytes { try DecisionRecord.decision(from: $0) }
            let sent = transactions[index]
            #expect(archived.transactionID == sent.transactionID && archived.cardID == sent.cardID)
            #expect(archived.merchantID == sent.merchantID && archived.currency == sent.currency)
            #expect(archived.deviceID == sent.deviceID && archived.ipAddress == sent.ipAddress)
            #expect(archived.merchantCategory == sent.merchantCategory && archived.paymentMethod == sent.paymentMethod)
            #expect(archived.country == sent.country && archived.amountMinor == sent.amountMinor)
            #expect(archived.eventTimeMs == sent.eventTimeMs)
            #expect(archived.location?.latitude == sent.location?.latitude && archived.location?.longitude == sent.location?.longitude)
            #expect(archived.assessment.score == decisions[index].assessment.score)
            #expect(archived.assessment.level == decisions[index].assessment.level)
            for factor in RiskFactor.allCases {
                let kept = archived.assessment[factor]
                let scored = decisions[index].assessment[factor]
                #expect(kept.reason == scored.reason)
                #expect(kept.score == scored.score && kept.weight == scored.weight && kept.contribution == scored.contribution)
                for (keptSignal, scoredSignal) in [(kept.primary, scored.primary), (kept.secondary, scored.secondary)] {
                    #expect(keptSignal.kind == scoredSignal.kind && keptSignal.a == scoredSignal.a)
                    #expect(keptSignal.b == scoredSignal.b && keptSignal.c == scoredSignal.c)
                }
                // The vector's first entries are the factor scores the combiner read.
                #expect(archived.features[factor.rawValue] == decisions[index].assessment[factor].score)
            }
            #expect(archived.features[.amountLog10] > 0, "the raw features are there too")
            #expect(archived.modelVersion == decisions[index].modelVersion)
            // Cut anywhere, a record is refused, never read past its end.
            for cut in [1, payload.count / 3, payload.count - 1] {
                #expect(throws: StateFormatError.self) { try payload.prefix(cut).withUnsafeBytes { try DecisionRecord.decision(from: $0) } }
            }
        }
        let (kind, payload) = try #require(records.last)
        #expect(kind == .label)
        let label = try payload.withUnsafeBytes { try DecisionRecord.label(from: $0) }
        #expect(label.transactionID == "tx-3" && label.cardID == "card-3" && label.merchantID == "merchant-0")
        #expect(label.label == 1 && label.reportedTimeMs == feedback.reportedTimeMs && label.amountMinor == 1_750)
        #expect(label.disposition == disposition)
        try log.close()
    }

    /// What the tail tests' records hold.
    static let tailPayload: [UInt8] = Array(repeating: 7, count: 100)

    /// A decision-record journal in `directory`, segment 0, holding `records` committed records
    /// of kind 1 and `tailPayload`.
    static func journal(in directory: String, holding records: Int) throws -> Journal {
        let journal = try Journal(directory: directory, segment: 0, layout: DecisionRecord.layout, fsyncPolicy: .never)
        for _ in 0..<records { tailPayload.withUnsafeBytes { journal.append(kind: 1, payload: $0) } }
        try journal.commit()
        return journal
    }

    @Test("a record still being written is waited for; a tail torn by a kill is skipped once the log moves on")
    func tailWaitsAndSkips() throws {
        let directory = try makeTestDirectory("decision-tail").path
        let layout = DecisionRecord.layout
        let payload = Self.tailPayload
        let first = try Self.journal(in: directory, holding: 3)
        let whole = try Data(contentsOf: URL(fileURLWithPath: directory + "/journal-0000000000000000.log"))
        // Half of a fourth record: the writer is in the middle of it.
        payload.withUnsafeBytes { first.append(kind: 1, payload: $0) }
        try first.commit()
        let segment = URL(fileURLWithPath: directory + "/journal-0000000000000000.log")
        let complete = try Data(contentsOf: segment)
        try complete.prefix(whole.count + 50).write(to: segment)

        var read = try JournalTail.read(after: .start, in: directory, layout: layout) { _, _, _ in }
        #expect(read.records == 3)
        #expect(read.position == JournalTail.Position(segment: 0, offset: whole.count))
        #expect(read.dropped.isEmpty, "the newest segment's unfinished record is not dropped")
        #expect(read.stuck == nil, "nor reported: the writer may finish it")

        // The writer was killed; started again, it writes a new segment.
        let second = try Journal(directory: directory, segment: 1, layout: layout, fsyncPolicy: .never)
        for _ in 0..<2 { payload.withUnsafeBytes { second.append(kind: 2, payload: $0) } }
        try second.commit()
        var kinds: [UInt8] = []
        read = try JournalTail.read(after: read.position, in: directory, layout: layout) { kind, _, _ in kinds.append(kind) }
        #expect(kinds == [2, 2])
        #expect(read.dropped.map(\.droppedBytes) == [50])
        #expect(read.position.segment == 1)
        #expect(try JournalTail.backlog(after: read.position, in: directory) == 0)
    }

    @Test("a cursor past every segment (the log deleted and made anew) reads the new log from its start")
    func tailRestartsOnALogMadeAnew() throws {
        let directory = try makeTestDirectory("decision-tail-anew").path
        _ = try Self.journal(in: directory, holding: 3)
        var kinds = 0
        let read = try JournalTail.read(
            after: JournalTail.Position(segment: 40, offset: 1_000), in: directory, layout: DecisionRecord.layout
        ) { _, _, _ in kinds += 1 }
        #expect(read.restarted)
        #expect(kinds == 3 && read.position.segment == 0)
    }

    @Test("a corrupt record in the newest segment stops the read there and is reported; once the writer moves on, the rest is skipped, counted")
    func tailReportsACorruptNewestRecord() throws {
        let directory = try makeTestDirectory("decision-tail-stuck").path
        let layout = DecisionRecord.layout
        let journal = try Self.journal(in: directory, holding: 4)
        let path = Journal.segmentPath(0, in: directory)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let recordBytes = (bytes.count - Journal.headerBytes) / 4
        // The third record's payload: its checksum no longer matches.
        bytes[Journal.headerBytes + 2 * recordBytes + recordBytes / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))

        var read = try JournalTail.read(after: .start, in: directory, layout: layout) { _, _, _ in }
        #expect(read.records == 2)
        #expect(read.dropped.isEmpty)
        let stuck = try #require(read.stuck)
        #expect(stuck.segment == 0 && stuck.offset == Journal.headerBytes + 2 * recordBytes)
        #expect(stuck.droppedBytes == 2 * recordBytes && stuck.reason.contains("checksum"), "\(stuck)")
        #expect(read.position == JournalTail.Position(segment: 0, offset: stuck.offset))

        // The writer goes on in a new segment: the damaged one's rest is dropped like a torn tail.
        try journal.rotate(to: 1).sync()
        Self.tailPayload.withUnsafeBytes { journal.append(kind: 2, payload: $0) }
        try journal.close()
        var kinds: [UInt8] = []
        read = try JournalTail.read(after: read.position, in: directory, layout: layout) { kind, _, _ in kinds.append(kind) }
        #expect(kinds == [2])
        #expect(read.stuck == nil)
        #expect(read.dropped.map(\.droppedBytes) == [2 * recordBytes])
    }

    @Test("another build's segment, from its start or part-way, is skipped whole and counted; a corrupt record drops the rest of its segment, counted in full")
    func tailSkipsOtherLayoutsAndCountsCorruption() throws {
        let directory = try makeTestDirectory("decision-tail-layout").path
        let layout = DecisionRecord.layout
        let payload: [UInt8] = Array(repeating: 7, count: 100)
        // Segment 0 from an older build; segments 1 and 2 from this one.
        let older = try Journal(directory: directory, segment: 0, layout: layout &+ 1, fsyncPolicy: .never)
        for _ in 0..<3 { payload.withUnsafeBytes { older.append(kind: 1, payload: $0) } }
        try older.close()
        let olderBytes = try Data(contentsOf: URL(fileURLWithPath: Journal.segmentPath(0, in: directory))).count
        let current = try Journal(directory: directory, segment: 1, layout: layout, fsyncPolicy: .never)
        for _ in 0..<40 { payload.withUnsafeBytes { current.append(kind: 1, payload: $0) } }
        try current.rotate(to: 2).sync()
        for _ in 0..<2 { payload.withUnsafeBytes { current.append(kind: 2, payload: $0) } }
        try current.close()
        // A corrupt record early in segment 1: the 39 after it go with it.
        let damaged = Journal.segmentPath(1, in: directory)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
        bytes[Journal.headerBytes + 9 + 50] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: damaged))

        for start in [JournalTail.Position.start, JournalTail.Position(segment: 0, offset: olderBytes - 109)] {
            var kinds: [UInt8] = []
            let read = try JournalTail.read(after: start, in: directory, layout: layout) { kind, _, _ in kinds.append(kind) }
            #expect(kinds == [2, 2], "from \(start): only this build's whole records")
            #expect(read.dropped.map(\.segment) == [0, 1])
            #expect(read.dropped.first?.droppedBytes == olderBytes - start.offset)
            #expect(read.dropped.last?.droppedBytes == bytes.count - Journal.headerBytes, "the whole of segment 1 after its header")
            #expect(read.position.segment == 2)
        }
    }
}
