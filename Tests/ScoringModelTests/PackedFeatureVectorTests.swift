import ScoringModel
import Testing

@Suite("Packed feature vector")
struct PackedFeatureVectorTests {
    /// A vector as the factors fill it: every named feature and the verdict set, one member of
    /// each one-hot group.
    static func filled(
        seed: Float, category: MerchantCategory, method: PaymentMethod, channel: TransactionChannel
    ) -> FeatureVector {
        var vector = FeatureVector()
        for feature in Feature.allCases { vector[feature] = seed * Float(feature.rawValue + 1) - 3.5 }
        vector[FeatureVector.handsetLogit] = -seed
        vector[FeatureVector.category(category)] = 1
        vector[FeatureVector.method(method)] = 1
        vector[FeatureVector.channel(channel)] = 1
        return vector
    }

    static func values(_ vector: FeatureVector) -> [Float] { (0..<FeatureVector.capacity).map { vector[$0] } }

    @Test("every vector the factors can fill comes back unchanged, for every member of every group")
    func exactForFilledVectors() {
        #expect(PackedFeatureVector.denseCount <= PackedFeatureVector.capacity)
        for category in MerchantCategory.allCases {
            for method in PaymentMethod.allCases {
                for channel in TransactionChannel.allCases {
                    let vector = Self.filled(
                        seed: Float(category.rawValue) + 0.25, category: category, method: method, channel: channel)
                    #expect(Self.values(PackedFeatureVector(vector).unpacked) == Self.values(vector))
                }
            }
        }
    }

    @Test("the all-zero vector packs to all zeros, and so does a fresh packed vector")
    func zero() {
        let zeros = [Float](repeating: 0, count: FeatureVector.capacity)
        #expect(Self.values(PackedFeatureVector(FeatureVector()).unpacked) == zeros)
        #expect(Self.values(PackedFeatureVector().unpacked) == zeros)
    }

    @Test("a group that is not one-hot keeps its largest positive member, as 1")
    func notOneHot() {
        var vector = FeatureVector()
        vector[FeatureVector.category(.grocery)] = 0.5
        vector[FeatureVector.category(.jewelry)] = 2
        vector[FeatureVector.method(.wallet)] = -1
        let unpacked = PackedFeatureVector(vector).unpacked
        #expect(unpacked[FeatureVector.category(.jewelry)] == 1)
        #expect(unpacked[FeatureVector.category(.grocery)] == 0)
        #expect(unpacked[FeatureVector.method(.wallet)] == 0)
        #expect(MemoryLayout<PackedFeatureVector>.size < MemoryLayout<FeatureVector>.size / 2 + 8)
    }
}
