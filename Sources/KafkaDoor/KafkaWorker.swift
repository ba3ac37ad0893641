import RDKafka
import CProtobufC
import CRdKafka
import CStreamifyProto
import Foundation
import Logging
import ScoringModel
import ScoringEngine
import StreamifyWire

/// The consume → score → produce loop, confined to one dedicated thread.
///
/// Each round takes a batch from the consumer, scores every transaction through the shared
/// `ScoringService`, enqueues its outputs (alert, score, dead letter) with an opaque value naming
/// the input offset, then drains delivery reports. `OffsetLedger` commits an offset only when
/// every output of it and of every earlier offset in its partition has been acknowledged.
/// Rebalance callbacks run inside `poll` on this same thread, so no state here needs a lock.
///
/// With a state directory the input offsets are part of the state (`InputLedger`): a message
/// at or below the offset the state has taken in, read again after a restart because its
/// commit did not reach Kafka, is not scored again; its outputs are sent again from the
/// outcome kept for it, if they may not have been delivered.
///
/// With a changelog topic (the default), each scored transaction also writes its card's new
/// state there (`CardChangelogRecord`), as one more output of its offset; when a partition is
/// assigned, its changelog partition is read back before any of its messages is scored, so a
/// card whose partition moved here from another instance keeps its history.
final class KafkaWorker: RebalanceHandler, @unchecked Sendable {
    private enum TopicKind {
        case transactions
        case labels
    }

    /// One input message, while it is handled.
    private struct InputMessage {
        var value: UnsafeRawBufferPointer
        var key: UnsafeRawBufferPointer
        var topic: String
        var position: InputPosition
        /// Its partition's slot in `ledger`.
        var slot: Int

        var partition: Int32 { position.input.partition }
        var offset: Int64 { position.offset }
    }

    private let configuration: KafkaDoorConfiguration
    private let scoring: ScoringService
    /// Collected into the shared scoring metrics at each commit round.
    private var scoringCounters = ScoringCounters()
    private let logger: Logger
    private let counters: KafkaDoorCounters
    private let stop: StopSignal
    private let consumer: RDKafkaConsumer
    private let producer: RDKafkaProducer
    private let alertTopic: OpaquePointer
    private let scoresTopic: OpaquePointer?
    private let deadLetterTopic: OpaquePointer
    private let analyticsTopic: OpaquePointer
    private let changelogTopic: OpaquePointer?
    private var changelogBuffer: [UInt8] = []
    private var changelogChecked = false
    private let bootstrap: String

    private var ledger = OffsetLedger()
    /// Whether fetching is paused: `maximumUncommittedInputs` input messages waited for their
    /// outputs' acknowledgements (`boundUncommitted`).
    private var pausedForUncommitted = false
    /// Outputs whose delivery failed and that librdkafka would not take back at once (its queue
    /// was full): copied out of their reports and produced again on the next drain. At most one
    /// per output the ledger is waiting for.
    private var redeliveries: [Redelivery] = []
    /// The partitions librdkafka assigned this consumer and has not revoked: a set, not a
    /// running sum, so a revocation of partitions it never took (after a refused assignment)
    /// cannot take the count below zero.
    private var assigned: Set<TopicPartition> = []

    private struct Redelivery {
        var topic: OpaquePointer
        var partition: Int32
        var key: [UInt8]
        var value: [UInt8]
        var opaque: UInt64
    }
    private let arena = MessageArena(capacity: 1 << 20)
    private let outputArena = MessageArena(capacity: 64 * 1024)
    private let breakdowns = BreakdownBuilder()
    private var packBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var topicKinds: [UnsafeRawPointer: (kind: TopicKind, name: String, source: UInt64)] = [:]
    /// Per ledger slot: the highest offset the state had taken in, whole, when the partition was
    /// assigned (-1 for none). Messages up to it are not scored again.
    private var appliedThrough: [Int64] = []
    /// Per ledger slot: the cards whose state was adopted from the changelog as of offsets past
    /// `appliedThrough`. Their messages up to those offsets are not scored again; what the state
    /// holds there is known from the changelog alone, which says nothing of refused messages.
    private var adoptedAhead: [AdoptedCards] = []
    private var lastSlotKey: (UnsafeRawPointer?, Int32) = (nil, -1)
    private var lastSlot = 0
    private var window: AnalyticsWindow
    private var lastCommitNanos: UInt64 = 0
    private var fatalKafkaError: KafkaError?
    private let jsonEncoder = JSONEncoder()
    /// Where JSON alerts and score records are written, reused from one to the next.
    private var jsonBuffer = JSONBuffer(capacity: 2_048)
    private var metrics = KafkaDoorMetrics()

    init(
        configuration: KafkaDoorConfiguration, bootstrap: String, scoring: ScoringService, logger: Logger,
        counters: KafkaDoorCounters, stop: StopSignal
    ) throws(KafkaError) {
        self.configuration = configuration
        self.scoring = scoring
        self.logger = logger
        self.counters = counters
        self.stop = stop
        self.window = AnalyticsWindow(startMs: WallClock.unixMilliseconds(), maximumDistinct: configuration.analyticsMaximumDistinct)
        let producer = try RDKafkaProducer(settings: KafkaClientSettings.producer(configuration, bootstrap: bootstrap))
        self.producer = producer
        self.alertTopic = producer.topic(configuration.alertTopic)
        self.scoresTopic = configuration.scoresTopic.map { producer.topic($0) }
        self.deadLetterTopic = producer.topic(configuration.effectiveDeadLetterTopic)
        self.analyticsTopic = producer.topic(configuration.analyticsTopic)
        self.bootstrap = bootstrap
        self.changelogTopic = configuration.effectiveChangelogTopic.map { producer.topic($0) }
        self.consumer = try RDKafkaConsumer(
            settings: KafkaClientSettings.consumer(configuration, bootstrap: bootstrap), handler: PlaceholderHandler())
        consumer.handler = self
        // Unescaped slashes: base64 is full of them, and a dead letter must stay under message.max.bytes.
        jsonEncoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    // MARK: - Loop

    /// Runs until a stop is requested; throws only for a fatal Kafka error.
    func run() throws(KafkaError) {
        var topics = [configuration.inputTopic]
        if let labels = configuration.labelsTopic { topics.append(labels) }
        try consumer.subscribe(topics)
        logger.info(
            "Kafka door consuming",
            metadata: ["topics": "\(topics)", "group": "\(configuration.groupID)", "alerts": "\(configuration.alertTopic)"])

        let capacity = max(configuration.batchSize, 1)
        let batch = UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: capacity)
        defer { batch.deallocate() }
        var idle = false

        while stop.requested == .none, fatalKafkaError == nil {
            let count = consumer.poll(into: batch, timeoutMs: idle ? 50 : 5)
            idle = count == 0
            if count > 0 {
                process(batch: UnsafeMutableBufferPointer(rebasing: batch[0..<count]))
            }
            drainReports(timeoutMs: 0)
            boundUncommitted()
            maybeCommit(force: false)
            maybePublishAnalytics(now: WallClock.unixMilliseconds(), force: false)
        }

        if stop.requested == .crash {
            logger.warning("Kafka door stopping abruptly (simulated crash): nothing flushed or committed")
            producer.purgeAll()
            consumer.abandon()
            return
        }
        if let fatalKafkaError {
            logger.error("Kafka door stopping on a fatal error", metadata: ["error": "\(fatalKafkaError)"])
            commitAll(in: nil)
            consumer.close()
            throw fatalKafkaError
        }
        shutDownGracefully()
    }

    private func shutDownGracefully() {
        logger.info("Kafka door draining in-flight outputs before exit")
        flush(in: nil, timeoutNanos: flushTimeoutNanos)
        commitAll(in: nil)
        consumer.close()
        maybePublishAnalytics(now: WallClock.unixMilliseconds(), force: true)
        let deadline = SystemClock.monotonicNanoseconds() + 5_000_000_000
        while producer.outstanding > 0, SystemClock.monotonicNanoseconds() < deadline {
            drainReports(timeoutMs: 20)
        }
        logger.notice("Kafka door stopped", metadata: ["statistics": "\(counters.snapshot)"])
    }

    // MARK: - Per message

    private func process(batch: UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?>) {
        defer {
            for message in batch { rd_kafka_message_destroy(message) }
            arena.reset()
        }
        for case let message? in batch {
            let m = message.pointee
            if m.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                consumerError(m.err)
                continue
            }
            guard let rkt = m.rkt else { continue }
            // Counted as it is taken, not at the end of the batch: an output that waits for the
            // producer holds the batch, and what was consumed must still show.
            counters.consumed.add(1, ordering: .relaxed)
            let topic = kind(of: rkt)
            let input = InputMessage(
                value: UnsafeRawBufferPointer(start: m.payload, count: m.len),
                key: UnsafeRawBufferPointer(start: m.key, count: m.key_len), topic: topic.name,
                position: InputPosition(InputPartition(source: topic.source, partition: m.partition), offset: m.offset),
                slot: slot(rkt: rkt, topic: topic.name, partition: m.partition))
            if input.slot < appliedThrough.count, input.offset <= appliedThrough[input.slot] || inAdoptedState(input, kind: topic.kind) {
                resend(input, kind: topic.kind)
                continue
            }
            switch topic.kind {
            case .transactions: processTransaction(input)
            case .labels: processFeedback(input)
            }
        }
    }

    /// Whether the transaction in `input`, past `appliedThrough`, is in its card's state adopted
    /// from the changelog.
    private func inAdoptedState(_ input: InputMessage, kind: TopicKind) -> Bool {
        guard kind == .transactions, input.offset <= adoptedAhead[input.slot].through,
            case .success(let inbound) = InboundDecoder.transaction(input.value, arena: arena)
        else { return false }
        return adoptedAhead[input.slot].hold(card: cardKey(of: inbound).rawValue, offset: input.offset)
    }

    /// The fingerprint `inbound`'s card is kept under.
    private func cardKey(of inbound: InboundTransaction) -> EntityKey {
        EntityKey(bytes: bytes(of: inbound.message.pointee.card_id), key: scoring.engine.configuration.fingerprintKey)
    }

    private func processTransaction(_ input: InputMessage) {
        let inbound: InboundTransaction
        switch InboundDecoder.transaction(input.value, arena: arena) {
        case .failure(let error):
            scoringCounters.errors[error.code] += 1
            deadLetter(input, error: error)
            return
        case .success(let decoded):
            inbound = decoded
        }
        let started = SystemClock.monotonicNanoseconds()
        let decision: ScoringService.Decision
        guard let scored = waitingForJournal(input, { scoring.score(inbound.message, from: input.position, counters: &scoringCounters) })
        else { return }
        switch scored {
        case .failure(let error):
            deadLetter(input, error: error)
            return
        case .success(let scored):
            decision = scored
        }
        let assessment = decision.assessment
        counters.scored.add(1, ordering: .relaxed)
        let changelog = changelogRecord(of: decision.card, offset: input.offset, decision: (assessment, decision.modelVersion))
        let alerted = produceOutputs(
            of: inbound, assessment: assessment, modelVersion: decision.modelVersion, for: input, started: started,
            changelog: changelog)

        let t = inbound.message.pointee
        if configuration.analyticsIntervalSeconds > 0 {
            window.add(
                amountMinor: t.amount_minor, card: decision.card.rawValue,
                category: String(protobufC: t.merchant_category), merchant: String(protobufC: t.merchant_id),
                paymentMethod: String(protobufC: t.payment_method),
                device: inbound.deviceType ?? Self.channelName(t.channel.rawValue),
                country: String(protobufC: t.country), level: assessment.level, alerted: alerted)
        }
    }

    /// Produces the alert (at or above the alert level), the score (with a scores topic) and the
    /// card's `changelog` record (with a changelog topic) of a scored transaction, tied to its
    /// input offset; returns whether it alerted.
    private func produceOutputs(
        of inbound: InboundTransaction, assessment: RiskAssessment, modelVersion: String, for input: InputMessage,
        started: UInt64, changelog: CardChangelogRecord?
    ) -> Bool {
        let alerted = assessment.level >= configuration.alertLevel
        let outputs = (alerted ? 1 : 0) + (scoresTopic == nil ? 0 : 1) + (changelog == nil ? 0 : 1)
        ledger.begin(slot: input.slot, offset: input.offset, outputs: outputs)
        guard outputs > 0 else { return alerted }
        defer { outputArena.reset() }
        let t = inbound.message.pointee
        let opaque = OffsetLedger.opaque(slot: input.slot, offset: input.offset)
        if let changelog, let changelogTopic {
            changelog.encode(into: &changelogBuffer)
            changelogBuffer.withUnsafeBytes { value in
                send(topic: changelogTopic, partition: input.partition, key: bytes(of: t.card_id), value: value, opaque: opaque)
            }
        }
        let elapsed = UInt32(clamping: (SystemClock.monotonicNanoseconds() &- started) / 1000)
        let breakdown = breakdowns.make(assessment, transactionID: t.transaction_id, modelVersion: modelVersion, in: outputArena)
        breakdown.pointee.server_time_us = elapsed
        let cardKey = bytes(of: t.card_id)
        if alerted {
            let alert = FraudAlert.protobufC(
                transaction: UnsafeMutablePointer(mutating: inbound.message), breakdown: breakdown,
                sourceTopic: input.topic, sourcePartition: input.partition, sourceOffset: input.offset,
                scoredTimeMs: WallClock.unixMilliseconds(), in: outputArena)
            encodeAlert(alert) { send(topic: alertTopic, key: cardKey, value: $0, opaque: opaque) }
            counters.alerted.add(1, ordering: .relaxed)
        }
        if let scoresTopic {
            encodeScore(breakdown, transaction: inbound.message) { send(topic: scoresTopic, key: cardKey, value: $0, opaque: opaque) }
        }
        return alerted
    }

    private func processFeedback(_ input: InputMessage) {
        let feedback: UnsafePointer<Streamify__V1__Feedback>
        switch InboundDecoder.feedback(input.value, arena: arena) {
        case .failure(let error):
            // Counted like an undecodable transaction; validation errors the service counts itself.
            scoringCounters.errors[error.code] += 1
            deadLetter(input, error: error)
            return
        case .success(let decoded):
            feedback = decoded
        }
        guard let result = waitingForJournal(input, { scoring.record(feedback, from: input.position, counters: &scoringCounters) })
        else { return }
        switch result {
        case .failure(let error):
            deadLetter(input, error: error)
        case .success(let disposition):
            // Applied now, or held by the engine until its event clock reaches the reported time.
            if disposition == .refused {
                let error = WireError(
                    code: .invalidArgument, message: "label refused by the engine (inconsistent times or too many labels held)")
                deadLetter(input, error: error)
                return
            }
            counters.feedback.add(1, ordering: .relaxed)
            ledger.begin(slot: input.slot, offset: input.offset, outputs: 0)
        }
    }

    /// What `take` (taking `input` into the state) answers, tried again while it is refused
    /// because the state journal cannot be written (a full or failing disk, or a failed
    /// fdatasync awaiting its snapshot), waiting as for a full producer queue: the message is the
    /// daemon's to take in, not a dead letter. Nil when a stop came first: `input` is then held
    /// back, so no commit passes it and it is read again after the restart.
    private func waitingForJournal<Value>(
        _ input: InputMessage, _ take: () -> Result<Value, WireError>
    ) -> Result<Value, WireError>? {
        var waits = 0
        while true {
            let result = take()
            guard case .failure(let error) = result, error == ScoringService.journalFailing else { return result }
            guard stop.requested == .none else {
                ledger.holdBack(slot: input.slot, offset: input.offset)
                return nil
            }
            waits += 1
            if waits == 1 || waits % 600 == 0 {
                logger.error(
                    "The state journal cannot be written; consumption waits until it can",
                    metadata: ["topic": "\(input.topic)", "partition": "\(input.partition)", "offset": "\(input.offset)", "attempts": "\(waits)"])
            }
            drainReports(timeoutMs: 100)
            // Writes what an earlier failure left pending: once that succeeds, changes go ahead.
            _ = scoring.commitJournal()
        }
    }

    /// A message the state took in before a restart: not scored or applied again. Its outputs
    /// go out again from the outcome the state kept, if they may not have been delivered; a
    /// message whose outputs were delivered only moves its partition's offset on.
    private func resend(_ input: InputMessage, kind: TopicKind) {
        counters.alreadyApplied.add(1, ordering: .relaxed)
        let outcome = scoring.inputs.outcome(at: input.position)
        if outcome != nil { counters.resent.add(1, ordering: .relaxed) }
        switch outcome {
        case .scored(let assessment, let modelVersion)?:
            guard kind == .transactions, case .success(let inbound) = InboundDecoder.transaction(input.value, arena: arena) else {
                ledger.begin(slot: input.slot, offset: input.offset, outputs: 0)
                return
            }
            // The card's changelog record may be undelivered too. It goes out as of this message's
            // offset, with this message's decision, though the card's state may hold its later
            // transactions: an instance that adopts it skips the card's messages up to the offset
            // it is stamped with, and the later ones' own records (with their decisions) may not
            // be delivered yet. Stamped with a later offset, a move now would lose their outputs
            // (a gap); stamped with this one, it scores them again (their outputs again, and, if
            // this record is the card's newest it reads, their state changes twice: docs/kafka.md),
            // and sends this message's outputs again from the decision carried.
            let changelog = changelogRecord(
                of: cardKey(of: inbound), offset: input.offset, decision: (assessment, modelVersion))
            _ = produceOutputs(
                of: inbound, assessment: assessment, modelVersion: modelVersion, for: input,
                started: SystemClock.monotonicNanoseconds(), changelog: changelog)
        case .refused(let error)?:
            deadLetter(input, error: error, journalled: true)
        case nil:
            if input.offset > appliedThrough[input.slot], kind == .transactions, let error = refusal(of: input) {
                // In a card state taken in from the changelog, which says nothing of a message
                // that changed no card: it may have been refused, and its dead letter lost.
                // Refusals depend on the message alone: ask again.
                deadLetter(input, error: error)
            } else {
                ledger.begin(slot: input.slot, offset: input.offset, outputs: 0)
            }
        }
    }

    /// `card`'s state now, as the changelog record of `offset` (nil without a changelog topic).
    private func changelogRecord(
        of card: EntityKey, offset: Int64, decision: (assessment: RiskAssessment, modelVersion: String)?
    ) -> CardChangelogRecord? {
        guard changelogTopic != nil else { return nil }
        return scoring.engine.cards.snapshot(card).map { CardChangelogRecord(card: $0, offset: offset, decision: decision) }
    }

    /// Why the transaction in `input` is refused without looking at the state: it does not
    /// decode, or a field is invalid; nil when it would be scored.
    private func refusal(of input: InputMessage) -> WireError? {
        switch InboundDecoder.transaction(input.value, arena: arena) {
        case .failure(let error): error
        case .success(let inbound): scoring.refusal(of: inbound.message)
        }
    }

    /// Sends `input` to the dead-letter topic with `error`, and journals the refusal unless it
    /// is `journalled` already.
    private func deadLetter(_ input: InputMessage, error: WireError, journalled: Bool = false) {
        if !journalled { scoring.refuse(input.position, with: error) }
        ledger.begin(slot: input.slot, offset: input.offset, outputs: 1)
        let record = DeadLetterJSON(
            error: error.message, field: error.field, sourceTopic: input.topic, sourcePartition: input.partition,
            sourceOffset: input.offset, value: input.value)
        let bytes = (try? jsonEncoder.encode(record)) ?? Data()
        bytes.withUnsafeBytes {
            send(topic: deadLetterTopic, key: input.key, value: $0, opaque: OffsetLedger.opaque(slot: input.slot, offset: input.offset))
        }
        let total = counters.deadLettered.wrappingAdd(1, ordering: .relaxed).newValue
        window.addDeadLetter()
        // Every one is counted (statistics, metrics, analytics); the log shows the first ten and
        // then every thousandth, so a flood of bad input cannot flood the log.
        if total <= 10 || total % 1000 == 0 {
            logger.warning(
                "Input dead-lettered",
                metadata: [
                    "topic": "\(input.topic)", "partition": "\(input.partition)", "offset": "\(input.offset)", "error": "\(error)",
                    "dead_lettered_total": "\(total)",
                ])
        }
    }

    // MARK: - Encoding

    private func encodeAlert(_ alert: UnsafeMutablePointer<Streamify__V1__FraudAlert>, _ body: (UnsafeRawBufferPointer) -> Void) {
        switch configuration.alertFormat {
        case .protobuf:
            pack(UnsafeRawPointer(alert), body)
        case .json:
            jsonBuffer.reset()
            AlertJSON.write(alert: alert, to: &jsonBuffer)
            jsonBuffer.bytes.withUnsafeBytes(body)
        }
    }

    /// Encodes a breakdown for the scores topic: `RiskBreakdown` protobuf, or `AlertJSON`
    /// without the source fields.
    private func encodeScore(
        _ breakdown: UnsafeMutablePointer<Streamify__V1__RiskBreakdown>, transaction: UnsafePointer<Streamify__V1__Transaction>,
        _ body: (UnsafeRawBufferPointer) -> Void
    ) {
        switch configuration.alertFormat {
        case .protobuf:
            pack(UnsafeRawPointer(breakdown), body)
        case .json:
            jsonBuffer.reset()
            AlertJSON.write(breakdown: breakdown, of: transaction, to: &jsonBuffer)
            jsonBuffer.bytes.withUnsafeBytes(body)
        }
    }

    private func pack(_ message: UnsafeRawPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        ProtobufCPacking.pack(message, reusing: &packBuffer, body)
    }

    // MARK: - Producing and acknowledgements

    /// Enqueues one output (to `partition`, or the one its key hashes to). While librdkafka cannot
    /// take it (its queue is full, or the cluster does not know the topic or partition: a topic
    /// not created yet, auto-creation off) it waits, serving delivery reports, so its input stays
    /// uncommitted and nothing is skipped; a stop ends the wait, and the input, uncommitted, is
    /// consumed again by the next owner. Only an output too large to ever enqueue is skipped.
    private func send(
        topic: OpaquePointer, partition: Int32 = RD_KAFKA_PARTITION_UA, key: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer, opaque: UInt64
    ) {
        var refusals = 0
        while true {
            let result = producer.produce(topic: topic, partition: partition, key: key, value: value, opaque: opaque)
            switch result {
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                return
            case RD_KAFKA_RESP_ERR__FATAL:
                noteFatal(KafkaError(result, context: "produce"))
                return
            case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
                // Larger than message.max.bytes: it can never be enqueued.
                skip(opaque: opaque, topic: topic, bytes: value.count, error: result)
                return
            default:
                guard stop.requested == .none else {
                    // Never produced: its input stays uncommitted (read again after the restart),
                    // and the stop's flushes do not wait for it.
                    ledger.abandon(opaque: opaque)
                    return
                }
                if result != RD_KAFKA_RESP_ERR__QUEUE_FULL {
                    refusals += 1
                    if refusals == 1 || refusals % 600 == 0 {
                        logger.error(
                            "Output refused by the producer; consumption waits until it is taken",
                            metadata: [
                                "topic": "\(String(cString: rd_kafka_topic_name(topic)))", "partition": "\(partition)",
                                "error": "\(KafkaError(result))", "attempts": "\(refusals)",
                            ])
                    }
                }
                drainReports(timeoutMs: result == RD_KAFKA_RESP_ERR__QUEUE_FULL ? 5 : 100)
            }
        }
    }

    /// Counts and acknowledges an output that can never be produced, so its partition is not
    /// stalled forever; the log shows the first ten and then every thousandth.
    private func skip(opaque: UInt64, topic: OpaquePointer?, bytes: Int, error: rd_kafka_resp_err_t) {
        let skipped = counters.outputsSkipped.wrappingAdd(1, ordering: .relaxed).newValue
        if skipped <= 10 || skipped % 1000 == 0 {
            logger.error(
                "Output the producer or broker can never take (too large, or a record it refuses); skipped",
                metadata: [
                    "topic": "\(topic.map { String(cString: rd_kafka_topic_name($0)) } ?? "?")", "bytes": "\(bytes)",
                    "error": "\(KafkaError(error))", "skipped_total": "\(skipped)",
                ])
        }
        ledger.acknowledge(opaque: opaque)
    }

    /// Delivery errors the broker will give again however often the output is produced: larger
    /// than the topic's max.message.bytes, or a record it refuses (a compacted topic's without a key).
    static let permanentDeliveryErrors: Set<rd_kafka_resp_err_t> = [RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_RECORD]

    private func drainReports(timeoutMs: Int32) {
        var acknowledged = 0
        producer.drainReports(
            timeoutMs: timeoutMs,
            onError: { error, fatal in
                if fatal { noteFatal(error) } else { logger.warning("Kafka producer error", metadata: ["error": "\(error)"]) }
            },
            { report in
                if report.succeeded {
                    if ledger.acknowledge(opaque: report.opaque) { acknowledged += 1 }
                } else if Self.permanentDeliveryErrors.contains(report.error) {
                    // Produced again it would be refused again, at once and for ever.
                    skip(opaque: report.opaque, topic: report.topicHandle, bytes: report.payload.count, error: report.error)
                } else {
                    // Never drop an output: produce it again. The offset stays uncommitted meanwhile.
                    let redelivered = counters.redelivered.wrappingAdd(1, ordering: .relaxed).newValue
                    if redelivered <= 10 || redelivered % 10_000 == 0 {
                        logger.warning("Delivery failed; producing again", metadata: ["error": "\(report.errorText)", "count": "\(redelivered)"])
                    }
                    let result = producer.reproduce(report)
                    if result == RD_KAFKA_RESP_ERR__FATAL {
                        noteFatal(KafkaError(result, context: "produce"))
                    } else if result != RD_KAFKA_RESP_ERR_NO_ERROR, let topic = report.topicHandle {
                        // Not taken back (typically a full queue): keep a copy, or it is lost
                        // while the ledger waits for it for ever.
                        redeliveries.append(
                            Redelivery(
                                topic: topic, partition: report.partition, key: Array(report.key), value: Array(report.payload),
                                opaque: report.opaque))
                    }
                }
            })
        if acknowledged > 0 { counters.acknowledged.add(acknowledged, ordering: .relaxed) }
        if !redeliveries.isEmpty { produceRedeliveries() }
    }

    /// Produces the outputs kept in `redeliveries` again; those librdkafka still cannot take stay.
    private func produceRedeliveries() {
        var kept: [Redelivery] = []
        for redelivery in redeliveries {
            let result = redelivery.key.withUnsafeBytes { key in
                redelivery.value.withUnsafeBytes { value in
                    producer.produce(
                        topic: redelivery.topic, partition: redelivery.partition, key: key, value: value, opaque: redelivery.opaque)
                }
            }
            if result == RD_KAFKA_RESP_ERR__FATAL {
                noteFatal(KafkaError(result, context: "produce"))
            } else if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                // At a stop, given up as `send` gives up a refused output: its input stays
                // uncommitted, and no flush waits for it.
                if stop.requested == .none { kept.append(redelivery) } else { ledger.abandon(opaque: redelivery.opaque) }
            }
        }
        redeliveries = kept
    }

    /// A consumer error delivered as a message: the end of a partition is no error, a fatal
    /// one stops the door, and leaving the group because a wait outside the poll outlasted
    /// `max.poll.interval.ms` is counted; anything else librdkafka retries itself.
    private func consumerError(_ error: rd_kafka_resp_err_t) {
        switch error {
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            return
        case RD_KAFKA_RESP_ERR__FATAL:
            noteFatal(KafkaError(error, context: "consumer"))
        case RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED:
            counters.maxPollEvictions.add(1, ordering: .relaxed)
            logger.error(
                "Left the consumer group: a wait for outputs or the state journal outlasted max.poll.interval.ms; its partitions go to another member, which consumes again what was not committed",
                metadata: ["error": "\(KafkaError(error))"])
        default:
            logger.warning("Kafka consumer error", metadata: ["error": "\(KafkaError(error))"])
        }
    }

    /// `configuration.outputFlushTimeout` in nanoseconds.
    private var flushTimeoutNanos: UInt64 { UInt64(max(configuration.outputFlushTimeout / .nanoseconds(1), 0)) }

    private func noteFatal(_ error: KafkaError) {
        if fatalKafkaError == nil { fatalKafkaError = error }
    }

    /// Drains reports until no output in `partitions` (or anywhere) is pending, or time runs out.
    private func flush(in partitions: Set<TopicPartition>?, timeoutNanos: UInt64) {
        let deadline = SystemClock.monotonicNanoseconds() + timeoutNanos
        while ledger.pendingOutputs(in: partitions) > 0, fatalKafkaError == nil {
            if SystemClock.monotonicNanoseconds() >= deadline {
                logger.warning(
                    "Flush timed out; unacknowledged offsets stay uncommitted and will be consumed again",
                    metadata: ["pending": "\(ledger.pendingOutputs(in: partitions))"])
                return
            }
            drainReports(timeoutMs: 10)
        }
    }

    /// Pauses fetching once `maximumUncommittedInputs` input messages wait for their outputs (or
    /// an earlier message's) to be acknowledged, and resumes once half of them are: while one
    /// output partition stalls, the others' acknowledgements would not let anything commit, and
    /// every message consumed meanwhile would be kept. Checked after each batch, so at most one
    /// batch goes past the bound. The consumer keeps polling, so it stays in its group.
    private func boundUncommitted() {
        let waiting = ledger.uncommittedInputs
        counters.uncommittedInputs.store(waiting, ordering: .relaxed)
        let limit = configuration.maximumUncommittedInputs
        if !pausedForUncommitted, waiting >= limit, setFetching(paused: true) {
            counters.pauses.add(1, ordering: .relaxed)
            logger.warning(
                "Input paused: too many consumed messages wait for their outputs to be acknowledged (--kafka-max-uncommitted)",
                metadata: ["uncommitted": "\(waiting)", "limit": "\(limit)"])
        } else if pausedForUncommitted, waiting <= limit / 2, setFetching(paused: false) {
            logger.notice("Input resumed", metadata: ["uncommitted": "\(waiting)", "limit": "\(limit)"])
        }
    }

    /// Pauses or resumes fetching from `partitions` (every assigned one when nil); whether it did.
    /// Without `partitions`, `pausedForUncommitted` follows.
    @discardableResult
    private func setFetching(paused: Bool, _ partitions: [TopicPartition]? = nil) -> Bool {
        do {
            if paused { try consumer.pause(partitions) } else { try consumer.resume(partitions) }
        } catch {
            logger.error(paused ? "Pausing input partitions failed" : "Resuming input partitions failed", metadata: ["error": "\(error)"])
            return false
        }
        if partitions == nil { pausedForUncommitted = paused }
        return true
    }

    // MARK: - Commits

    private func maybeCommit(force: Bool) {
        let now = SystemClock.monotonicNanoseconds()
        guard force || now &- lastCommitNanos >= UInt64(configuration.commitIntervalMs) * 1_000_000 else { return }
        lastCommitNanos = now
        metrics.publish(counters.snapshot, pending: ledger.pendingOutputs())
        scoring.metrics.collect(&scoringCounters)
        let offsets = ledger.takeCommittable()
        guard !offsets.isEmpty else { return }
        // A committed offset is never consumed again: its state change must be in the journal first.
        guard journalDelivered(offsets) else {
            ledger.commitFailed(offsets)
            return
        }
        do {
            try consumer.commit(offsets, async: true)
            counters.commits.add(1, ordering: .relaxed)
        } catch {
            ledger.commitFailed(offsets)
            logger.warning("Offset commit failed; will retry", metadata: ["error": "\(error)"])
        }
    }

    /// Journals that every output below `offsets` was delivered, and commits the journal: the
    /// state changes of everything about to be committed are then durable, and a restart will
    /// not send those outputs again. False when the journal could not be written: the offsets
    /// must not be committed then (the log says why; the next round tries again).
    private func journalDelivered(_ offsets: [(TopicPartition, Int64)]) -> Bool {
        for (partition, offset) in offsets {
            scoring.delivered(InputPartition(name: partition.topic, partition: partition.partition), before: offset)
        }
        return scoring.commitJournal()
    }

    /// Commits synchronously every done position in `partitions` (or everywhere).
    private func commitAll(in partitions: Set<TopicPartition>?) {
        let offsets = ledger.takeCommittable(in: partitions, includingCommitted: true)
        guard !offsets.isEmpty else { return }
        guard journalDelivered(offsets) else {
            ledger.commitFailed(offsets)
            logger.warning("Final offset commit skipped: the state journal cannot be written; those offsets will be consumed again")
            return
        }
        do {
            try consumer.commit(offsets, async: false)
            counters.commits.add(1, ordering: .relaxed)
            logger.debug("Committed", metadata: ["offsets": "\(offsets.map { "\($0.0)@\($0.1)" })"])
        } catch {
            logger.warning("Final offset commit failed; those offsets will be consumed again", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Rebalances

    func partitionsWillBeRevoked(_ partitions: [TopicPartition]) {
        let revoked = Set(partitions)
        logger.info("Partitions revoked; flushing and committing first", metadata: ["partitions": "\(partitions)"])
        // At a stop the drain has flushed for `outputFlushTimeout` already: flushing again as the
        // consumer closes would double the wait past an orchestrator's grace period.
        if stop.requested == .none { flush(in: revoked, timeoutNanos: flushTimeoutNanos) }
        commitAll(in: revoked)
        // Outputs still waiting to be produced again belong to inputs left uncommitted, which
        // the partitions' next owner consumes and answers again: sending them too would only
        // duplicate its outputs.
        redeliveries.removeAll { ledger.isCaused($0.opaque, byInputOf: revoked) }
        ledger.forget(revoked)
        assigned.subtract(revoked)
        counters.assignedPartitions.store(assigned.count, ordering: .relaxed)
    }

    func rebalanceFailed(_ error: KafkaError) {
        // The group counts these partitions as this consumer's while it fetches none of them (or
        // the reverse): their lag would grow unseen. Stopping hands them to another member, and
        // the supervisor's restart joins the group afresh.
        guard stop.requested == .none else {
            // Leaving the group at a stop: what it still assigns or takes away no longer matters.
            logger.notice("Kafka refused a partition assignment change while the door stops", metadata: ["error": "\(error)"])
            return
        }
        logger.error("Kafka refused a partition assignment change; stopping the door", metadata: ["error": "\(error)"])
        noteFatal(error)
    }

    func commitFailed(_ offsets: [(TopicPartition, Int64)], error: KafkaError) {
        // Retried with the next commit round; until then those offsets may be consumed again.
        ledger.commitFailed(offsets)
        logger.debug("Asynchronous commit refused", metadata: ["error": "\(error)", "partitions": "\(offsets.count)"])
    }

    func partitionsAssigned(_ partitions: [TopicPartition]) {
        logger.info("Partitions assigned", metadata: ["partitions": "\(partitions)"])
        ledger.forget(Set(partitions))
        assigned.formUnion(partitions)
        counters.assignedPartitions.store(assigned.count, ordering: .relaxed)
        let inputs = partitions.filter { $0.topic == configuration.inputTopic }
        if !inputs.isEmpty, !changelogFitsInput() { return }
        let committed = changelogTopic == nil || inputs.isEmpty ? [:] : committedOffsets(inputs)
        for partition in partitions {
            let slot = ledger.slot(for: partition)
            if appliedThrough.count <= slot {
                appliedThrough += repeatElement(-1, count: slot + 1 - appliedThrough.count)
                adoptedAhead += repeatElement(AdoptedCards(), count: slot + 1 - adoptedAhead.count)
            }
            let input = InputPartition(name: partition.topic, partition: partition.partition)
            appliedThrough[slot] = scoring.inputs.appliedThrough(input) ?? -1
            adoptedAhead[slot] = AdoptedCards(scoring.inputs.adoptedAhead(input))
            // Not while leaving the group: nothing more is consumed, and a restore reads a whole
            // changelog partition.
            if changelogTopic != nil, partition.topic == configuration.inputTopic, stop.requested == .none {
                restore(partition, slot: slot, committed: committed[partition] ?? -1)
            }
            if appliedThrough[slot] >= 0 || adoptedAhead[slot].through >= 0 {
                logger.info(
                    "Partition state resumes",
                    metadata: [
                        "partition": "\(partition)", "applied_through": "\(appliedThrough[slot])",
                        "adopted_through": "\(adoptedAhead[slot].through)",
                    ])
            }
        }
        if !partitions.isEmpty { counters.assignments.add(1, ordering: .relaxed) }
        // Newly assigned partitions are paused with the rest, or fetch: said each time, as
        // librdkafka keeps a partition's pause across an unassignment (a partition revoked
        // while paused, and assigned again after the door resumed, would stay paused for good).
        if !partitions.isEmpty { setFetching(paused: pausedForUncommitted, partitions) }
    }

    // MARK: - Changelog

    /// Whether the changelog topic has a partition for every input partition; checked at the
    /// first assignment (the cluster answers then). A changelog too small is a fatal
    /// configuration error: card states would go to the wrong partitions or nowhere.
    private func changelogFitsInput() -> Bool {
        guard let changelog = configuration.effectiveChangelogTopic, !changelogChecked else { return true }
        do {
            let inputPartitions = try producer.partitionCount(of: configuration.inputTopic)
            let changelogPartitions = try producer.partitionCount(of: changelog)
            guard changelogPartitions >= inputPartitions else {
                noteFatal(
                    KafkaError(
                        code: -1,
                        message: "changelog topic \(changelog) has \(changelogPartitions) partitions and the input topic "
                            + "\(configuration.inputTopic) \(inputPartitions): create it with at least as many "
                            + "(cleanup.policy=compact), or turn it off with --kafka-topic-changelog off"))
                return false
            }
            changelogChecked = true
        } catch {
            logger.warning("Changelog partitions not checked yet", metadata: ["error": "\(error)"])
        }
        return true
    }

    /// The group's committed offsets of `partitions`; empty (everything treated as uncommitted,
    /// so every restored decision is kept) when Kafka cannot say.
    private func committedOffsets(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        do {
            return try consumer.committed(partitions)
        } catch {
            logger.warning("Committed offsets unknown; keeping every restored decision", metadata: ["error": "\(error)"])
            return [:]
        }
    }

    /// Reads `partition`'s changelog partition back and takes in every card state newer than
    /// the state here holds, before any of the partition's messages is scored; the messages
    /// those states include are then skipped (`adoptedAhead`: each card's up to the offset its
    /// state is as of), and the decisions at or after the `committed` offset kept to send their
    /// outputs again.
    private func restore(_ partition: TopicPartition, slot: Int, committed: Int64) {
        guard let changelog = configuration.effectiveChangelogTopic else { return }
        let started = ContinuousClock.now
        let input = InputPartition(name: partition.topic, partition: partition.partition)
        let local = appliedThrough[slot]
        var adopted = 0
        var refused: [String] = []
        // The offset each card was adopted at: a record sent again after a failed delivery can
        // land behind a newer one of the same card, and must not replace it.
        var adoptedAt = scoring.inputs.adoptedAhead(input)
        // Whether the read ends or fails part way, the cards adopted so far are in the state:
        // their messages are skipped from now on, as after a restart, and journalled now.
        defer {
            adoptedAhead[slot] = AdoptedCards(scoring.inputs.adoptedAhead(input))
            scoring.commitJournal()
        }
        do {
            let records = try KafkaPartitionReader.read(
                settings: KafkaClientSettings.consumer(configuration, bootstrap: bootstrap), topic: changelog,
                partition: partition.partition, timeoutMs: 120_000
            ) { _, key, value in
                let record: CardChangelogRecord
                do {
                    record = try CardChangelogRecord.decode(value)
                } catch {
                    if refused.count < 3 { refused.append("\(error)") }
                    return
                }
                guard record.offset > local, record.offset > adoptedAt[record.card.key, default: local] else { return }
                let outcome = record.offset >= committed ? record.decision.map { InputOutcome.scored($0.assessment, modelVersion: $0.modelVersion) } : nil
                switch scoring.adopt(record.card, cardID: key, at: InputPosition(input, offset: record.offset), outcome: outcome) {
                case .adopted:
                    adopted += 1
                    adoptedAt[record.card.key] = record.offset
                case .otherFingerprintKey:
                    if refused.count < 3 { refused.append("card state fingerprinted under another key: give every instance of the group the same --fingerprint-key-file") }
                case .journalFailing:
                    if refused.count < 3 { refused.append("the state journal cannot be written") }
                }
            }
            counters.restoredCards.add(adopted, ordering: .relaxed)
            logger.notice(
                "Partition state restored from the changelog",
                metadata: [
                    "partition": "\(partition)", "changelog_records": "\(records)", "cards_adopted": "\(adopted)",
                    "adopted_through": "\(adoptedAt.values.max() ?? -1)", "took": "\(ContinuousClock.now - started)",
                ])
        } catch {
            counters.restoredCards.add(adopted, ordering: .relaxed)
            logger.error(
                "Changelog partition unreadable: this partition's cards are scored without the history kept there",
                metadata: [
                    "changelog": "\(changelog)", "partition": "\(partition.partition)", "error": "\(error)",
                    "cards_adopted_before": "\(adopted)",
                ])
        }
        if !refused.isEmpty {
            logger.error("Changelog records not taken in", metadata: ["partition": "\(partition)", "reasons": "\(refused)"])
        }
    }

    // MARK: - Analytics

    private func maybePublishAnalytics(now: Int64, force: Bool) {
        let interval = configuration.analyticsIntervalSeconds
        guard interval > 0 else { return }
        let end = window.startMs + Int64(interval * 1000)
        guard now >= end || (force && !window.isEmpty) else { return }
        let closedAt = force ? now : end
        let record = window.record(endMs: closedAt)
        counters.analyticsFolded.add(window.folded, ordering: .relaxed)
        window = AnalyticsWindow(
            startMs: closedAt > now ? now : max(closedAt, now - Int64(interval * 1000)),
            maximumDistinct: configuration.analyticsMaximumDistinct)
        guard let bytes = try? jsonEncoder.encode(record) else { return }
        let key = Array("analytics".utf8)
        key.withUnsafeBytes { key in
            bytes.withUnsafeBytes { send(topic: analyticsTopic, key: key, value: $0, opaque: 0) }
        }
    }

    // MARK: - Lookups

    private func kind(of rkt: OpaquePointer) -> (kind: TopicKind, name: String, source: UInt64) {
        let pointer = UnsafeRawPointer(rkt)
        if let known = topicKinds[pointer] { return known }
        let name = String(cString: rd_kafka_topic_name(rkt))
        let entry = (
            kind: name == configuration.labelsTopic ? TopicKind.labels : .transactions, name: name,
            source: InputPartition.sourceID(of: name)
        )
        topicKinds[pointer] = entry
        return entry
    }

    private func slot(rkt: OpaquePointer, topic: String, partition: Int32) -> Int {
        let pointer = UnsafeRawPointer(rkt)
        if lastSlotKey.0 == pointer, lastSlotKey.1 == partition { return lastSlot }
        lastSlot = ledger.slot(for: TopicPartition(topic: topic, partition: partition))
        lastSlotKey = (pointer, partition)
        return lastSlot
    }

    private static func channelName(_ raw: UInt32) -> String {
        switch raw {
        case 1: "card_present"
        case 2: "online"
        case 3: "contactless"
        case 4: "atm"
        default: "unknown"
        }
    }
}

/// Stands in until the worker has been initialised and can take over as the handler.
private final class PlaceholderHandler: RebalanceHandler {
    func partitionsWillBeRevoked(_ partitions: [TopicPartition]) {}
    func rebalanceFailed(_ error: KafkaError) {}
    func commitFailed(_ offsets: [(TopicPartition, Int64)], error: KafkaError) {}
    func partitionsAssigned(_ partitions: [TopicPartition]) {}
}
