import Foundation

/// How much of the machine's CPU time went unused between two looks at `/proc/stat`: the
/// first line's idle and iowait jiffies against all of them.
///
/// What the archive at idle priority asks before a batch (`ArchiveDeferral`): a thread at
/// `SCHED_IDLE` still costs a saturated machine its context switches and its cache, so it
/// waits for CPU time that is really spare. The idle time of a span in which the archive
/// itself ran is no measure of that: sample after a wait, not after a batch.
struct CPUIdleness {
    /// The idle and total jiffies of the last sample.
    private var last: (idle: UInt64, total: UInt64)?
    private let path: String

    /// Idleness read from `path` (`/proc/stat` unless a test says otherwise).
    init(path: String = "/proc/stat") {
        self.path = path
    }

    /// The share of CPU time (0…1) that was idle since the previous sample; nil on the first
    /// sample, when no time passed, or where the file cannot be read (not Linux).
    mutating func sample() -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let now = Self.jiffies(firstLineOf: text)
        else { return nil }
        defer { last = now }
        guard let last, now.total > last.total, now.idle >= last.idle else { return nil }
        return Double(now.idle - last.idle) / Double(now.total - last.total)
    }

    /// The idle (idle + iowait) and total jiffies of `/proc/stat`'s first line,
    /// `cpu  user nice system idle iowait irq softirq steal …`; nil if it is not that line.
    static func jiffies(firstLineOf text: String) -> (idle: UInt64, total: UInt64)? {
        guard let line = text.split(separator: "\n", maxSplits: 1).first else { return nil }
        let fields = line.split(separator: " ")
        guard fields.first == "cpu", fields.count >= 6 else { return nil }
        let values = fields.dropFirst().compactMap { UInt64($0) }
        guard values.count == fields.count - 1 else { return nil }
        // Fields 4 and 5 (idle, iowait); guest time is already counted in user and nice.
        let counted = values.prefix(Self.countedFields)
        return (values[3] + values[4], counted.reduce(0, +))
    }

    /// user, nice, system, idle, iowait, irq, softirq, steal: the fields that add up to the
    /// CPU's time (guest and guest_nice, after them, are within user and nice).
    static let countedFields = 8
}
