import StreamifyWire

extension ResponseSummary {
    /// Reads the summary straight from a response's wire bytes, without decoding the rest: no
    /// reasons, ids or versions are copied, and nothing is allocated but `items`. The load generator's closed loop reads every answer
    /// this way. Nil when the bytes are not valid wire format, or when a field it reads comes
    /// with another wire type than its declared one (protobuf-c refuses such a message too;
    /// fields it skips, such as reasons, are not checked).
    init?(wire bytes: UnsafeRawBufferPointer) {
        var requestID: UInt64 = 0
        var kind = Kind.empty
        var items: [Item] = []
        let number = WireFieldNumbers.response
        var reader = ProtobufWireReader(bytes)
        while let field = reader.nextField() {
            switch (field.number, field.wireType) {
            case (number.requestID, .varint):
                requestID = field.varint
            case (number.breakdown, .lengthDelimited):
                guard let item = Item(breakdown: bytes, field.payload) else { return nil }
                (kind, items) = (.breakdown, [item])
            case (number.breakdownBatch, .lengthDelimited):
                guard let batch = Self.batchItems(bytes, field.payload) else { return nil }
                (kind, items) = (.breakdownBatch, batch)
            case (number.ack, .lengthDelimited):
                (kind, items) = (.ack, [])
            case (number.pong, .lengthDelimited):
                (kind, items) = (.pong, [])
            case (number.error, .lengthDelimited):
                guard let code = Self.errorCode(bytes, field.payload) else { return nil }
                (kind, items) = (.error(code), [])
            case (number.authenticated, .lengthDelimited):
                (kind, items) = (.empty, [])
            case (number.requestID, _), (number.breakdown, _), (number.breakdownBatch, _), (number.ack, _),
                (number.pong, _), (number.error, _), (number.authenticated, _):
                return nil
            default:
                continue
            }
        }
        guard !reader.isMalformed else { return nil }
        self.init(requestID: requestID, kind: kind, items: items)
    }

    /// A batch's items in order: each a breakdown, an error, or (neither set) `.malformed`.
    private static func batchItems(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> [Item]? {
        var items: [Item] = []
        let number = WireFieldNumbers.response
        var batch = ProtobufWireReader(bytes, range: range)
        while let field = batch.nextField() {
            guard field.number == number.batchItems else { continue }
            guard field.wireType == .lengthDelimited else { return nil }
            var item: Item?
            var reader = ProtobufWireReader(bytes, range: field.payload)
            while let result = reader.nextField() {
                switch (result.number, result.wireType) {
                case (number.itemBreakdown, .lengthDelimited):
                    guard let breakdown = Item(breakdown: bytes, result.payload) else { return nil }
                    item = breakdown
                case (number.itemError, .lengthDelimited):
                    guard let code = errorCode(bytes, result.payload) else { return nil }
                    item = Item(riskScore: 0, level: .unspecified, errorCode: code)
                case (number.itemBreakdown, _), (number.itemError, _):
                    return nil
                default:
                    continue
                }
            }
            guard !reader.isMalformed else { return nil }
            items.append(item ?? Item(riskScore: 0, level: .unspecified, errorCode: .malformed))
        }
        return batch.isMalformed ? nil : items
    }

    /// An `Error`'s code (`.unspecified` when absent or unknown).
    private static func errorCode(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> ErrorCode? {
        var code = ErrorCode.unspecified
        let number = WireFieldNumbers.response
        var reader = ProtobufWireReader(bytes, range: range)
        while let field = reader.nextField() {
            guard field.number == number.errorCode else { continue }
            guard field.wireType == .varint else { return nil }
            code = ErrorCode(rawValue: Int32(truncatingIfNeeded: field.varint)) ?? .unspecified
        }
        return reader.isMalformed ? nil : code
    }
}

extension ResponseSummary.Item {
    /// A `RiskBreakdown`'s score, level and server time, read from its wire bytes in `range`.
    fileprivate init?(breakdown bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        var score: Float = 0
        var level = AlertLevel.unspecified
        var serverTime: UInt32 = 0
        let number = WireFieldNumbers.breakdown
        var reader = ProtobufWireReader(bytes, range: range)
        while let field = reader.nextField() {
            switch (field.number, field.wireType) {
            case (number.riskScore, .fixed32):
                score = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: field.payload.lowerBound, as: UInt32.self)))
            case (number.level, .varint):
                level = AlertLevel(rawValue: Int32(truncatingIfNeeded: field.varint)) ?? .unspecified
            case (number.serverTime, .varint):
                serverTime = UInt32(truncatingIfNeeded: field.varint)
            case (number.riskScore, _), (number.level, _), (number.serverTime, _):
                return nil
            default:
                continue
            }
        }
        guard !reader.isMalformed else { return nil }
        self.init(riskScore: score, level: level, errorCode: nil, serverTimeMicroseconds: serverTime)
    }
}
