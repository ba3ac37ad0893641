import CProtobufC
import CStreamifyProto

extension RiskBreakdown {
    /// Reads a decoded protobuf-c breakdown; unknown factor and level numbers become `.unspecified`.
    public init(protobufC c: UnsafePointer<Streamify__V1__RiskBreakdown>) {
        let m = c.pointee
        var factors: [FactorScore] = []
        factors.reserveCapacity(m.n_factors)
        for index in 0..<m.n_factors {
            guard let f = m.factors[index]?.pointee else { continue }
            factors.append(
                FactorScore(
                    factor: Factor(rawValue: wireNumber(f.factor)) ?? .unspecified,
                    score: f.score,
                    weight: f.weight,
                    contribution: f.contribution,
                    reason: String(protobufC: f.reason)
                )
            )
        }
        self.init(
            transactionID: String(protobufC: m.transaction_id),
            riskScore: m.risk_score,
            level: AlertLevel(rawValue: wireNumber(m.level)) ?? .unspecified,
            factors: factors,
            modelVersion: String(protobufC: m.model_version),
            serverTimeMicroseconds: m.server_time_us
        )
    }

    /// Builds the protobuf-c form of this breakdown, factors included, inside `arena`.
    public func protobufC(in arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__RiskBreakdown> {
        let c = arena.make(Streamify__V1__RiskBreakdown.self)
        streamify__v1__risk_breakdown__init(c)
        c.pointee.transaction_id = arena.copyBinary(transactionID)
        c.pointee.risk_score = riskScore
        c.pointee.level = cEnum(Streamify__V1__AlertLevel.self, level.rawValue)
        let array = arena.makePointerArray(of: Streamify__V1__FactorScore.self, count: factors.count)
        for (index, factor) in factors.enumerated() {
            let f = arena.make(Streamify__V1__FactorScore.self)
            streamify__v1__factor_score__init(f)
            f.pointee.factor = cEnum(Streamify__V1__Factor.self, factor.factor.rawValue)
            f.pointee.score = factor.score
            f.pointee.weight = factor.weight
            f.pointee.contribution = factor.contribution
            f.pointee.reason = arena.copy(factor.reason)
            array[index] = f
        }
        c.pointee.n_factors = factors.count
        c.pointee.factors = array
        c.pointee.model_version = arena.copy(modelVersion)
        c.pointee.server_time_us = serverTimeMicroseconds
        return c
    }
}

extension WireError {
    /// Reads a decoded protobuf-c error; an unknown code number becomes `.unspecified`.
    public init(protobufC c: UnsafePointer<Streamify__V1__Error>) {
        self.init(
            code: ErrorCode(rawValue: wireNumber(c.pointee.code)) ?? .unspecified,
            message: String(protobufC: c.pointee.message),
            field: String(protobufC: c.pointee.field)
        )
    }

    /// Builds the protobuf-c form of this error inside `arena`.
    public func protobufC(in arena: MessageArena) -> UnsafeMutablePointer<Streamify__V1__Error> {
        let c = arena.make(Streamify__V1__Error.self)
        streamify__v1__error__init(c)
        c.pointee.code = cEnum(Streamify__V1__ErrorCode.self, code.rawValue)
        c.pointee.message = arena.copy(message)
        c.pointee.field = arena.copy(field)
        return c
    }
}
