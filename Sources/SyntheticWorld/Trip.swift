/// A cardholder's legitimate journey: flies out, spends days away, flies back.
///
/// The card does not transact in the air, and lands no sooner than an airliner could: legitimate
/// travel is never impossible travel, but it does change country, location and IP, as real
/// travellers do (and as the daemon's geographic and device factors must tolerate).
package struct Trip: Sendable, Hashable {
    /// Where the card is at some moment.
    package enum Whereabouts: Hashable {
        case home
        case inTheAir
        case away(cityIndex: Int)
    }

    package var destinationCityIndex: Int
    /// The hotel or roaming IP used online while away.
    package var ipAddress: String
    package var departureMs: Int64
    package var arrivalMs: Int64
    package var returnDepartureMs: Int64
    package var returnArrivalMs: Int64

    /// Flight time for `kilometres` at 800 km/h plus an hour on the ground.
    package static func flightMs(kilometres: Double) -> Int64 {
        Int64((kilometres / 800 + 1) * 3_600_000)
    }

    package func whereabouts(atMs time: Int64) -> Whereabouts {
        switch time {
        case ..<departureMs: .home
        case ..<arrivalMs: .inTheAir
        case ..<returnDepartureMs: .away(cityIndex: destinationCityIndex)
        case ..<returnArrivalMs: .inTheAir
        default: .home
        }
    }
}
