import ScoringClient
import Testing

@Suite("ScoringTarget parsing")
struct ScoringTargetTests {
    @Test(arguments: [
        ("unix:/tmp/s.sock", ScoringTarget.unix(path: "/tmp/s.sock")),
        ("unix:///run/streamify.sock", .unix(path: "/run/streamify.sock")),
        ("unix:relative.sock", .unix(path: "relative.sock")),
        ("tcp://127.0.0.1:7000", .tcp(host: "127.0.0.1", port: 7000)),
        ("tcp://scoring.internal:65535", .tcp(host: "scoring.internal", port: 65535)),
        ("tcp://[::1]:7000", .tcp(host: "::1", port: 7000)),
    ])
    func parsesValidTargets(text: String, expected: ScoringTarget) throws {
        #expect(try ScoringTarget(parsing: text) == expected)
    }

    @Test(arguments: ["", "unix:", "tcp://host", "tcp://:80", "tcp://host:0", "tcp://host:70000", "http://x:1", "/tmp/s.sock"])
    func rejectsInvalidTargets(text: String) {
        #expect(throws: ScoringClientError.self) { try ScoringTarget(parsing: text) }
    }

    @Test func descriptionRoundTrips() throws {
        for target in [ScoringTarget.unix(path: "/a/b.sock"), .tcp(host: "10.0.0.1", port: 9), .tcp(host: "::1", port: 80)] {
            #expect(try ScoringTarget(parsing: target.description) == target)
        }
    }
}
