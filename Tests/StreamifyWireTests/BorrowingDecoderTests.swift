import CProtobufC
import CStreamifyProto
import ScoringTestSupport
import StreamifyWire
import Testing

@Suite("Borrowing decoder: protobuf-c's structs for the usual requests, or no answer")
struct BorrowingDecoderTests {
    /// The largest batch the tests let the decoder take.
    static let maximumRepeated = 128

    /// A varied transaction: strings from empty to 40 bytes (multi-byte UTF-8 too), extreme
    /// numbers, a location or none, every channel.
    static func transaction(_ random: inout XorShift) -> Transaction {
        let alphabet = Array("abcXYZ019-_ é€😀".unicodeScalars)
        func text() -> String {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<random.next(41) { scalars.append(alphabet[random.next(alphabet.count)]) }
            return String(scalars)
        }
        let numbers: [Int64] = [0, 1, -1, 12_999, Int64.max, Int64.min, 1_793_491_200_000, 1 << 35]
        let coordinates: [Double] = [0, -0.0, 40.7128, -74.006, 90, -180, .infinity, .greatestFiniteMagnitude]
        let channels = Transaction.Channel.allCases
        return Transaction(
            transactionID: text(), cardID: text(), merchantID: text(), amountMinor: numbers[random.next(numbers.count)],
            currency: text(), eventTimeMs: numbers[random.next(numbers.count)],
            location: random.next(3) == 0
                ? nil
                : GeoPoint(
                    latitude: coordinates[random.next(coordinates.count)],
                    longitude: coordinates[random.next(coordinates.count)]),
            country: text(), deviceID: text(), ipAddress: text(), userAgent: text(), merchantCategory: text(),
            paymentMethod: text(), channel: channels[random.next(channels.count)])
    }

    /// A scoring request, single or a batch of up to `largestBatch`.
    static func request(_ random: inout XorShift, largestBatch: Int = maximumRepeated) -> Request {
        let explains: [Explain] = [.all, .topFactor, .none]
        let body: Request.Body =
            random.next(2) == 0
            ? .score(transaction(&random))
            : .scoreBatch((0..<random.next(largestBatch + 1)).map { _ in transaction(&random) })
        return Request(
            requestID: UInt64(random.next(Int.max)) &* 977, body: body,
            deadlineMs: random.next(2) == 0 ? 0 : 1_793_491_200_050, explain: explains[random.next(explains.count)])
    }

    /// What the borrowing decoder makes of `bytes`, checked against protobuf-c: nil when it
    /// declines; otherwise protobuf-c must decode them too, to the same values.
    static func decodeBoth(_ bytes: [UInt8]) -> Bool? {
        bytes.withUnsafeBytes { bytes in
            let arena = MessageArena(capacity: 4096)
            guard
                let borrowed = BorrowingDecoder.request(bytes, maximumRepeated: maximumRepeated, into: arena)
            else { return nil }
            guard let unpacked = Request.unpack(bytes, into: arena) else {
                Issue.record("taken by the borrowing decoder, refused by protobuf-c: \(Array(bytes))")
                return false
            }
            if let difference = firstDifference(borrowed, unpacked, layout: BorrowingDecoder.requestLayout) {
                Issue.record("\(difference) differs from protobuf-c's for \(Array(bytes))")
                return false
            }
            return true
        }
    }

    // MARK: Wire format by hand

    /// A field's number, from the generated descriptors.
    static func number(_ name: String, in descriptor: ProtobufCMessageDescriptor) -> UInt64 {
        WireFieldNumbers.number(name, in: descriptor)
    }
    static let cardIDNumber = number("card_id", in: streamify__v1__transaction__descriptor)
    static let amountNumber = number("amount_minor", in: streamify__v1__transaction__descriptor)
    static let locationNumber = number("location", in: streamify__v1__transaction__descriptor)
    static let latitudeNumber = number("latitude", in: streamify__v1__geo_point__descriptor)
    static let pingNumber = number("ping", in: streamify__v1__request__descriptor)

    /// The fields of the message in `bytes`, each with its key and payload.
    static func fields(of bytes: [UInt8]) -> [[UInt8]] {
        bytes.withUnsafeBytes { raw in
            var reader = ProtobufWireReader(raw)
            var fields: [[UInt8]] = []
            var start = 0
            while reader.nextField() != nil {
                fields.append(Array(bytes[start..<reader.offset]))
                start = reader.offset
            }
            return fields
        }
    }

    /// One unknown field of each wire type, numbered past every field of the schema.
    static let unknownFields: [[UInt8]] = [
        WireBytes.field(900, .varint, WireBytes.varint(UInt64.max)),
        WireBytes.field(901, .fixed64, Array(repeating: 7, count: 8)),
        WireBytes.field(902, .lengthDelimited, [1, 2, 3]),
        WireBytes.field(903, .fixed32, [9, 9, 9, 9]),
        WireBytes.field(536_870_911, .lengthDelimited, []),
    ]

    /// A single transaction's request rebuilt with its fields in a random order and unknown
    /// fields between them, in the request, the transaction and its location.
    static func reshaped(_ transaction: Transaction, requestID: UInt64, _ random: inout XorShift) -> [UInt8] {
        func shuffleIn(_ fields: [[UInt8]]) -> [UInt8] {
            var fields = fields + unknownFields.filter { _ in random.next(2) == 0 }
            for index in fields.indices.reversed() { fields.swapAt(index, random.next(index + 1)) }
            return fields.flatMap { $0 }
        }
        let number = WireFieldNumbers.request
        var transactionFields = fields(of: WireCodec.encode(transaction))
        // Fields proto3 leaves out when they hold their default, written out anyway.
        let layout = BorrowingDecoder.requestLayout
        let transactionLayout = layout.children[layout.fields[Int(number.score)].child]
        let present = Set(transactionFields.map { $0.withUnsafeBytes { ProtobufWireReader($0).nextFieldNumber } })
        for (fieldNumber, entry) in transactionLayout.fields.enumerated() where !present.contains(UInt64(fieldNumber)) {
            let fieldNumber = UInt64(fieldNumber)
            switch entry.kind {
            case .bytes: transactionFields.append(WireBytes.field(fieldNumber, .lengthDelimited, []))
            case .varint64, .varint32: transactionFields.append(WireBytes.field(fieldNumber, .varint, [0]))
            case .fixed64: transactionFields.append(WireBytes.field(fieldNumber, .fixed64, Array(repeating: 0, count: 8)))
            default: continue
            }
        }
        if let location = transaction.location {
            let encoded = WireCodec.encode(Transaction(cardID: "", merchantID: "", amountMinor: 0, eventTimeMs: 0, location: location))
            let locationField = fields(of: encoded)[0]
            transactionFields.removeAll { $0 == locationField }
            let point = fields(of: Array(locationField.dropFirst(2)))
            transactionFields.append(WireBytes.field(locationNumber, .lengthDelimited, shuffleIn(point)))
        }
        return shuffleIn([WireBytes.field(number.requestID, .varint, WireBytes.varint(requestID)), WireBytes.field(number.score, .lengthDelimited, shuffleIn(transactionFields))])
    }

    // MARK: Tests

    @Test("decodes what the codec encodes, to protobuf-c's values, field for field")
    func agreesOnEncodedRequests() {
        var random = XorShift(seed: 0x5EED_B0D1)
        for _ in 0..<600 {
            let bytes = WireCodec.encode(Self.request(&random))
            #expect(Self.decodeBoth(bytes) == true)
        }
    }

    @Test("takes fields in any order and steps over unknown ones, at every level")
    func anyOrderAndUnknownFields() {
        var random = XorShift(seed: 0x0DD_0DE5)
        for index in 0..<400 {
            var transaction = Self.transaction(&random)
            if transaction.location == nil { transaction.location = GeoPoint(latitude: 1.5, longitude: -2.25) }
            let bytes = Self.reshaped(transaction, requestID: UInt64(index), &random)
            #expect(Self.decodeBoth(bytes) == true)
        }
    }

    @Test("declines what protobuf-c may read otherwise, or refuse")
    func declinesUnusualShapes() throws {
        let number = WireFieldNumbers.request
        let transaction = WireCodec.encode(RequestPeekTests.transaction(1))
        let score = WireBytes.field(number.score, .lengthDelimited, transaction)
        let id = WireBytes.field(number.requestID, .varint, [5])
        let cardID = WireBytes.field(Self.cardIDNumber, .lengthDelimited, Array("card".utf8))
        let latitude = WireBytes.field(Self.latitudeNumber, .fixed64, Array(repeating: 1, count: 8))
        let location = WireBytes.field(Self.locationNumber, .lengthDelimited, latitude)
        let cases: [(String, [UInt8])] = [
            ("request_id twice", id + id + score),
            ("score twice", id + score + score),
            ("score and ping", score + WireBytes.field(Self.pingNumber, .lengthDelimited, [])),
            ("card_id twice", WireBytes.field(number.score, .lengthDelimited, transaction + cardID)),
            ("location twice", WireBytes.field(number.score, .lengthDelimited, transaction + location)),
            ("latitude twice", WireBytes.field(number.score, .lengthDelimited, WireBytes.field(Self.locationNumber, .lengthDelimited, latitude + latitude))),
            ("request_id length-delimited", WireBytes.field(number.requestID, .lengthDelimited, [1]) + score),
            ("amount as fixed64", WireBytes.field(number.score, .lengthDelimited, WireBytes.field(Self.amountNumber, .fixed64, Array(repeating: 0, count: 8)))),
            ("a group", id + [UInt8(9 << 3 | 3)] + score),
            ("wire type 7", id + [UInt8(9 << 3 | 7)] + score),
            ("field number 0", [0x02, 0x00] + score),
            ("a six-byte key", [0x92, 0x80, 0x80, 0x80, 0x80, 0x00] + WireBytes.varint(UInt64(transaction.count)) + transaction),
            ("a six-byte length", [0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
            ("an eleven-byte varint", [0x08] + Array(repeating: 0xFF, count: 10) + [0x01]),
            ("a length past the end", id + [0x12, 0x7F] + transaction),
            ("a truncated transaction", Array((id + score).dropLast())),
            ("a string in the transaction past its end", WireBytes.field(number.score, .lengthDelimited, [0x12, 0x05, 0x41])),
            ("a batch over the limit",
                id + WireBytes.field(number.scoreBatch, .lengthDelimited,
                    Array(repeating: WireBytes.field(number.batchTransactions, .lengthDelimited, transaction), count: Self.maximumRepeated + 1).flatMap { $0 })),
        ]
        for (name, bytes) in cases {
            #expect(Self.decodeBoth(bytes) == nil, "\(name)")
        }
        // The same shapes short of the unusual part are taken: the cases above are declined for it.
        #expect(Self.decodeBoth(id + score) == true)
        #expect(Self.decodeBoth(WireBytes.field(number.score, .lengthDelimited, transaction + WireBytes.field(900, .lengthDelimited, cardID))) == true)
        let batch = Array(repeating: WireBytes.field(number.batchTransactions, .lengthDelimited, transaction), count: Self.maximumRepeated)
        #expect(Self.decodeBoth(id + WireBytes.field(number.scoreBatch, .lengthDelimited, batch.flatMap { $0 })) == true)
    }

    @Test("on mutated frames, whatever it takes protobuf-c reads the same")
    func mutatedFrames() {
        var random = XorShift(seed: 0xF00D_F1A7)
        var taken = 0
        var declined = 0
        let rounds = 20_000
        for _ in 0..<rounds {
            // Small batches, so that mutations land near the fields that matter more often.
            var bytes = WireCodec.encode(Self.request(&random, largestBatch: 3))
            for _ in 0...random.next(3) {
                guard !bytes.isEmpty else { break }
                let at = random.next(bytes.count)
                switch random.next(5) {
                case 0: bytes[at] ^= UInt8(1 << random.next(8))
                case 1: bytes[at] = UInt8(random.next(256))
                case 2: bytes.insert(UInt8(random.next(256)), at: at)
                case 3: bytes.remove(at: at)
                default: bytes.removeLast(random.next(bytes.count - at + 1))
                }
            }
            switch Self.decodeBoth(bytes) {
            case .some(true): taken += 1
            case nil: declined += 1
            case .some(false): break
            }
        }
        // Both kinds occur often enough for the comparison to mean something.
        #expect(taken > rounds / 10, "taken \(taken) of \(rounds)")
        #expect(declined > rounds / 10, "declined \(declined) of \(rounds)")
    }
}

extension ProtobufWireReader {
    /// The number of the first field (0 when there is none).
    fileprivate var nextFieldNumber: UInt64 {
        var reader = self
        return reader.nextField()?.number ?? 0
    }
}
