import Foundation
import ScoringTestSupport
import Testing

/// `scripts/peers.sh` measures the daemon beside a Python implementation of the protocol and
/// Redis with a Lua script, in one run (docs/performance.md §14). Run here with small counts
/// and the debug build, so the script itself stays working; the figures in the docs come from
/// release builds and the default counts.
@Suite("Peers benchmark script (.offCooperativePool)")
struct PeersScriptTests {
    @Test("scripts/peers.sh measures all three and prints the daemon's ratio to each")
    func peersScriptMeasuresAllThree() throws {
        // SIGKILL: this runner's threads block SIGTERM, and Foundation's Process passes that on.
        let debug = packageRoot.appendingPathComponent(".build/debug").path
        let result = try runProgram(
            ["/usr/bin/timeout", "-s", "KILL", "300", "bash", "scripts/peers.sh", "--bin", debug, "--count", "20000",
             "--python-count", "5000", "--redis-count", "20000", "--connections", "2", "--pipeline", "16"],
            in: packageRoot)
        let printed = result.output + result.errors
        #expect(result.status == 0, "\(printed)")
        let lines = result.output.split(separator: "\n").map(String.init)
        for (name, unit) in [("daemon", "transactions/s"), ("python", "transactions/s"), ("redis+lua", "requests/s")] {
            let line = lines.first { $0.hasPrefix(name + " ") }
            let words = line?.split(separator: " ") ?? []
            let rate = words.count > 2 && words[2] == unit ? Double(words[1]) : nil
            #expect((rate ?? 0) > 0, "no positive \(name) figure in: \(printed)")
        }
        #expect(lines.contains { $0.hasPrefix("ratios") && $0.contains("daemon/python") && $0.contains("daemon/redis+lua") }, "\(printed)")
    }
}
