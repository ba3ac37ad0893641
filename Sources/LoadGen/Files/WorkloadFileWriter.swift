import SyntheticWorld
import Foundation
import NIOCore
import StreamifyWire

/// Writes stream items to a workload file (see `WorkloadFileFormat`).
final class WorkloadFileWriter {
    private let format: WorkloadFileFormat
    private let output: FileHandle
    private let labels: FileHandle?
    private var buffer = ByteBuffer()
    private var labelBuffer = Data()
    private var nextRequestID: UInt64 = 1
    private let encoder: JSONEncoder

    init(path: String, format: WorkloadFileFormat, labelsPath: String?) throws {
        self.format = format
        self.output = try Self.create(path)
        self.labels = try labelsPath.map(Self.create)
        self.encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    private static func create(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func write(_ item: StreamItem) throws {
        switch (format, item) {
        case (.frames, .transaction(let labelled)):
            writeFrame(Request(requestID: takeRequestID(), body: .score(labelled.transaction)))
            labelBuffer.append(try encoder.encode(LabelRecord(transactionID: labelled.transaction.transactionID, truth: labelled.truth)))
            labelBuffer.append(UInt8(ascii: "\n"))
        case (.frames, .feedback(let feedback, _)):
            writeFrame(Request(requestID: takeRequestID(), body: .feedback(feedback)))
        case (.jsonl, .transaction(let labelled)):
            let line = WorkloadLine(
                type: "transaction", transaction: TransactionRecord(labelled.transaction),
                label: LabelRecord(transactionID: labelled.transaction.transactionID, truth: labelled.truth))
            buffer.writeBytes(try encoder.encode(line))
            buffer.writeInteger(UInt8(ascii: "\n"))
        case (.jsonl, .feedback(let feedback, _)):
            buffer.writeBytes(try encoder.encode(WorkloadLine(type: "feedback", feedback: FeedbackRecord(feedback))))
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        if buffer.readableBytes >= 1 << 20 || labelBuffer.count >= 1 << 20 { try flush() }
    }

    func close() throws {
        try flush()
        try output.close()
        try labels?.close()
    }

    private func takeRequestID() -> UInt64 {
        defer { nextRequestID += 1 }
        return nextRequestID
    }

    private func writeFrame(_ request: Request) {
        buffer.writeFrame(WireCodec.encode(request))
    }

    private func flush() throws {
        if buffer.readableBytes > 0 {
            try output.write(contentsOf: Data(buffer.readableBytesView))
            buffer.clear()
        }
        if let labels, !labelBuffer.isEmpty {
            try labels.write(contentsOf: labelBuffer)
            labelBuffer.removeAll(keepingCapacity: true)
        }
    }
}
