@testable import ScoringClient
import StreamifyWire
import Testing

/// The client reads a summary (ids, codes, scores, levels) straight from a response's wire
/// bytes rather than decoding it whole: it must read what the encoder wrote, for every body.
@Suite("ResponseSummary read from the wire")
struct ResponseSummaryWireTests {
    static let breakdown = RiskBreakdown(
        transactionID: "tx-\"1\"", riskScore: 0.734_5, level: .high,
        factors: [FactorScore(factor: .amount, score: 0.5, weight: 1, contribution: 0.25, reason: "a long reason ✓")],
        modelVersion: "online.3", serverTimeMicroseconds: 4_321)

    /// What the summary of `response` must be, from its Swift value.
    static func expected(_ response: Response) -> ResponseSummary {
        func item(_ breakdown: RiskBreakdown) -> ResponseSummary.Item {
            .init(riskScore: breakdown.riskScore, level: breakdown.level, serverTimeMicroseconds: breakdown.serverTimeMicroseconds)
        }
        switch response.body {
        case .breakdown(let breakdown):
            return .init(requestID: response.requestID, kind: .breakdown, items: [item(breakdown)])
        case .breakdownBatch(let items):
            return .init(
                requestID: response.requestID, kind: .breakdownBatch,
                items: items.map {
                    switch $0 {
                    case .breakdown(let breakdown): item(breakdown)
                    case .error(let error): .init(riskScore: 0, level: .unspecified, errorCode: error.code)
                    }
                })
        case .ack: return .init(requestID: response.requestID, kind: .ack)
        case .pong: return .init(requestID: response.requestID, kind: .pong)
        case .error(let error): return .init(requestID: response.requestID, kind: .error(error.code))
        case .authenticated, nil: return .init(requestID: response.requestID, kind: .empty)
        }
    }

    static let responses: [Response] = [
        Response(requestID: 1, body: .breakdown(breakdown)),
        Response(requestID: UInt64.max, body: .breakdown(RiskBreakdown(
            transactionID: "", riskScore: 0, level: .unspecified, factors: [], modelVersion: "", serverTimeMicroseconds: 0))),
        Response(requestID: 3, body: .breakdownBatch([
            .breakdown(breakdown), .error(WireError(code: .invalidArgument, message: "no", field: "card_id")), .breakdown(breakdown),
        ])),
        Response(requestID: 4, body: .breakdownBatch([])),
        Response(requestID: 5, body: .ack(.duplicate)),
        Response(requestID: 6, body: .pong(Pong(version: "1.0", modelVersion: "m", cardsTracked: 7))),
        Response(requestID: 7, body: .error(WireError(code: .overloaded, message: "busy", field: ""))),
        Response(requestID: 8, body: .authenticated(mayLabel: true)),
        Response(requestID: 9, body: nil),
    ]

    @Test("every kind of response reads as its Swift value says", arguments: responses)
    func readsWhatWasWritten(_ response: Response) throws {
        let bytes = WireCodec.encode(response)
        let summary = bytes.withUnsafeBytes { ResponseSummary(wire: $0) }
        #expect(summary == Self.expected(response))
    }

    @Test("bytes that are not wire format read as nothing, whatever their length")
    func malformedIsRefused() {
        let encoded = WireCodec.encode(Response(requestID: 3, body: .breakdownBatch([.breakdown(Self.breakdown)])))
        // Cut short anywhere inside the message: a truncated field is malformed.
        for cut in 1..<encoded.count {
            let summary = Array(encoded[..<cut]).withUnsafeBytes { ResponseSummary(wire: $0) }
            let decodes = (try? Array(encoded[..<cut]).withUnsafeBytes { try WireCodec.decode(Response.self, from: $0) }) != nil
            #expect((summary != nil) == decodes, "cut at \(cut) of \(encoded.count)")
        }
        #expect([0xFF, 0xFF].withUnsafeBytes { ResponseSummary(wire: $0) } == nil)
    }

    /// A field's tag: its number and wire type (0 varint, 2 length-delimited).
    static func tag(_ number: UInt64, _ wireType: UInt64) -> UInt8 { UInt8(number << 3 | wireType) }

    /// Responses whose known fields come with the wrong wire type, at each level the summary reads.
    static let wrongWireTypes: [[UInt8]] = {
        let n = WireFieldNumbers.response
        let b = WireFieldNumbers.breakdown
        let errorWithCodeAsBytes = [tag(n.errorCode, 2), 0]
        let itemWithErrorAsVarint = [tag(n.itemError, 0), 1]
        let itemWithBreakdownAsVarint = [tag(n.itemBreakdown, 0), 1]
        return [
            [tag(n.requestID, 2), 0],
            [tag(n.breakdown, 2), 2, tag(b.riskScore, 0), 1],
            [tag(n.breakdown, 2), 2, tag(b.level, 2), 0],
            [tag(n.breakdown, 0), 1],
            [tag(n.breakdownBatch, 0), 1],
            [tag(n.error, 0), 1],
            [tag(n.error, 2), UInt8(errorWithCodeAsBytes.count)] + errorWithCodeAsBytes,
            [tag(n.breakdownBatch, 2), 2, tag(n.batchItems, 0), 1],
            [tag(n.breakdownBatch, 2), UInt8(itemWithErrorAsVarint.count + 2), tag(n.batchItems, 2),
             UInt8(itemWithErrorAsVarint.count)] + itemWithErrorAsVarint,
            [tag(n.breakdownBatch, 2), UInt8(itemWithBreakdownAsVarint.count + 2), tag(n.batchItems, 2),
             UInt8(itemWithBreakdownAsVarint.count)] + itemWithBreakdownAsVarint,
        ]
    }()

    @Test("a known field with the wrong wire type is refused, as a full decode refuses it", arguments: wrongWireTypes)
    func wrongWireTypeIsRefused(_ bytes: [UInt8]) {
        let decodes = (try? bytes.withUnsafeBytes { try WireCodec.decode(Response.self, from: $0) }) != nil
        #expect(!decodes, "protobuf-c should refuse \(bytes)")
        #expect(bytes.withUnsafeBytes { ResponseSummary(wire: $0) } == nil)
    }
}
