import CStreamifyProto
import NIOCore
import ScoringEngine
import ScoringModel
import ScoringTestSupport
import StreamifyWire
import Testing

@testable import SocketDoor

/// The frame `BreakdownFrameWriter` encodes by hand must be, byte for byte, the one protobuf-c
/// packs from the structs `BreakdownBuilder` makes: the wire contract of a scored transaction.
@Suite("Breakdown frames encoded by hand")
struct BreakdownFrameWriterTests {
    /// The frame protobuf-c packs for the same answer.
    static func packed(
        requestID: UInt64, _ assessment: RiskAssessment, transactionID: [UInt8], modelVersion: String,
        explain: Explain, serverTime: UInt32
    ) -> ByteBuffer {
        let arena = MessageArena(capacity: 4096)
        var frame = ByteBuffer()
        transactionID.withUnsafeBufferPointer { id in
            let response = arena.make(Streamify__V1__Response.self)
            streamify__v1__response__init(response)
            response.pointee.request_id = requestID
            response.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_BREAKDOWN
            let breakdown = BreakdownBuilder().make(
                assessment, transactionID: ProtobufCBinaryData(len: id.count, data: UnsafeMutablePointer(mutating: id.baseAddress)),
                modelVersion: modelVersion, explain: explain, in: arena)
            breakdown.pointee.server_time_us = serverTime
            response.pointee.breakdown = breakdown
            frame.writeProtobufCFrame(response)
        }
        return frame
    }

    static func written(
        by writer: BreakdownFrameWriter, requestID: UInt64, _ assessment: RiskAssessment, transactionID: [UInt8],
        modelVersion: String, explain: Explain, serverTime: UInt32
    ) -> ByteBuffer {
        var frame = ByteBuffer()
        transactionID.withUnsafeBytes { id in
            writer.write(
                .frame(requestID: requestID), assessment, transactionID: id, modelVersion: modelVersion, explain: explain,
                serverTimeMicroseconds: serverTime, into: &frame)
        }
        return frame
    }

    /// What the engine decides on a varied stream: every factor's signals, cards new and
    /// known, travel, shared devices, risky categories and methods, bursts; every third with its
    /// scores, weights and contributions set to edge values (0, -0, tiny, 1) on top.
    static func assessments(count: Int) -> [RiskAssessment] {
        var random = XorShift(seed: 0x9E37_79B9_7F4A_7C15)
        func next(_ bound: Int) -> Int { random.next(bound) }
        let places = [GeoPoint(latitude: 40.71, longitude: -74.01), GeoPoint(latitude: 51.51, longitude: -0.13)]
        let categories = ["5411", "5732", "6051", "7995", "4829", ""]
        let methods = ["credit_card", "crypto", "bnpl", "gift_card", "wire", ""]
        let amounts: [Int64] = [99, 2_500, 10_000, 120_000, 900_000, 5_000_000_000]
        let edges: [Float] = [0, -0.0, 1, 1e-7, 0.5]
        let service = ScoringService(engine: RiskEngine())
        let arena = MessageArena(capacity: 4096)
        var counters = ScoringCounters()
        var time: Int64 = 1_793_628_000_000
        return (0..<count).compactMap { index in
            time += Int64(next(3) == 0 ? next(30) * 1_000 : next(6 * 3_600) * 1_000)
            let card = next(40)
            let transaction = Transaction(
                transactionID: "tx-\(index)", cardID: "card-\(card)", merchantID: "m-\(next(9))",
                amountMinor: amounts[next(amounts.count)], currency: "USD", eventTimeMs: time,
                location: next(4) == 0 ? nil : places[next(2) == 0 ? card % 2 : next(2)],
                country: ["US", "GB", ""][next(3)], deviceID: next(5) == 0 ? "" : "device-\(next(8) == 0 ? next(3) : card)",
                ipAddress: next(4) == 0 ? "" : "10.0.0.\(next(6) == 0 ? next(3) : card)",
                userAgent: "agent-\(card % 3)", merchantCategory: categories[next(categories.count)],
                paymentMethod: methods[next(methods.count)], channel: Transaction.Channel.allCases[next(5)])
            arena.reset()
            guard var assessment = try? service.score(transaction.protobufC(in: arena), counters: &counters).get()
                .assessment
            else { return nil }
            if index % 3 == 0 {
                assessment.score = edges[next(edges.count)]
                for factor in 0..<RiskFactor.allCases.count {
                    assessment.factors[factor].score = edges[next(edges.count)]
                    assessment.factors[factor].weight = edges[next(edges.count)]
                    assessment.factors[factor].contribution = edges[next(edges.count)]
                }
            }
            return assessment
        }
    }

    @Test("the same bytes as protobuf-c for every explain level, id, version and time")
    func sameBytesAsProtobufC() {
        let writer = BreakdownFrameWriter()
        let ids: [[UInt8]] = [[], Array("tx-1".utf8), Array(repeating: UInt8(ascii: "x"), count: 200)]
        let versions = ["", "handset-v1", String(repeating: "v", count: 64), "with\u{0}nul"]
        let requestIDs: [UInt64] = [0, 1, 300, .max]
        let times: [UInt32] = [0, 7, 200_000, .max]
        var compared = 0
        let assessments = Self.assessments(count: 400)
        // A few are refused (an amount over the limit): enough are left.
        #expect(assessments.count > 300)
        for (index, assessment) in assessments.enumerated() {
            for explain in Explain.allCases {
                let id = ids[index % ids.count]
                let version = versions[(index / 3) % versions.count]
                let requestID = requestIDs[(index / 2) % requestIDs.count]
                let time = times[(index / 5) % times.count]
                let expected = Self.packed(
                    requestID: requestID, assessment, transactionID: id, modelVersion: version, explain: explain,
                    serverTime: time)
                let actual = Self.written(
                    by: writer, requestID: requestID, assessment, transactionID: id, modelVersion: version,
                    explain: explain, serverTime: time)
                #expect(actual == expected, "assessment \(index), explain \(explain)")
                compared += 1
            }
        }
        #expect(compared == assessments.count * Explain.allCases.count)
    }

    @Test("a batch's answer, items by hand and errors by protobuf-c, is protobuf-c's")
    func batchAnswerSameBytes() {
        let assessments = Array(Self.assessments(count: 60).prefix(40))
        for explain in Explain.allCases {
            for requestID: UInt64 in [0, 77] {
                let arena = MessageArena(capacity: 64 * 1024)
                let builder = BreakdownBuilder()
                let writer = BreakdownFrameWriter()
                var items = ByteBuffer()
                let pointers = arena.makePointerArray(of: Streamify__V1__BatchItem.self, count: assessments.count + 1)
                let structs = arena.make(Streamify__V1__BatchItem.self, count: assessments.count + 1)
                let id: [UInt8] = Array("tx".utf8)
                id.withUnsafeBufferPointer { idBytes in
                    for (index, assessment) in assessments.enumerated() {
                        let item = structs + index
                        streamify__v1__batch_item__init(item)
                        item.pointee.result_case = STREAMIFY__V1__BATCH_ITEM__RESULT_BREAKDOWN
                        item.pointee.breakdown = builder.make(
                            assessment,
                            transactionID: ProtobufCBinaryData(
                                len: idBytes.count, data: UnsafeMutablePointer(mutating: idBytes.baseAddress)),
                            modelVersion: "v\(index)", explain: explain, in: arena)
                        item.pointee.breakdown.pointee.server_time_us = UInt32(index)
                        pointers[index] = item
                        writer.write(
                            .batchItem, assessment, transactionID: UnsafeRawBufferPointer(idBytes), modelVersion: "v\(index)",
                            explain: explain, serverTimeMicroseconds: UInt32(index), into: &items)
                    }
                }
                // One refused transaction among them.
                let refused = structs + assessments.count
                streamify__v1__batch_item__init(refused)
                refused.pointee.result_case = STREAMIFY__V1__BATCH_ITEM__RESULT_ERROR
                let error = arena.make(Streamify__V1__Error.self)
                streamify__v1__error__init(error)
                error.pointee.code = STREAMIFY__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT
                error.pointee.message = arena.copy("amount_minor must be positive")
                error.pointee.field = arena.copy("amount_minor")
                refused.pointee.error = error
                pointers[assessments.count] = refused
                writer.append(refused, to: &items)

                let batch = arena.make(Streamify__V1__BreakdownBatch.self)
                streamify__v1__breakdown_batch__init(batch)
                batch.pointee.n_items = assessments.count + 1
                batch.pointee.items = pointers
                let response = arena.make(Streamify__V1__Response.self)
                streamify__v1__response__init(response)
                response.pointee.request_id = requestID
                response.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_BREAKDOWN_BATCH
                response.pointee.breakdown_batch = batch
                var expected = ByteBuffer()
                expected.writeProtobufCFrame(response)

                var actual = ByteBuffer()
                writer.writeBatchAnswer(requestID: requestID, items: &items, into: &actual)
                #expect(actual == expected, "explain \(explain), request \(requestID)")
            }
        }
    }

    @Test("an empty batch's answer is protobuf-c's")
    func emptyBatchAnswer() {
        let arena = MessageArena(capacity: 1024)
        let batch = arena.make(Streamify__V1__BreakdownBatch.self)
        streamify__v1__breakdown_batch__init(batch)
        let response = arena.make(Streamify__V1__Response.self)
        streamify__v1__response__init(response)
        response.pointee.request_id = 5
        response.pointee.body_case = STREAMIFY__V1__RESPONSE__BODY_BREAKDOWN_BATCH
        response.pointee.breakdown_batch = batch
        var expected = ByteBuffer()
        expected.writeProtobufCFrame(response)
        var items = ByteBuffer()
        var actual = ByteBuffer()
        BreakdownFrameWriter().writeBatchAnswer(requestID: 5, items: &items, into: &actual)
        #expect(actual == expected)
    }

    @Test("a reason longer than a breakdown holds is cut where protobuf-c's is")
    func longReasonsTruncated() {
        var factors = FactorSlots<FactorOutcome>(repeating: FactorOutcome(score: 0.5, primary: .none))
        for index in 0..<RiskFactor.allCases.count {
            factors[index] = FactorOutcome(
                score: 1, primary: Signal(.amountAboveProfile, 9e14, 1e-3, 9e14),
                secondary: Signal(.travelImpossible, 9e14, 9e14, 9e14))
        }
        let assessment = RiskAssessment(score: 1, level: .critical, factors: factors)
        let writer = BreakdownFrameWriter()
        let expected = Self.packed(
            requestID: 9, assessment, transactionID: Array("t".utf8), modelVersion: "m", explain: .all, serverTime: 1)
        let actual = Self.written(
            by: writer, requestID: 9, assessment, transactionID: Array("t".utf8), modelVersion: "m", explain: .all,
            serverTime: 1)
        #expect(actual == expected)
        // Five reasons, each cut at the builder's capacity: the frame is longer than any one.
        #expect(actual.readableBytes > BreakdownBuilder.reasonCapacity)
    }

    @Test("a reason holding a NUL byte ends there, as protobuf-c reads it")
    func reasonWithNUL() {
        var factors = FactorSlots<FactorOutcome>(repeating: FactorOutcome(score: 0.5, primary: .none))
        // A country code whose first byte is 0 renders a NUL in the middle of the reason.
        factors[RiskFactor.geographic.rawValue] = FactorOutcome(score: 0.7, primary: Signal(.countryChange, 0x0041, 0x5553))
        let assessment = RiskAssessment(score: 0.7, level: .high, factors: factors)
        let expected = Self.packed(
            requestID: 3, assessment, transactionID: [1, 2], modelVersion: "m", explain: .all, serverTime: 5)
        let actual = Self.written(
            by: BreakdownFrameWriter(), requestID: 3, assessment, transactionID: [1, 2], modelVersion: "m",
            explain: .all, serverTime: 5)
        #expect(actual == expected)
    }
}
