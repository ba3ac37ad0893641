import RDKafka
import Testing
@testable import KafkaDoor

@Suite struct OffsetLedgerTests {
    @Test func commitsOnlyPastAcknowledgedPrefix() {
        var progress = PartitionProgress()
        #expect(progress.commitPosition == nil)
        progress.begin(offset: 10, outputs: 0)
        #expect(progress.commitPosition == 11)
        progress.begin(offset: 11, outputs: 2)
        progress.begin(offset: 12, outputs: 0)
        progress.begin(offset: 13, outputs: 1)
        #expect(progress.commitPosition == 11)
        #expect(progress.pendingOutputs == 3)
        let ack1 = progress.acknowledge(offset: 13)
        #expect(ack1)
        #expect(progress.commitPosition == 11, "13 is done but 11 is not")
        let ack2 = progress.acknowledge(offset: 11)
        #expect(ack2)
        #expect(progress.commitPosition == 11, "11 still has one output in flight")
        let ack3 = progress.acknowledge(offset: 11)
        #expect(ack3)
        #expect(progress.commitPosition == 14)
        #expect(progress.pendingOutputs == 0)
        let ack4 = progress.acknowledge(offset: 11)
        #expect(!ack4, "no more outputs of 11 are expected")
        let ack5 = progress.acknowledge(offset: 99)
        #expect(!ack5)
    }

    @Test("an output abandoned at a stop is waited for by no flush, and its offset is never committed")
    func abandonedOutputHoldsItsOffset() {
        var progress = PartitionProgress()
        progress.begin(offset: 19, outputs: 0)
        progress.begin(offset: 20, outputs: 2)
        progress.begin(offset: 21, outputs: 1)
        progress.abandonOutput(of: 20)
        #expect(progress.pendingOutputs == 2)
        let acknowledged = progress.acknowledge(offset: 20) && progress.acknowledge(offset: 21)
        #expect(acknowledged)
        #expect(progress.pendingOutputs == 0, "nothing left for a flush to wait for")
        #expect(progress.commitPosition == 20, "20 and what follows stay uncommitted")
        progress.abandonOutput(of: 99)
        #expect(progress.pendingOutputs == 0, "an unknown offset changes nothing")
    }

    @Test func handlesOffsetGapsAndLongRuns() {
        var progress = PartitionProgress()
        for offset in stride(from: Int64(0), to: 20_000, by: 2) { progress.begin(offset: offset, outputs: 1) }
        var allAcknowledged = true
        for offset in stride(from: Int64(19_998), through: 2, by: -2) { allAcknowledged = progress.acknowledge(offset: offset) && allAcknowledged }
        #expect(allAcknowledged)
        #expect(progress.commitPosition == nil)
        let ack6 = progress.acknowledge(offset: 0)
        #expect(ack6)
        #expect(progress.commitPosition == 19_999)
    }

    @Test func ledgerRoutesOpaqueValuesToPartitions() {
        var ledger = OffsetLedger()
        let a = ledger.slot(for: TopicPartition(topic: "in", partition: 0))
        let b = ledger.slot(for: TopicPartition(topic: "in", partition: 1))
        ledger.begin(slot: a, offset: 5, outputs: 1)
        ledger.begin(slot: b, offset: 5, outputs: 1)
        #expect(ledger.takeCommittable().isEmpty)
        let ack7 = ledger.acknowledge(opaque: OffsetLedger.opaque(slot: b, offset: 5))
        #expect(ack7)
        let first = ledger.takeCommittable()
        #expect(first.count == 1 && first[0].0 == TopicPartition(topic: "in", partition: 1) && first[0].1 == 6)
        #expect(ledger.takeCommittable().isEmpty, "nothing new since the last commit")
        #expect(ledger.takeCommittable(includingCommitted: true).count == 1)
        #expect(ledger.pendingOutputs(in: [TopicPartition(topic: "in", partition: 0)]) == 1)
        let ack8 = ledger.acknowledge(opaque: 0)
        #expect(!ack8)
        let zero: Set = [TopicPartition(topic: "in", partition: 0)]
        #expect(ledger.isCaused(OffsetLedger.opaque(slot: a, offset: 5), byInputOf: zero))
        #expect(!ledger.isCaused(OffsetLedger.opaque(slot: b, offset: 5), byInputOf: zero))
        #expect(!ledger.isCaused(0, byInputOf: zero), "not input-bound")
        ledger.forget([TopicPartition(topic: "in", partition: 0)])
        #expect(ledger.pendingOutputs() == 0)
    }
}
