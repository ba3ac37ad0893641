extension EntityKey {
    /// The key an IP address's entry has in the devices table: its own key space, so an IP's
    /// fingerprint never meets a device's.
    @inline(__always)
    public static func ipAddress(_ fingerprint: UInt32) -> EntityKey {
        let key = Fingerprint.finalize(UInt64(fingerprint) | 0x4950_0000_0000_0000)
        return EntityKey(rawValue: key == 0 ? 1 : key)
    }
}
