import DashboardDoor
import Foundation
import ScoringModel
import ScoringTestSupport
import StreamifyApp
import Testing

/// The dashboard in a real browser (Debian's headless Chromium, driven by Playwright), against
/// the whole server with its demo load. `scripts/install-deps.sh` installs both.
@Suite("Dashboard in headless Chromium", .offCooperativePool)
struct DashboardBrowserTests {
    @Test("alerts and charts render; Start, Stop and Reset work; a label button's Feedback reaches the engine")
    func pageInChromium() async throws {
        let (running, http) = try await DashboardAPITests.start()
        let artifacts = packageRoot.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let screenshot = artifacts.appendingPathComponent("dashboard.png")
        try? FileManager.default.removeItem(at: screenshot)

        let command = [
            "/usr/bin/env", "python3", packageRoot.appendingPathComponent("Tests/Browser/dashboard_browser.py").path,
            http.base.absoluteString + "/", screenshot.path,
        ]
        let result = try await blocking { try runProgram(command) }
        #expect(result.status == 0, "browser test failed (pip install playwright; apt install chromium libjs-chart.js):\n\(result.output)\(result.errors)")
        #expect(FileManager.default.fileExists(atPath: screenshot.path), "a screenshot is saved as a test artifact")

        // The label the page sent marked the card in the engine.
        let labelled = result.output.split(separator: "\n").first { $0.hasPrefix("LABELLED ") }?.split(separator: " ")
        let cardID = try #require(labelled?.count == 3 ? String(labelled![2]) : nil, "\(result.output)")
        let engine = running.application.scoring.engine
        let card = try #require(engine.cards.snapshot(EntityKey(cardID, key: engine.configuration.fingerprintKey)))
        #expect(card.confirmedFraudAt != 0)
        try await running.stop()
    }
}
