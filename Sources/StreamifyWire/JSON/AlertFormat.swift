/// How alerts (and optional score records) are encoded on their topics.
public enum AlertFormat: String, Sendable, CaseIterable {
    /// `streamify.v1.FraudAlert` (and `streamify.v1.RiskBreakdown` for scores).
    case protobuf
    /// One JSON object per record (see docs/kafka.md).
    case json
}
