/// Limits on transaction fields; anything outside them is refused with `INVALID_ARGUMENT`.
public enum FieldLimits {
    /// card_id, merchant_id, transaction_id.
    public static let identifierBytes = 64
    /// device_id.
    public static let deviceIDBytes = 128
    /// ip_address.
    public static let ipAddressBytes = 64
    /// user_agent.
    public static let userAgentBytes = 512
    /// merchant_category.
    public static let merchantCategoryBytes = 64
    /// payment_method.
    public static let paymentMethodBytes = 32
    /// 10^13 minor units: 100 billion in major units.
    public static let maximumAmountMinor: Int64 = 10_000_000_000_000
}
