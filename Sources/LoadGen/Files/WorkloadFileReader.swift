import SyntheticWorld
import Foundation
import StreamifyWire

/// Reads a workload file (either format, recognised by its first byte) back into stream items.
enum WorkloadFileReader {
    struct InvalidWorkloadFile: Error, CustomStringConvertible {
        var description: String
    }

    /// The items of `path`; labels come from the JSON lines themselves, or for frames from
    /// `labelsPath` (or the default sidecar, if it exists).
    static func read(path: String, labelsPath: String?) throws -> RecordedWorkload {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if data.first == UInt8(ascii: "{") {
            return try readJSONLines(data)
        }
        let sidecar = labelsPath ?? WorkloadFileFormat.defaultLabelsPath(for: path)
        let labels: [String: GroundTruth?]? =
            FileManager.default.fileExists(atPath: sidecar) ? try readLabels(URL(fileURLWithPath: sidecar)) : nil
        if labelsPath != nil && labels == nil { throw InvalidWorkloadFile(description: "labels file \(sidecar) not found") }
        return try readFrames(data, labels: labels)
    }

    static func readFrames(_ data: Data, labels: [String: GroundTruth?]?) throws -> RecordedWorkload {
        var items: [StreamItem] = []
        var offset = 0
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            while offset < bytes.count {
                guard offset + Framing.headerLength <= bytes.count else {
                    throw InvalidWorkloadFile(description: "truncated frame header at byte \(offset)")
                }
                let length = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).bigEndian)
                let start = offset + Framing.headerLength
                guard start + length <= bytes.count else {
                    throw InvalidWorkloadFile(description: "truncated frame at byte \(offset)")
                }
                let request: Request
                do {
                    request = try WireCodec.decode(Request.self, from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)]))
                } catch {
                    throw InvalidWorkloadFile(description: "frame at byte \(offset) is not a streamify.v1.Request")
                }
                offset = start + length
                switch request.body {
                case .score(let transaction):
                    items.append(item(transaction, labels: labels))
                case .scoreBatch(let transactions):
                    items.append(contentsOf: transactions.map { item($0, labels: labels) })
                case .feedback(let feedback):
                    items.append(.feedback(feedback, cardIndex: CardRouting.index(cardID: feedback.cardID)))
                case .ping, .authenticate, nil:
                    continue
                }
            }
        }
        return RecordedWorkload(items: items, hasGroundTruth: labels != nil)
    }

    private static func item(_ transaction: Transaction, labels: [String: GroundTruth?]?) -> StreamItem {
        // A transaction without a label is marked unknown and kept out of detection quality.
        let truth = labels?[transaction.transactionID] ?? nil
        return .transaction(
            LabelledTransaction(
                transaction: transaction, truth: truth ?? .legitimate,
                cardIndex: CardRouting.index(cardID: transaction.cardID), knownTruth: truth != nil))
    }

    static func readLabels(_ url: URL) throws -> [String: GroundTruth?] {
        let decoder = JSONDecoder()
        var labels: [String: GroundTruth?] = [:]
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") where !line.isEmpty {
            let record = try decoder.decode(LabelRecord.self, from: Data(line.utf8))
            labels[record.transaction_id] = record.truth
        }
        return labels
    }

    static func readJSONLines(_ data: Data) throws -> RecordedWorkload {
        let decoder = JSONDecoder()
        var items: [StreamItem] = []
        var anyLabelled = false
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
            let record: WorkloadLine
            do {
                record = try decoder.decode(WorkloadLine.self, from: Data(line))
            } catch {
                throw InvalidWorkloadFile(description: "line \(number + 1) is not a workload record: \(error)")
            }
            if let transaction = record.transaction?.transaction {
                let truth = record.label?.truth
                if truth != nil { anyLabelled = true }
                items.append(
                    .transaction(
                        LabelledTransaction(
                            transaction: transaction, truth: truth ?? .legitimate,
                            cardIndex: CardRouting.index(cardID: transaction.cardID), knownTruth: truth != nil)))
            } else if let feedback = record.feedback?.feedback {
                items.append(.feedback(feedback, cardIndex: CardRouting.index(cardID: feedback.cardID)))
            }
        }
        return RecordedWorkload(items: items, hasGroundTruth: anyLabelled)
    }
}
