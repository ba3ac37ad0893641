/// What the daemon remembers about one device fingerprint: which cards used it recently.
public struct DeviceState: TableEntry, Sendable {
    /// The device's (or IP address's) fingerprint.
    public private(set) var key: UInt64
    /// Newest event time (table seconds) a card used it; drives expiry.
    public var lastSeen: UInt32
    /// When confirmed fraud involving this device was reported (0 = never).
    public var confirmedFraudAt: UInt32
    /// Short card fingerprints (0 = empty) and when each last used this device.
    public var cards: InlineArray<6, UInt32>
    /// When each of `cards` last used it (table seconds).
    public var cardLastSeen: InlineArray<6, UInt32>

    /// How long a card counts as "recently" on a device.
    public static let recentSeconds: UInt32 = 86_400

    /// An entry no card has used yet, created at event time `firstSeen`.
    public init(key: UInt64, firstSeen: UInt32) {
        self.key = key
        self.lastSeen = firstSeen
        self.confirmedFraudAt = 0
        self.cards = .init(repeating: 0)
        self.cardLastSeen = .init(repeating: 0)
    }

    /// Distinct cards other than `card` seen on this device in the 24 h before `seconds` (at most 6).
    public func otherRecentCards(than card: UInt32, at seconds: UInt32) -> Int {
        var count = 0
        for index in 0..<6 where cards[index] != 0 && cards[index] != card {
            if seconds < cardLastSeen[index] || seconds - cardLastSeen[index] <= Self.recentSeconds { count += 1 }
        }
        return count
    }

    /// Records `card` using this device at `seconds`, replacing the stalest card when full.
    public mutating func record(card: UInt32, at seconds: UInt32) {
        var target = 0
        var oldest = UInt32.max
        for index in 0..<6 {
            if cards[index] == card {
                target = index
                break
            }
            let seen = cards[index] == 0 ? 0 : cardLastSeen[index]
            if seen < oldest {
                oldest = seen
                target = index
            }
        }
        cards[target] = card
        cardLastSeen[target] = max(cardLastSeen[target], seconds)
        lastSeen = max(lastSeen, seconds)
    }
}
