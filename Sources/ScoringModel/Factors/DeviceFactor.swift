/// Device: a new device on a card with an established set, a device shared by many cards,
/// a changed network identity, a device tied to confirmed fraud.
enum DeviceFactor {
    /// Scores the factor against the card's state before the transaction, recording the raw
    /// features it looked at (its score is recorded by `RiskModel.assess`).
    static func evaluate(_ context: ScoringContext, into features: inout FeatureVector) -> FactorOutcome {
        let transaction = context.transaction
        // The IP's features and signal do not depend on a device fingerprint being given.
        features[.cardsSharingIP] = Float(context.otherCardsOnIP)
        features[.ipTiedToFraud] = context.ipFraudAt != 0 ? 1 : 0
        let ipSignal =
            context.ipFraudAt != 0
            ? Signal(.fraudIP, Double(context.seconds > context.ipFraudAt ? context.seconds - context.ipFraudAt : 0) / 60)
            : Signal.none
        let card = context.card
        guard !transaction.device.isNone else {
            if ipSignal.kind != .none { return FactorOutcome(score: 0.8, primary: ipSignal) }
            return FactorOutcome(score: 0, primary: Signal(.noDevice))
        }
        var signals = TopSignals()
        var quiet = Signal(.firstDevice)
        let device = transaction.device.short

        if let uses = card.uses(ofDevice: device) {
            quiet = Signal(.knownDevice, Double(uses))
        } else if card.knownDeviceCount > 0 {
            let established = card.establishedDeviceCount
            signals.add(established > 0 ? 0.55 : 0.3, Signal(.newDevice, Double(established)))
            features[.newDevice] = 1
            let ipChanged = transaction.ipAddress != 0 && card.lastIPAddress != 0 && transaction.ipAddress != card.lastIPAddress
            let agentChanged = transaction.userAgent != 0 && card.lastUserAgent != 0 && transaction.userAgent != card.lastUserAgent
            if ipChanged, agentChanged {
                signals.add(0.2, Signal(.networkChange))
                features[.networkChange] = 1
            }
        }

        features[.cardsSharingDevice] = Float(context.otherCardsOnDevice)
        features[.deviceTiedToFraud] = context.deviceFraudAt != 0 ? 1 : 0
        if context.otherCardsOnDevice >= 2 {
            signals.add(unit(Double(context.otherCardsOnDevice - 1) / 5), Signal(.sharedDevice, Double(context.otherCardsOnDevice)))
        }
        // Devices are tied to fraud by reported outcomes.
        if context.deviceFraudAt != 0 {
            let minutes = Double(context.seconds > context.deviceFraudAt ? context.seconds - context.deviceFraudAt : 0) / 60
            signals.add(0.9, Signal(.fraudDevice, minutes))
        }
        if ipSignal.kind != .none { signals.add(0.8, ipSignal) }
        return signals.outcome(otherwise: quiet)
    }
}
