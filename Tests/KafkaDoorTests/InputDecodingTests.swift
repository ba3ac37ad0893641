import Foundation
import Testing
import StreamifyWire
@testable import KafkaDoor

@Suite struct InputDecodingTests {
    @Test func parsesPythonIsoformatTimestamps() {
        #expect(ISO8601Timestamp.unixMilliseconds("2024-01-15T10:30:00") == 1_705_314_600_000)
        #expect(ISO8601Timestamp.unixMilliseconds("2024-01-15T10:30:00.123456") == 1_705_314_600_123)
        #expect(ISO8601Timestamp.unixMilliseconds("2024-01-15 10:30:00Z") == 1_705_314_600_000)
        #expect(ISO8601Timestamp.unixMilliseconds("2024-01-15T12:30:00+02:00") == 1_705_314_600_000)
        #expect(ISO8601Timestamp.unixMilliseconds("2024-01-15T05:30:00-0500") == 1_705_314_600_000)
        #expect(ISO8601Timestamp.unixMilliseconds("2000-02-29T00:00:00") == 951_782_400_000)
        #expect(ISO8601Timestamp.unixMilliseconds("2024-13-15T10:30:00") == nil)
        #expect(ISO8601Timestamp.unixMilliseconds("2024-01-15T10:30") == nil)
        #expect(ISO8601Timestamp.unixMilliseconds("2024-01-15T10:30:00 junk") == nil)
        #expect(ISO8601Timestamp.unixMilliseconds("yesterday") == nil)
    }

    @Test func detectsFormatPerMessage() {
        let json = Array(" \n{\"user_id\": 1}".utf8)
        json.withUnsafeBytes { #expect(InputFormat.detect($0) == .json) }
        let proto = WireCodec.encode(Transaction(cardID: "c", merchantID: "m", amountMinor: 1, eventTimeMs: 1))
        proto.withUnsafeBytes { #expect(InputFormat.detect($0) == .protobuf) }
    }

    @Test func mapsSalesJSONToTransaction() throws {
        let text = """
            {"transaction_id": "t-1", "user_id": 4711, "product_id": "p-9", "product_category": "Electronics",
             "amount": "129.99", "currency": "EUR", "payment_method": "credit_card", "status": "completed",
             "timestamp": "2024-01-15T10:30:00.5", "location": {"country": "Germany", "state": "BE", "city": "Berlin",
             "latitude": 52.52, "longitude": 13.4}, "device_type": "mobile", "browser": "Firefox",
             "ip_address": "192.0.2.1", "session_id": "s-1"}
            """
        let event = try Array(text.utf8).withUnsafeBytes { try SalesEventJSON.decode($0) }
        let t = try event.transaction()
        #expect(t.transactionID == "t-1")
        #expect(t.cardID == "4711")
        #expect(t.merchantID == "p-9")
        #expect(t.amountMinor == 12_999)
        #expect(t.currency == "EUR")
        #expect(t.eventTimeMs == 1_705_314_600_500)
        #expect(t.country == "DE")
        #expect(t.location == GeoPoint(latitude: 52.52, longitude: 13.4))
        #expect(t.deviceID == "s-1")
        #expect(t.userAgent == "mobile Firefox")
        #expect(t.merchantCategory == "Electronics")
        #expect(t.channel == .online)
    }

    @Test func refusesBrokenJSONAndInvalidFields() {
        let arena = MessageArena()
        for text in ["{not json", "{\"user_id\": \"c\", \"product_id\": \"p\", \"timestamp\": \"2024-01-15T10:30:00\"}",
                     "{\"user_id\": \"c\", \"product_id\": \"p\", \"amount\": 5, \"timestamp\": \"soon\"}",
                     "{\"user_id\": [1], \"amount\": 5}"] {
            let result = Array(text.utf8).withUnsafeBytes { InboundDecoder.transaction($0, arena: arena) }
            if case .success = result { Issue.record("accepted \(text)") }
        }
        let garbage: [UInt8] = [0xFF, 0xFF, 0xFF, 0x01]
        let result = garbage.withUnsafeBytes { InboundDecoder.transaction($0, arena: arena) }
        if case .success = result { Issue.record("accepted garbage bytes") }
    }

    @Test func worldTransactionsRoundTripThroughTheProducersJSON() throws {
        for original in WorldTransactions.make(count: 50, seed: 7, cards: 10) {
            let event = try Array(SalesEventJSON.encode(original).utf8).withUnsafeBytes { try SalesEventJSON.decode($0) }
            let decoded = try event.transaction()
            #expect(decoded.transactionID == original.transactionID)
            #expect(decoded.cardID == original.cardID)
            #expect(decoded.amountMinor == original.amountMinor)
            #expect(decoded.eventTimeMs == original.eventTimeMs)
            #expect(decoded.country == original.country)
        }
    }
}
