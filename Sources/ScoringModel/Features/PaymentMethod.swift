/// How a transaction was paid.
public enum PaymentMethod: UInt8, Sendable, CaseIterable, BitwiseCopyable {
    /// Not given, or not recognised.
    case unknown
    /// From `credit_card` or `credit`.
    case creditCard
    /// From `debit_card` or `debit`.
    case debitCard
    /// Digital wallets: `wallet`, `digital_wallet`, `paypal`, `apple_pay`, `google_pay`.
    case wallet
    /// From `crypto`, `cryptocurrency` or `bitcoin`.
    case crypto
    /// From `wire_transfer` or `wire`.
    case wireTransfer
    /// From `gift_card` or `giftcard`.
    case giftCard
    /// From `prepaid_card` or `prepaid`.
    case prepaidCard
    /// Bank transfers: `bank_transfer`, `ach` or `sepa`.
    case bankTransfer
    /// Buy now, pay later: `bnpl` or `buy_now_pay_later`.
    case buyNowPayLater

    /// Parses names such as "credit_card", "Debit Card", "crypto"; unrecognised text is `.unknown`.
    public init(bytes: UnsafeRawBufferPointer) {
        self = Self.names.value(for: bytes) ?? .unknown
    }

    /// Parses a method name from a `String`; unrecognised text is `.unknown`.
    public init(_ text: String) {
        var text = text
        self = text.withUTF8 { PaymentMethod(bytes: UnsafeRawBufferPointer($0)) }
    }

    private static let names = ASCIIName.Table<PaymentMethod>([
        (["credit_card", "credit"], .creditCard),
        (["debit_card", "debit"], .debitCard),
        (["wallet", "digital_wallet", "paypal", "apple_pay", "google_pay"], .wallet),
        (["crypto", "cryptocurrency", "bitcoin"], .crypto),
        (["wire_transfer", "wire"], .wireTransfer),
        (["gift_card", "giftcard"], .giftCard),
        (["prepaid_card", "prepaid"], .prepaidCard),
        (["bank_transfer", "ach", "sepa"], .bankTransfer),
        (["bnpl", "buy_now_pay_later"], .buyNowPayLater),
    ])

    /// Human-readable name, for reasons.
    public var name: StaticString {
        switch self {
        case .unknown: "unknown method"
        case .creditCard: "credit card"
        case .debitCard: "debit card"
        case .wallet: "wallet"
        case .crypto: "crypto"
        case .wireTransfer: "wire transfer"
        case .giftCard: "gift card"
        case .prepaidCard: "prepaid card"
        case .bankTransfer: "bank transfer"
        case .buyNowPayLater: "buy now, pay later"
        }
    }
}
