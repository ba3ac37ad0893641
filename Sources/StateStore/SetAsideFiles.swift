import Foundation

/// The files of a state directory set aside for a post-mortem: damaged snapshots
/// (`SnapshotStore.damagedSuffix`) and journal segments replay did not apply
/// (`Journal.unreplayedSuffix`, numbered when the name was taken). Nothing reads them again, and
/// they stay until an operator removes them: their count and size are reported, so a disk
/// that fills with them, or damage nobody looked at, shows.
public enum SetAsideFiles {
    /// The suffixes that mark a file set aside.
    public static let suffixes = [SnapshotStore.damagedSuffix, Journal.unreplayedSuffix]

    /// How many there are in `directory`, and their bytes in all; (0, 0) when it cannot be listed.
    public static func measure(in directory: String) -> (count: Int, bytes: Int) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return (0, 0) }
        var count = 0
        var bytes = 0
        for name in names where suffixes.contains(where: name.contains) {
            count += 1
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            bytes += (attributes?[.size] as? Int) ?? 0
        }
        return (count, bytes)
    }
}
