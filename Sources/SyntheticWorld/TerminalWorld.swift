import StreamifyWire

/// A second synthetic world, designed apart from the city world (`World`) so that a detector
/// built beside one can be tested on the other.
///
/// What differs:
/// - **Fields.** Card, terminal (the merchant id), amount, event time and the terminal's
///   location only: no device, IP, user agent, country, category or payment method; every
///   purchase is card-present.
/// - **Population.** Cardholders live on a 100 × 100 km square (one country) and shop at the
///   terminals within `shoppingRadiusKm` of home. Each has a usual amount (uniform 5–100, normal
///   spread of half of it: not log-normal) and a daily rate (uniform 0–4; Poisson per day), and
///   buys at times spread normally around midday, a little less on weekends.
/// - **Fraud.** Terminals taken over (every purchase on them is fraud for weeks), skimmed cards
///   (a third of their purchases at five times the usual amount, at their usual terminals) and
///   night cash-outs (bursts of large purchases far from home between 1 and 5 a.m.). None of
///   the city world's scenarios occur, and it has none of these.
public struct TerminalWorld: Sendable {
    /// A cardholder.
    public struct Customer: Sendable {
        /// Home on the square, in km.
        public var x: Double
        public var y: Double
        /// Usual amount and its spread, in major units.
        public var meanAmount: Double
        public var amountSpread: Double
        /// Purchases per day on average.
        public var perDay: Double
        /// Indices of the terminals within reach of home.
        public var terminals: [Int]
    }

    /// A terminal's place on the square, in km.
    public struct Terminal: Sendable {
        public var x: Double
        public var y: Double
    }

    /// Side of the square, in km.
    public static let sideKm = 100.0
    /// Cardholders shop within this distance of home.
    public static let shoppingRadiusKm = 5.0

    public let customers: [Customer]
    public let terminals: [Terminal]

    /// Builds the world from `configuration` (its seed decides everything).
    public init(configuration: TerminalWorldConfiguration) {
        var random = SeededRandom(seed: configuration.seed ^ 0x7E8A_11A1_0C0D_E5E7)
        let terminals = (0..<max(configuration.terminalCount, 1)).map { _ in
            Terminal(x: random.uniform(0...Self.sideKm), y: random.uniform(0...Self.sideKm))
        }
        // Terminals bucketed by 5 km cell, so reach is found without scanning them all.
        let cellKm = Self.shoppingRadiusKm
        let cells = Int((Self.sideKm / cellKm).rounded(.up)) + 1
        var buckets = [[Int]](repeating: [], count: cells * cells)
        for (index, terminal) in terminals.enumerated() {
            buckets[Int(terminal.y / cellKm) * cells + Int(terminal.x / cellKm)].append(index)
        }
        self.customers = (0..<max(configuration.customerCount, 1)).map { _ in
            let x = random.uniform(0...Self.sideKm)
            let y = random.uniform(0...Self.sideKm)
            let mean = random.uniform(5...100)
            var reach: [Int] = []
            let column = Int(x / cellKm)
            let row = Int(y / cellKm)
            for r in max(row - 1, 0)...min(row + 1, cells - 1) {
                for c in max(column - 1, 0)...min(column + 1, cells - 1) {
                    for index in buckets[r * cells + c] {
                        let dx = terminals[index].x - x
                        let dy = terminals[index].y - y
                        if dx * dx + dy * dy <= Self.shoppingRadiusKm * Self.shoppingRadiusKm { reach.append(index) }
                    }
                }
            }
            reach.sort()
            return Customer(x: x, y: y, meanAmount: mean, amountSpread: mean / 2, perDay: random.uniform(0...4), terminals: reach)
        }
        self.terminals = terminals
    }

    /// The terminal's place as a location (the square laid on central France).
    public func location(ofTerminal index: Int) -> GeoPoint {
        let terminal = terminals[index]
        return GeoPoint(latitude: 46 + terminal.y / 111.2, longitude: 2 + terminal.x / 77.3)
    }
}
