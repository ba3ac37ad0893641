import Foundation

/// A real city: where cards live, merchants trade and fraudsters pretend to be.
package struct City: Sendable, Hashable {
    package var name: String
    /// ISO 3166-1 alpha-2.
    package var country: String
    package var latitude: Double
    package var longitude: Double
    /// Standard-time offset from UTC, for the daily rhythm.
    package var utcOffsetMinutes: Int

    /// Great-circle distance in kilometres (haversine, mean earth radius).
    package static func distanceKilometres(
        latitude1: Double, longitude1: Double, latitude2: Double, longitude2: Double
    ) -> Double {
        let radians = Double.pi / 180
        let dLat = (latitude2 - latitude1) * radians
        let dLon = (longitude2 - longitude1) * radians
        let a = sin(dLat / 2) * sin(dLat / 2)
            + cos(latitude1 * radians) * cos(latitude2 * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 6371.0 * 2 * atan2(a.squareRoot(), (1 - a).squareRoot())
    }

    package func distanceKilometres(to other: City) -> Double {
        Self.distanceKilometres(
            latitude1: latitude, longitude1: longitude, latitude2: other.latitude, longitude2: other.longitude)
    }

    /// The local hour (0..<24) at a Unix time in milliseconds.
    package func localHour(atUnixMs time: Int64) -> Int {
        let minutes = time / 60_000 + Int64(utcOffsetMinutes)
        let minuteOfDay = ((minutes % 1440) + 1440) % 1440
        return Int(minuteOfDay / 60)
    }
}
