/// Limits on transaction fields; anything outside them is refused with `INVALID_ARGUMENT`.
public enum FieldLimits {
    /// card_id, merchant_id, transaction_id.
    public static let identifierBytes = 64
    public static let deviceIDBytes = 128
    public static let ipAddressBytes = 64
    public static let userAgentBytes = 512
    public static let merchantCategoryBytes = 64
    public static let paymentMethodBytes = 32
    /// 10^13 minor units: 100 billion in major units.
    public static let maximumAmountMinor: Int64 = 10_000_000_000_000
}
