/// How a transaction was paid.
public enum PaymentMethod: UInt8, Sendable, CaseIterable, BitwiseCopyable {
    case unknown
    case creditCard
    case debitCard
    case wallet
    case crypto
    case wireTransfer
    case giftCard
    case prepaidCard
    case bankTransfer
    case buyNowPayLater

    /// Parses names such as "credit_card", "Debit Card", "crypto"; unrecognised text is `.unknown`.
    public init(bytes: UnsafeRawBufferPointer) {
        for (names, method) in Self.names {
            for name in names where ASCIIName.matches(bytes, name) {
                self = method
                return
            }
        }
        self = .unknown
    }

    public init(_ text: String) {
        var text = text
        self = text.withUTF8 { PaymentMethod(bytes: UnsafeRawBufferPointer($0)) }
    }

    private static let names: [([StaticString], PaymentMethod)] = [
        (["credit_card", "credit"], .creditCard),
        (["debit_card", "debit"], .debitCard),
        (["wallet", "digital_wallet", "paypal", "apple_pay", "google_pay"], .wallet),
        (["crypto", "cryptocurrency", "bitcoin"], .crypto),
        (["wire_transfer", "wire"], .wireTransfer),
        (["gift_card", "giftcard"], .giftCard),
        (["prepaid_card", "prepaid"], .prepaidCard),
        (["bank_transfer", "ach", "sepa"], .bankTransfer),
        (["bnpl", "buy_now_pay_later"], .buyNowPayLater),
    ]

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
