/// The layouts `StateLayoutPinTests` holds raw-written records to, as `recordLayout(of:)`
/// prints them, with the format they were pinned under. Change one only together with its
/// format (see the test).
enum StateLayoutPins {
    /// Snapshot, journal and changelog records (`StateLayoutPinTests.engineStateRecords`).
    static let engineState = PinnedLayout(
        version: 1, fingerprint: 0x7ec7c2465586acb5,
        lines: """
            CardState.key @0 8 UInt64
            CardState.firstSeen @8 4 UInt32
            CardState.lastSeen @12 4 UInt32
            CardState.lastLocatedAt @16 4 UInt32
            CardState.confirmedFraudAt @20 4 UInt32
            CardState.lastLatitude @24 4 Float
            CardState.lastLongitude @28 4 Float
            CardState.transactionCount @32 4 UInt32
            CardState.logAmountMean @36 4 Float
            CardState.logAmountVariance @40 4 Float
            CardState.lastCountry.rawValue @44 2 UInt16
            CardState.recentCountries @46 6 InlineArray<3, CountryCode>
            CardState.recentCountries[0] @46 2 CountryCode (fields as above)
            CardState.devices @52 16 InlineArray<4, UInt32>
            CardState.devices[0] @52 4 UInt32
            CardState.deviceUses @68 4 InlineArray<4, UInt8>
            CardState.deviceUses[0] @68 1 UInt8
            CardState.lastIPAddress @72 4 UInt32
            CardState.lastUserAgent @76 4 UInt32
            CardState.hourHistogram @80 24 InlineArray<24, UInt8>
            CardState.hourHistogram[0] @80 1 UInt8
            CardState.minuteWindow.counts @104 12 InlineArray<6, UInt16>
            CardState.minuteWindow.counts[0] @104 2 UInt16
            CardState.minuteWindow.amounts @116 24 InlineArray<6, Float>
            CardState.minuteWindow.amounts[0] @116 4 Float
            CardState.minuteWindow.newestBucket @140 4 UInt32
            CardState.hourWindow @144 40 SlidingWindow (fields as above)
            CardState.dayWindow @184 40 SlidingWindow (fields as above)
            DeviceState.key @0 8 UInt64
            DeviceState.lastSeen @8 4 UInt32
            DeviceState.confirmedFraudAt @12 4 UInt32
            DeviceState.cards @16 24 InlineArray<6, UInt32>
            DeviceState.cards[0] @16 4 UInt32
            DeviceState.cardLastSeen @40 24 InlineArray<6, UInt32>
            DeviceState.cardLastSeen[0] @40 4 UInt32
            MerchantState.key @0 8 UInt64
            MerchantState.lastSeen @8 4 UInt32
            MerchantState.transactionCount @12 4 UInt32
            MerchantState.fraudReports @16 4 UInt32
            MerchantState.lastFraudReportAt @20 4 UInt32
            MerchantState.hourWindow.counts @24 12 InlineArray<6, UInt16>
            MerchantState.hourWindow.counts[0] @24 2 UInt16
            MerchantState.hourWindow.amounts @36 24 InlineArray<6, Float>
            MerchantState.hourWindow.amounts[0] @36 4 Float
            MerchantState.hourWindow.newestBucket @60 4 UInt32
            MerchantState.dayWindow @64 40 SlidingWindow (fields as above)
            MerchantState.outcomes.transactions @104 160 InlineArray<40, UInt32>
            MerchantState.outcomes.transactions[0] @104 4 UInt32
            MerchantState.outcomes.frauds @264 80 InlineArray<40, UInt16>
            MerchantState.outcomes.frauds[0] @264 2 UInt16
            MerchantState.outcomes.newestDay @344 4 UInt32
            MerchantState.outcomes.cachedLast @348 4 Int32
            MerchantState.outcomes.cachedDelay @352 4 Int32
            MerchantState.outcomes.cached @356 16 InlineArray<4, UInt32>
            MerchantState.outcomes.cached[0] @356 4 UInt32
            MerchantState.unused @372 4 UInt32
            OutcomeEntry.key @0 8 UInt64
            OutcomeEntry.lastSeen @8 4 UInt32
            OutcomeEntry.packedFeatures.dense @12 128 InlineArray<32, Float>
            OutcomeEntry.packedFeatures.dense[0] @12 4 Float
            OutcomeEntry.packedFeatures.category @140 1 UInt8
            OutcomeEntry.packedFeatures.method @141 1 UInt8
            OutcomeEntry.packedFeatures.channel @142 1 UInt8
            OutcomeEntry.spareAfterFeatures @143 1 UInt8
            OutcomeEntry.card.rawValue @144 8 UInt64
            OutcomeEntry.merchant @152 8 EntityKey (fields as above)
            OutcomeEntry.device @160 8 EntityKey (fields as above)
            OutcomeEntry.ipAddress @168 4 UInt32
            OutcomeEntry.championScore @172 4 Float
            OutcomeEntry.challengerScore @176 4 Float
            OutcomeEntry.generation @180 2 UInt16
            OutcomeEntry.scored @182 1 Bool
            OutcomeEntry.labelled @183 1 Bool
            LabelLedgerEntry.key @0 8 UInt64
            LabelLedgerEntry.lastSeen @8 4 UInt32
            LabelLedgerEntry.spare @12 4 UInt32
            FeatureVector.values @0 256 InlineArray<64, Float>
            FeatureVector.values[0] @0 4 Float
            LogisticCombiner.bias @0 4 Float
            LogisticCombiner.coefficients @4 256 InlineArray<64, Float>
            LogisticCombiner.coefficients[0] @4 4 Float
            LogisticCombiner.precision @260 256 InlineArray<64, Float>
            LogisticCombiner.precision[0] @260 4 Float
            LogisticCombiner.biasPrecision @516 4 Float
            ScoreHistogram.fraud @0 1920 InlineArray<480, UInt32>
            ScoreHistogram.fraud[0] @0 4 UInt32
            ScoreHistogram.legitimate @1920 1920 InlineArray<480, UInt32>
            ScoreHistogram.legitimate[0] @1920 4 UInt32
            Sample.features.values @0 256 InlineArray<64, Float>
            Sample.features.values[0] @0 4 Float
            Sample.seconds @256 4 UInt32
            Thresholds.medium @0 4 Float
            Thresholds.high @4 4 Float
            Thresholds.critical @8 4 Float
            RiskAssessment.score @0 4 Float
            RiskAssessment.level @4 1 RiskLevel cases: low medium high critical
            RiskAssessment.spare @5 3 InlineArray<3, UInt8>
            RiskAssessment.spare[0] @5 1 UInt8
            RiskAssessment.factors @8 400 InlineArray<5, FactorOutcome>
            RiskAssessment.factors[0].score @8 4 Float
            RiskAssessment.factors[0].weight @12 4 Float
            RiskAssessment.factors[0].contribution @16 4 Float
            RiskAssessment.factors[0].spare @20 4 UInt32
            RiskAssessment.factors[0].primary.kind @24 1 Kind cases: none amountInLine amountAboveProfile amountColdStart amountLarge velocityQuiet velocityMinute velocityHour velocityDay spendDay noLocation firstLocation travelPlausible travelFast travelImpossible countryChange noDevice firstDevice knownDevice newDevice sharedDevice networkChange fraudDevice noPattern riskyCategory riskyMethod microAmount roundAmount unusualHour confirmedFraud fraudIP merchantFraudWeek merchantFraudMonth learnedFeature
            RiskAssessment.factors[0].primary.spare @25 7 InlineArray<7, UInt8>
            RiskAssessment.factors[0].primary.spare[0] @25 1 UInt8
            RiskAssessment.factors[0].primary.a @32 8 Double
            RiskAssessment.factors[0].primary.b @40 8 Double
            RiskAssessment.factors[0].primary.c @48 8 Double
            RiskAssessment.factors[0].secondary @56 32 Signal (fields as above)
            InputPosition.input.source @0 8 UInt64
            InputPosition.input.partition @8 4 Int32
            InputPosition.spare @12 4 UInt32
            InputPosition.offset @16 8 Int64
            Sourced<TransactionFeatures>.features.card.rawValue @0 8 UInt64
            Sourced<TransactionFeatures>.features.merchant @8 8 EntityKey (fields as above)
            Sourced<TransactionFeatures>.features.device @16 8 EntityKey (fields as above)
            Sourced<TransactionFeatures>.features.ipAddress @24 4 UInt32
            Sourced<TransactionFeatures>.features.userAgent @28 4 UInt32
            Sourced<TransactionFeatures>.features.amountMinor @32 8 Int64
            Sourced<TransactionFeatures>.features.eventTimeMs @40 8 Int64
            Sourced<TransactionFeatures>.features.hasLocation @48 1 Bool
            Sourced<TransactionFeatures>.features.spareAfterHasLocation @49 7 InlineArray<7, UInt8>
            Sourced<TransactionFeatures>.features.spareAfterHasLocation[0] @49 1 UInt8
            Sourced<TransactionFeatures>.features.latitude @56 8 Double
            Sourced<TransactionFeatures>.features.longitude @64 8 Double
            Sourced<TransactionFeatures>.features.country.rawValue @72 2 UInt16
            Sourced<TransactionFeatures>.features.category @74 1 MerchantCategory cases: unknown grocery restaurant fuel retail clothing electronics jewelry travel digitalGoods giftCards moneyTransfer crypto gambling cash health utilities entertainment services
            Sourced<TransactionFeatures>.features.paymentMethod @75 1 PaymentMethod cases: unknown creditCard debitCard wallet crypto wireTransfer giftCard prepaidCard bankTransfer buyNowPayLater
            Sourced<TransactionFeatures>.features.channel @76 1 TransactionChannel cases: unspecified cardPresent online contactless atm
            Sourced<TransactionFeatures>.features.spareAfterChannel @77 3 InlineArray<3, UInt8>
            Sourced<TransactionFeatures>.features.spareAfterChannel[0] @77 1 UInt8
            Sourced<TransactionFeatures>.features.transaction @80 8 EntityKey (fields as above)
            Sourced<TransactionFeatures>.position.input.source @88 8 UInt64
            Sourced<TransactionFeatures>.position.input.partition @96 4 Int32
            Sourced<TransactionFeatures>.position.spare @100 4 UInt32
            Sourced<TransactionFeatures>.position.offset @104 8 Int64
            Sourced<FeedbackFeatures>.features.transaction.rawValue @0 8 UInt64
            Sourced<FeedbackFeatures>.features.card @8 8 EntityKey (fields as above)
            Sourced<FeedbackFeatures>.features.merchant @16 8 EntityKey (fields as above)
            Sourced<FeedbackFeatures>.features.outcome @24 1 Outcome cases: fraud legitimate
            Sourced<FeedbackFeatures>.features.spareAfterOutcome @25 7 InlineArray<7, UInt8>
            Sourced<FeedbackFeatures>.features.spareAfterOutcome[0] @25 1 UInt8
            Sourced<FeedbackFeatures>.features.eventTimeMs @32 8 Int64
            Sourced<FeedbackFeatures>.features.reportedTimeMs @40 8 Int64
            Sourced<FeedbackFeatures>.features.amountMinor @48 8 Int64
            Sourced<FeedbackFeatures>.position.input.source @56 8 UInt64
            Sourced<FeedbackFeatures>.position.input.partition @64 4 Int32
            Sourced<FeedbackFeatures>.position.spare @68 4 UInt32
            Sourced<FeedbackFeatures>.position.offset @72 8 Int64
            """)

    /// The decision log's fixed-size parts (`StateLayoutPinTests.decisionLogRecords`); its
    /// format has no version apart from the fingerprint.
    static let decisionLog = PinnedLayout(
        version: nil, fingerprint: 0xcff5f2fe628f8252,
        lines: """
            Fixed.amountMinor @0 8 Int64
            Fixed.eventTimeMs @8 8 Int64
            Fixed.latitude @16 8 Double
            Fixed.longitude @24 8 Double
            Fixed.score @32 4 Float
            Fixed.channel @36 4 Int32
            Fixed.level @40 4 Int32
            Fixed.hasLocation @44 1 Bool
            FactorFixed.score @0 4 Float
            FactorFixed.weight @4 4 Float
            FactorFixed.contribution @8 4 Float
            SignalArguments.a @0 8 Double
            SignalArguments.b @8 8 Double
            SignalArguments.c @16 8 Double
            LabelFixed.amountMinor @0 8 Int64
            LabelFixed.eventTimeMs @8 8 Int64
            LabelFixed.reportedTimeMs @16 8 Int64
            LabelFixed.label @24 4 Int32
            LabelFixed.disposition @28 4 Int32
            """)
}

/// A format's version and layout fingerprint, with the field layout of its records.
struct PinnedLayout: Equatable {
    /// The format version, for a format that has one apart from its fingerprint.
    var version: UInt32?
    /// The fingerprint files of the format carry.
    var fingerprint: UInt64
    /// `recordLayout(of:)` of each record, one after the other.
    var lines: [String]

    /// A pin whose lines are given as one text.
    init(version: UInt32?, fingerprint: UInt64, lines: String) {
        self.init(version: version, fingerprint: fingerprint, lines: lines.split(separator: "\n").map(String.init))
    }

    /// A pin of these lines.
    init(version: UInt32?, fingerprint: UInt64, lines: [String]) {
        self.version = version
        self.fingerprint = fingerprint
        self.lines = lines
    }
}
