import Foundation
import Logging
import RDKafka
import ScoringEngine
import ScoringModel
import ScoringTestSupport
import StreamifyWire
import Testing
@testable import KafkaDoor

/// A sidecar running in a task, with the topics and input of one test.
final class KafkaDoorHarness: Sendable {
    let sidecar: KafkaDoor
    let task: Task<Void, any Error>

    convenience init(configuration: KafkaDoorConfiguration, engine: RiskEngine = RiskEngine()) {
        self.init(configuration: configuration, scoring: ScoringService(engine: engine))
    }

    init(configuration: KafkaDoorConfiguration, scoring: ScoringService) {
        var logger = Logger(label: "kafka-sidecar-test")
        logger.logLevel = .warning
        let sidecar = KafkaDoor(configuration: configuration, scoring: scoring, logger: logger)
        self.sidecar = sidecar
        self.task = Task(executorPreference: DedicatedThreadsExecutor.shared) { try await sidecar.run() }
    }

    func stopGracefully() async throws {
        sidecar.requestGracefulStop()
        try await task.value
    }

    func crash() async throws {
        sidecar.simulateCrash()
        try await task.value
    }

    /// Plays `input` through one instance on `engine` that is never stopped (the reference a
    /// crashed or split run is compared with), on `cluster`'s `sales` topic with `partitions`
    /// partitions; what its output topics hold once everything is committed.
    static func uninterruptedRun(
        _ input: TestInput, on cluster: KafkaMockCluster, group: String, partitions: Int, engine: RiskEngine = RiskEngine()
    ) async throws -> Accounting {
        let configuration = MockClusterIntegrationTests.configuration(bootstrap: cluster.bootstrapServers, group: group)
        try TestTopics.produce(bootstrap: cluster.bootstrapServers, topic: "sales", input.records)
        let harness = KafkaDoorHarness(configuration: configuration, engine: engine)
        #expect(
            try await TestTopics.waitUntilFullyCommitted(
                bootstrap: cluster.bootstrapServers, group: group, topic: "sales", partitions: partitions, timeoutSeconds: 60))
        try await harness.stopGracefully()
        return try Accounting.read(bootstrap: cluster.bootstrapServers, configuration: configuration, partitions: partitions)
    }

    /// Waits until `condition` holds on the statistics, or the timeout passes.
    func wait(seconds: Double, until condition: (KafkaDoorStatistics) -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(sidecar.statistics) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition(sidecar.statistics)
    }
}

/// Test input: valid transactions (protobuf and JSON), undecodable and invalid values.
struct TestInput {
    var records: [([UInt8], [UInt8])] = []
    var validIDs: Set<String> = []
    var invalidCount = 0

    static func make(valid: Int, garbage: Int, invalid: Int, jsonShare: Int = 3, seed: UInt64 = 1) -> TestInput {
        var input = TestInput()
        for (index, transaction) in WorldTransactions.make(count: valid, seed: seed, cards: 300, fraudRate: 0.08).enumerated() {
            let value = index % jsonShare == 0 ? Array(SalesEventJSON.encode(transaction).utf8) : WireCodec.encode(transaction)
            input.records.append((Array(transaction.cardID.utf8), value))
            input.validIDs.insert(transaction.transactionID)
            if garbage > 0, index % max(valid / garbage, 1) == 0, input.invalidCount < garbage {
                input.records.append((Array(transaction.cardID.utf8), Array("garbage \(index) \u{1}\u{2}".utf8)))
                input.invalidCount += 1
            }
        }
        for index in 0..<invalid {
            let bad = Transaction(transactionID: "bad-\(index)", cardID: "card-1", merchantID: "m-1", amountMinor: 0, eventTimeMs: 1)
            input.records.append((Array("card-1".utf8), WireCodec.encode(bad)))
            input.invalidCount += 1
        }
        return input
    }
}
