/// What became of a label given to `RiskEngine.record`.
public enum LabelDisposition: Int, Sendable, Equatable, CaseIterable {
    /// Card, merchant, device and IP state were updated, and the learner if the transaction was logged.
    case applied = 0
    /// The transaction was labelled before: acknowledged, nothing changed.
    case duplicate = 1
    /// Reported later in event time than anything scored so far: held until the clock gets there.
    case deferred = 2
    /// Malformed (times out of range, reported before the transaction, reported further ahead
    /// than the clock skew allows) or too many labels waiting.
    case refused = 3

    /// For metrics.
    public var name: String {
        switch self {
        case .applied: "applied"
        case .duplicate: "duplicate"
        case .deferred: "deferred"
        case .refused: "refused"
        }
    }
}

extension RiskEngine {
    /// Records an outcome reported for a transaction.
    ///
    /// Fraud marks the card (it scores high until it goes quiet), counts against the merchant on
    /// the transaction's day, and ties the transaction's device and IP to fraud. Fraud and
    /// legitimate labels on a logged transaction both train the challenger and count on the
    /// scoreboard that decides which model answers. A label is only
    /// applied once the event-time clock (the newest transaction scored) has reached its
    /// reported time, so nothing is learned before it could have been known.
    @discardableResult
    public func record(_ feedback: FeedbackFeatures) -> LabelDisposition {
        guard admitsReport(of: feedback) else { return .refused }
        return recordAdmitted(feedback)
    }

    /// Whether `feedback`'s reported time is within the clock skew of the event clock or, ahead
    /// of it, of the wall clock (`admits(eventSeconds:)`): the one question about a label whose
    /// answer depends on when it is asked. A door that journals labels asks it first and journals
    /// only labels admitted, which a restart replays with `recordAdmitted(_:)`: asked again hours
    /// later, the wall clock would admit a label refused at the time.
    public func admitsReport(of feedback: FeedbackFeatures) -> Bool {
        EventTime.isValid(unixMs: feedback.reportedTimeMs)
            && admits(eventSeconds: EventTime.seconds(fromUnixMs: feedback.reportedTimeMs))
    }

    /// `record(_:)` for a label `admitsReport(of:)` has admitted (or a journal's replay of one):
    /// everything it does follows from the label and the engine's state, never the wall clock.
    @discardableResult
    public func recordAdmitted(_ feedback: FeedbackFeatures) -> LabelDisposition {
        guard EventTime.isValid(unixMs: feedback.eventTimeMs), EventTime.isValid(unixMs: feedback.reportedTimeMs),
            feedback.reportedTimeMs >= feedback.eventTimeMs, !feedback.card.isNone
        else { return .refused }
        let clock = eventClock
        releaseDueLabels(at: clock)
        // The first label to arrive for a transaction wins, held or not: one that comes while an
        // earlier one is held is a duplicate (held labels are released by reported time, so
        // the later one could otherwise be applied first and the first dropped).
        if pendingLabels.holds(feedback.transaction) { return .duplicate }
        if EventTime.seconds(fromUnixMs: feedback.reportedTimeMs) > clock {
            if isLabelled(feedback.transaction) { return .duplicate }
            return pendingLabels.push(feedback) ? .deferred : .refused
        }
        return apply(feedback)
    }

    /// Whether a label was applied to `transaction` (never for `.none`).
    private func isLabelled(_ transaction: EntityKey) -> Bool {
        guard !transaction.isNone else { return false }
        if let outcomes { return outcomes.entry(transaction)?.labelled ?? false }
        return labelled?.snapshot(transaction) != nil
    }

    /// The event-time clock: the newest event time scored (one atomic load, no stripe locks).
    public var eventClock: UInt32 { clock.now }

    /// Labels waiting for the clock to reach their reported time.
    public var pendingLabelCount: Int { pendingLabels.count }

    /// Labelled transactions the label ledger remembers (0 with an outcome log, which keeps that itself).
    public var labelledCount: Int { labelled?.count ?? 0 }

    /// Transactions the outcome log gave up for room before they matured (never learned from),
    /// and those that matured; zeros without a log.
    public var outcomeLogRemovals: (evicted: Int, expired: Int) { outcomes?.table.evictionCounts ?? (0, 0) }

    /// Labelled transactions the label ledger forgot for room (a repeat of their label is then
    /// applied again), and those it let go after the maturity period; zeros without a ledger.
    public var labelLedgerRemovals: (evicted: Int, expired: Int) { labelled?.evictionCounts ?? (0, 0) }

    /// Applies held labels the clock has reached, then learns from matured transactions (no
    /// fraud label within the maturity period) as legitimate. Returns the log entries dropped.
    /// `expireIdle()` runs it, and scoring runs that at each event-time housekeeping crossing.
    @discardableResult
    public func settleOutcomes() -> Int {
        releaseDueLabels(at: eventClock)
        guard let outcomes else { return 0 }
        let matured = outcomes.collectMatured()
        let now = eventClock
        let generation = self.generation
        for entry in matured.legitimate {
            if entry.generation == generation {
                scoreboard.record(champion: entry.championScore, challenger: entry.challengerScore, fraud: false, at: now)
            }
            reservoir.add(entry.features, fraud: false, key: entry.key, at: now)
            learner.learn(entry.features, fraud: false) { publishLearned($0) }
        }
        refitChallenger(at: now)
        reviewChallenger(at: now)
        return matured.removed
    }

    /// Publishes the learner's state as a new version (if it changed), holds it as the
    /// challenger, and returns it as it would answer: a deployable model file (`encodedJSON()`).
    public func learnedSnapshot() -> RiskModel? {
        learner.snapshot { publishLearned($0) }.map { _ in models.challenger }
    }

    private func releaseDueLabels(at clock: UInt32) {
        // Everything reported within the clock's second or before.
        for label in pendingLabels.popDue(atOrBefore: EventTime.unixMs(fromSeconds: clock) + 999) {
            apply(label)
        }
    }

    @discardableResult
    private func apply(_ feedback: FeedbackFeatures) -> LabelDisposition {
        let eventSeconds = EventTime.seconds(fromUnixMs: feedback.eventTimeMs)
        let reported = EventTime.seconds(fromUnixMs: feedback.reportedTimeMs)
        var logged: OutcomeEntry?
        if let outcomes, !feedback.transaction.isNone {
            switch outcomes.claimLabel(feedback.transaction, card: feedback.card, eventSeconds: eventSeconds) {
            case .duplicate: return .duplicate
            // Another card's transaction under a reused id: its device, IP and features are not
            // this label's, so only the label's own card and merchant are marked.
            case .unknown, .otherCard: break
            case .scored(let entry): logged = entry
            }
        } else if let labelled, !feedback.transaction.isNone {
            let seenBefore = labelled.update(feedback.transaction, at: eventSeconds) { _, isNew in !isNew }
            if seenBefore { return .duplicate }
        }
        if feedback.outcome == .fraud {
            cards.update(feedback.card, at: reported) { card, _ in
                card.confirmedFraudAt = max(card.confirmedFraudAt, reported)
                card.lastSeen = max(card.lastSeen, reported)
            }
            let merchant = feedback.merchant.isNone ? (logged?.merchant ?? .none) : feedback.merchant
            if !merchant.isNone {
                merchants.update(merchant, at: reported) { merchant, _ in
                    merchant.fraudReports &+= 1
                    merchant.lastFraudReportAt = max(merchant.lastFraudReportAt, reported)
                    // The day the transaction was scored on, as logged, when it was.
                    merchant.outcomes.addFraud(transactionAt: logged?.eventSeconds ?? eventSeconds)
                }
            }
            if let logged {
                if !logged.device.isNone {
                    devices.update(logged.device, at: reported) { device, _ in
                        device.confirmedFraudAt = max(device.confirmedFraudAt, reported)
                    }
                }
                if logged.ipAddress != 0 {
                    devices.update(.ipAddress(logged.ipAddress), at: reported) { ip, _ in
                        ip.confirmedFraudAt = max(ip.confirmedFraudAt, reported)
                    }
                }
            }
        }
        if let logged {
            let fraud = feedback.outcome == .fraud
            // Only outcomes the installed models scored judge them.
            if logged.generation == generation {
                scoreboard.record(
                    champion: logged.championScore, challenger: logged.challengerScore, fraud: fraud, at: eventClock)
            }
            reservoir.add(logged.features, fraud: fraud, key: logged.key, at: eventClock)
            learner.learn(logged.features, fraud: fraud) { publishLearned($0) }
        }
        return .applied
    }
}
