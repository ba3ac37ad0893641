import StreamifyWire

enum Fixtures {
    /// 2026-11-02T14:00:00Z.
    static let start: Int64 = 1_793_628_000_000

    static func transaction(
        _ index: Int, card: String = "card-1", amountMinor: Int64 = 4_500, at time: Int64? = nil
    ) -> Transaction {
        Transaction(
            transactionID: "tx-\(index)", cardID: card, merchantID: "merchant-\(index % 5)", amountMinor: amountMinor,
            currency: "USD", eventTimeMs: time ?? start + Int64(index) * 60_000,
            location: GeoPoint(latitude: 40.7128, longitude: -74.0060), country: "US", deviceID: "device-1",
            merchantCategory: "5411", paymentMethod: "credit_card", channel: .cardPresent)
    }

    /// A fraud label for transaction `tx-<index>` of `card`, made at `start` and reported a second
    /// later: ahead of an event clock nothing has moved yet, so the engine holds it.
    static func label(_ index: Int, card: String, requestID: UInt64) -> Request {
        Request(
            requestID: requestID,
            body: .feedback(
                Feedback(
                    transactionID: "tx-\(index)", cardID: card, label: .fraud, eventTimeMs: start, reportedTimeMs: start + 1_000)))
    }

    static func breakdown(_ response: Response?) -> RiskBreakdown? {
        if case .breakdown(let breakdown) = response?.body { return breakdown }
        return nil
    }

    static func error(_ response: Response?) -> WireError? {
        if case .error(let error) = response?.body { return error }
        return nil
    }

    static func pong(_ response: Response?) -> Pong? {
        if case .pong(let pong) = response?.body { return pong }
        return nil
    }
}
