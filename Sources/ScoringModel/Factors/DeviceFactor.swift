/// Device: a new device on a card with an established set, a device shared by many cards,
/// a changed network identity, a device tied to confirmed fraud.
enum DeviceFactor {
    static func evaluate(_ context: ScoringContext) -> FactorOutcome {
        let transaction = context.transaction
        let card = context.card
        guard !transaction.device.isNone else {
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
            let ipChanged = transaction.ipAddress != 0 && card.lastIPAddress != 0 && transaction.ipAddress != card.lastIPAddress
            let agentChanged = transaction.userAgent != 0 && card.lastUserAgent != 0 && transaction.userAgent != card.lastUserAgent
            if ipChanged, agentChanged { signals.add(0.2, Signal(.networkChange)) }
        }

        if context.otherCardsOnDevice >= 2 {
            signals.add(unit(Double(context.otherCardsOnDevice - 1) / 5), Signal(.sharedDevice, Double(context.otherCardsOnDevice)))
        }
        if context.deviceFraudAt != 0 {
            let minutes = Double(context.seconds > context.deviceFraudAt ? context.seconds - context.deviceFraudAt : 0) / 60
            signals.add(0.9, Signal(.fraudDevice, minutes))
        }
        return signals.outcome(otherwise: quiet)
    }
}
