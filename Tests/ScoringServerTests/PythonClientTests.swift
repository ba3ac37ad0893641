import Foundation
import ScoringTestSupport
import Testing

/// Other services must be able to call the daemon without Swift: the README's Python example,
/// run as written with the standard `protobuf` package, against the real daemon.
@Suite("Python client (README example)")
struct PythonClientTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the README's Python block is examples/python/score_transaction.py")
    func readmeMatchesExample() throws {
        let readme = try String(contentsOf: Self.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(
            contentsOf: Self.packageRoot.appendingPathComponent("examples/python/score_transaction.py"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```python\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.contains(example), "README.md must show examples/python/score_transaction.py verbatim")
    }

    @Test("the Python example scores a transaction against the real daemon")
    func pythonScoresTransaction() throws {
        let daemon = try DaemonProcess.start()
        let generated = daemon.directory.appendingPathComponent("python")
        try FileManager.default.createDirectory(at: generated, withIntermediateDirectories: true)
        let protoc = try run(
            "python3", ["-m", "grpc_tools.protoc", "-I", Self.packageRoot.appendingPathComponent("proto").path,
                        "--python_out=\(generated.path)", "streamify/v1/scoring.proto"])
        try #require(protoc.status == 0, "protoc via grpc_tools failed (pip install protobuf grpcio-tools): \(protoc.output)")

        let result = try run(
            "python3", [Self.packageRoot.appendingPathComponent("examples/python/score_transaction.py").path],
            environment: ["PYTHONPATH": generated.path, "STREAMIFY_SOCKET": daemon.socketPath])
        #expect(result.status == 0, "\(result.output)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("tx-1001: risk ") == true, "\(result.output)")
        #expect(lines.filter { $0.contains("FACTOR_") }.count == 5, "\(result.output)")
        #expect(daemon.terminate() == 0)
    }

    private func run(_ command: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
