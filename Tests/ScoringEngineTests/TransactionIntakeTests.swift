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
        let features = try TransactionIntake.features(of: Self.valid).get()
        #expect(features.card == EntityKey("card-1"))
        #expect(features.amountMinor == 1_000)
        #expect(features.country == CountryCode("US"))
        #expect(features.hasLocation)
        #expect(features.transaction == EntityKey("tx-1"))
        var anonymous = Self.valid
        anonymous.transactionID = ""
        #expect(try TransactionIntake.features(of: anonymous).get().transaction == .none)
    }

    @Test("a label carries its transaction's fingerprint, the key duplicates are detected by")
    func feedbackTransaction() throws {
        let feedback = Feedback(
            transactionID: "tx-1", cardID: "card-1", label: .legitimate, eventTimeMs: 1_793_628_000_000,
            reportedTimeMs: 1_793_628_500_000)
        let features = try TransactionIntake.features(of: feedback).get()
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
    ] as [(String, @Sendable (inout Transaction) -> Void)])
    func invalid(field: String, mutate: @Sendable (inout Transaction) -> Void) {
        var transaction = Self.valid
        mutate(&transaction)
        switch TransactionIntake.features(of: transaction) {
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
        #expect((try? TransactionIntake.features(of: good).get())?.outcome == .fraud)
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
        if case .failure(let error) = TransactionIntake.features(of: feedback) { return error.field }
        return nil
    }
}
