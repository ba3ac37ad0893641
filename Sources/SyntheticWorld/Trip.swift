/// A cardholder's legitimate journey: flies out, spends days away, flies back.
///
/// The card does not transact in the air, and lands no sooner than an airliner could: legitimate
/// travel is never impossible travel, but it does change country, location and IP, as real
/// travellers do (and as the daemon's geographic and device factors must tolerate).
public struct Trip: Sendable, Hashable {
    /// Where the card is at some moment.
    public enum Whereabouts: Hashable {
        case home
        case inTheAir
        case away(cityIndex: Int)
    }

    public var destinationCityIndex: Int
    /// The hotel or roaming IP used online while away.
    public var ipAddress: String
    public var departureMs: Int64
    public var arrivalMs: Int64
    public var returnDepartureMs: Int64
    public var returnArrivalMs: Int64

    /// Flight time for `kilometres` at 800 km/h plus an hour on the ground.
    public static func flightMs(kilometres: Double) -> Int64 {
        Int64((kilometres / 800 + 1) * 3_600_000)
    }

    public func whereabouts(atMs time: Int64) -> Whereabouts {
        switch time {
        case ..<departureMs: .home
        case ..<arrivalMs: .inTheAir
        case ..<returnDepartureMs: .away(cityIndex: destinationCityIndex)
        case ..<returnArrivalMs: .inTheAir
        default: .home
        }
    }
}
