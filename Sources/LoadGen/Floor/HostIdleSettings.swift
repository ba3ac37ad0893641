import Foundation

/// How this host's idle CPUs wait, as Linux reports it: what sets the price of a wake-up, the
/// larger part of a one-at-a-time round trip on a virtual machine.
struct HostIdleSettings: Sendable, Equatable {
    /// The cpuidle driver (`haltpoll` on KVM guests that have it), if reported.
    var driver: String?
    /// The `haltpoll` driver's `guest_halt_poll_ns`: how long an idle vCPU polls before it halts,
    /// if the driver is loaded.
    var guestHaltPollNanoseconds: Int?

    static let driverPath = "/sys/devices/system/cpu/cpuidle/current_driver"
    static let guestHaltPollPath = "/sys/module/haltpoll/parameters/guest_halt_poll_ns"

    /// Reads the settings from sysfs; what is not there stays `nil`.
    static func current() -> HostIdleSettings {
        HostIdleSettings(driver: read(driverPath), guestHaltPollNanoseconds: read(guestHaltPollPath).flatMap { Int($0) })
    }

    private static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// One line for a report.
    var summary: String {
        var text = "cpuidle driver \(driver ?? "not reported")"
        if let nanos = guestHaltPollNanoseconds {
            text += ", guest_halt_poll_ns \(ReportFormatting.grouped(nanos))"
            if nanos == 0 { text += " (an idle vCPU halts at once: every wake-up goes through the hypervisor)" }
        }
        return text
    }
}
