/// Spreads replayed cards over connections: a stable hash of the card id (FNV-1a), the same in
/// every process (unlike `Hasher`).
enum CardRouting {
    static func index(cardID: String) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in cardID.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01B3
        }
        return Int(hash & UInt64(Int.max))
    }
}
