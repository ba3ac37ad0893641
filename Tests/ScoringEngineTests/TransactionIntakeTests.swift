import CProtobufC
import CStreamifyProto
import ScoringModel
import ScoringEngine
import StreamifyWire
import Testing

@Suite("Transaction validation")
struct TransactionIntakeTests {
    static let valid = Transaction(
        transactionID: "tx-1", cardID: "card-1", merchantID: "m-1", amountMinor: 1_000, currency: "USD",
        eventTimeMs: 1_793_628_000_000, location: GeoPoint(latitude: 1, longitude: 2), country: "us")

    @Test("a valid transaction yields its features")
    func valid() throws {
        let features = try TransactionIntake.features(of: Self.valid, key: .published).get()
        #expect(features.card == EntityKey("card-1"))
        #expect(features.amountMinor == 1_000)
        #expect(features.country == CountryCode("US"))
        #expect(features.hasLocation)
        #expect(features.transaction == EntityKey("tx-1"))
        var anonymous = Self.valid
        anonymous.transactionID = ""
        #expect(try TransactionIntake.features(of: anonymous, key: .published).get().transaction == .none)
    }

    @Test("a label carries its transaction's fingerprint, the key duplicates are detected by")
    func feedbackTransaction() throws {
        let feedback = Feedback(
            transactionID: "tx-1", cardID: "card-1", label: .legitimate, eventTimeMs: 1_793_628_000_000,
            reportedTimeMs: 1_793_628_500_000)
        let features = try TransactionIntake.features(of: feedback, key: .published).get()
        #expect(features.transaction == EntityKey("tx-1"))
        #expect(features.outcome == .legitimate)
    }

    static let long = String(repeating: "x", count: 65)

    @Test("each invalid field is named", arguments: [
        ("card_id", { @Sendable (t: inout Transaction) in t.cardID = "" }),
        ("card_id", { @Sendable (t: inout Transaction) in t.cardID = long }),
        ("merchant_id", { @Sendable (t: inout Transaction) in t.merchantID = "" }),
        ("merchant_id", { @Sendable (t: inout Transaction) in t.merchantID = long }),
        ("transaction_id", { @Sendable (t: inout Transaction) in t.transactionID = long }),
        ("amount_minor", { @Sendable (t: inout Transaction) in t.amountMinor = 0 }),
        ("amount_minor", { @Sendable (t: inout Transaction) in t.amountMinor = -5 }),
        ("amount_minor", { @Sendable (t: inout Transaction) in t.amountMinor = .max }),
        ("currency", { @Sendable (t: inout Transaction) in t.currency = "US" }),
        ("event_time_ms", { @Sendable (t: inout Transaction) in t.eventTimeMs = 0 }),
        ("event_time_ms", { @Sendable (t: inout Transaction) in t.eventTimeMs = 5_000_000_000_000 }),
        ("event_time_ms", { @Sendable (t: inout Transaction) in t.eventTimeMs = 1_793_628_000 }),
        ("location.latitude", { @Sendable (t: inout Transaction) in t.location = GeoPoint(latitude: .nan, longitude: 0) }),
        ("location.latitude", { @Sendable (t: inout Transaction) in t.location = GeoPoint(latitude: 91, longitude: 0) }),
        ("location.longitude", { @Sendable (t: inout Transaction) in t.location = GeoPoint(latitude: 0, longitude: .infinity) }),
        ("location.longitude", { @Sendable (t: inout Transaction) in t.location = GeoPoint(latitude: 0, longitude: -180.5) }),
        ("country", { @Sendable (t: inout Transaction) in t.country = "USA" }),
        ("country", { @Sendable (t: inout Transaction) in t.country = "1A" }),
        ("device_id", { @Sendable (t: inout Transaction) in t.deviceID = String(repeating: "d", count: 129) }),
        ("user_agent", { @Sendable (t: inout Transaction) in t.userAgent = String(repeating: "u", count: 513) }),
        // A C string would end at the NUL: "victim\0…" must not become "victim".
        ("card_id", { @Sendable (t: inout Transaction) in t.cardID = "victim\0" + String(repeating: "x", count: 30) }),
        ("merchant_id", { @Sendable (t: inout Transaction) in t.merchantID = "m-1\0" }),
        ("transaction_id", { @Sendable (t: inout Transaction) in t.transactionID = "\0" }),
        ("device_id", { @Sendable (t: inout Transaction) in t.deviceID = "d\0d" }),
        ("payment_method", { @Sendable (t: inout Transaction) in t.paymentMethod = "wallet\0" }),
    ] as [(String, @Sendable (inout Transaction) -> Void)])
    func invalid(field: String, mutate: @Sendable (inout Transaction) -> Void) {
        var transaction = Self.valid
        mutate(&transaction)
        switch TransactionIntake.features(of: transaction, key: .published) {
        case .success:
            Issue.record("accepted an invalid \(field)")
        case .failure(let error):
            #expect(error.code == .invalidArgument)
            #expect(error.field == field)
            #expect(!error.message.isEmpty)
        }
    }

    @Test("feedback needs a transaction, a card, a label and sane times")
    func feedback() {
        let good = Feedback(transactionID: "tx-1", cardID: "card-1", label: .fraud, eventTimeMs: 1_793_628_000_000, reportedTimeMs: 1_794_000_000_000)
        #expect((try? TransactionIntake.features(of: good, key: .published).get())?.outcome == .fraud)
        var unlabelled = good
        unlabelled.label = .unspecified
        #expect(field(of: unlabelled) == "label")
        var early = good
        early.reportedTimeMs = good.eventTimeMs - 1
        #expect(field(of: early) == "reported_time_ms")
        var anonymous = good
        anonymous.cardID = ""
        #expect(field(of: anonymous) == "card_id")
        var untracked = good
        untracked.transactionID = ""
        #expect(field(of: untracked) == "transaction_id")
    }

    private func field(of feedback: Feedback) -> String? {
        if case .failure(let error) = TransactionIntake.features(of: feedback, key: .published) { return error.field }
        return nil
    }

    @Test("ids are read with their full length, so ids differing after a NUL never meet")
    func fullLength() throws {
        var first = Self.valid
        first.cardID = "card-1"
        var second = Self.valid
        second.cardID = "card-1\0"
        #expect(throws: Never.self) { try TransactionIntake.features(of: first, key: .published).get() }
        #expect(Self.refusedField(second)?.message == "card_id contains a NUL byte")
    }

    @Test(
        "a string field that is not UTF-8 is refused on that field",
        arguments: [
            [0xC0, 0x80],  // overlong NUL
            [0xE0, 0x80, 0xAF],  // overlong "/"
            [0xED, 0xA0, 0x80],  // a UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xE2, 0x82],  // cut short
            [0x80],  // a lone continuation byte
            [0xFF],
            [0x61, 0xF0, 0x9F, 0x98],  // a four-byte sequence cut short
        ] as [[UInt8]])
    func invalidUTF8(bytes: [UInt8]) {
        let error = Self.withRawCardID(bytes) { TransactionIntake.features(of: $0, key: .published) }
        #expect(error?.field == "card_id")
        #expect(error?.message == "card_id is not valid UTF-8")
    }

    @Test("well-formed UTF-8 of every length is accepted", arguments: ["€uro", "日本-カード", "🃏-card", "ascii"])
    func validUTF8(id: String) {
        #expect(Self.withRawCardID(Array(id.utf8)) { TransactionIntake.features(of: $0, key: .published) } == nil)
    }

    @Test("fingerprints depend on the key: without it, colliding ids cannot be searched for offline")
    func keyedFingerprints() throws {
        let secret = FingerprintKey(k0: 0x1234_5678_9ABC_DEF0, k1: 0x0FED_CBA9_8765_4321)
        let published = try TransactionIntake.features(of: Self.valid, key: .published).get()
        let keyed = try TransactionIntake.features(of: Self.valid, key: secret).get()
        #expect(published.card == EntityKey("card-1"))
        #expect(keyed.card == EntityKey("card-1", key: secret))
        #expect(keyed.card != published.card)
        #expect(keyed.merchant != published.merchant)
        #expect(keyed.transaction != published.transaction)
    }

    private static func refusedField(_ transaction: Transaction) -> WireError? {
        if case .failure(let error) = TransactionIntake.features(of: transaction, key: .published) { return error }
        return nil
    }

    /// Runs `body` on the valid transaction with `card_id` set to raw bytes a Swift `String`
    /// cannot hold; returns the error it gave, if any.
    private static func withRawCardID(
        _ bytes: [UInt8], _ body: (UnsafePointer<Streamify__V1__Transaction>) -> Result<TransactionFeatures, WireError>
    ) -> WireError? {
        let arena = MessageArena(capacity: 2048)
        let transaction = valid.protobufC(in: arena)
        return bytes.withUnsafeBufferPointer { raw in
            transaction.pointee.card_id = ProtobufCBinaryData(len: raw.count, data: UnsafeMutablePointer(mutating: raw.baseAddress))
            if case .failure(let error) = body(transaction) { return error }
            return nil
        }
    }
}
