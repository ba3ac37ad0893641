extension SalesEventJSON {
    /// `transaction` in the Python producers' JSON format: what `SalesEventJSON` decodes.
    ///
    /// The timestamp is written without an offset, as Python's `datetime.isoformat()` writes a
    /// naive UTC time; the device id goes in `session_id` and the amount in major units.
    public static func encode(_ t: Transaction) -> String {
        let timestamp = String(ISO8601Timestamp.format(t.eventTimeMs).dropLast())
        let cents = t.amountMinor % 100
        let amount = "\(t.amountMinor / 100).\(cents < 10 ? "0" : "")\(cents)"
        return """
            {"transaction_id": "\(t.transactionID)", "user_id": "\(t.cardID)", "product_id": "\(t.merchantID)", \
            "product_category": "\(t.merchantCategory)", "amount": \(amount), "currency": "\(t.currency)", \
            "payment_method": "\(t.paymentMethod)", "status": "completed", "timestamp": "\(timestamp)", \
            "location": {"country": "\(t.country)", "state": "", "city": "", "latitude": \(t.location?.latitude ?? 0), \
            "longitude": \(t.location?.longitude ?? 0)}, "device_type": "mobile", "browser": "Safari", \
            "ip_address": "\(t.ipAddress)", "session_id": "\(t.deviceID)"}
            """
    }
}
