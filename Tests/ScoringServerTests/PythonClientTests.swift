import Foundation
import ScoringTestSupport
import Testing

/// Other services must be able to call the daemon without Swift: the README's Python example,
/// run as written with the standard `protobuf` package, against the real daemon.
@Suite("Python client (README example, .offCooperativePool)")
struct PythonClientTests {
    @Test("the README's Python block is examples/python/score_transaction.py")
    func readmeMatchesExample() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(
            contentsOf: packageRoot.appendingPathComponent("examples/python/score_transaction.py"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```python\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.contains(example), "README.md must show examples/python/score_transaction.py verbatim")
    }

    @Test("the Python example scores a transaction against the real daemon")
    func pythonScoresTransaction() throws {
        let daemon = try DaemonProcess.start()
        let generated = daemon.directory.appendingPathComponent("python")
        try FileManager.default.createDirectory(at: generated, withIntermediateDirectories: true)
        let protoc = try runProgram(
            ["/usr/bin/env", "python3", "-m", "grpc_tools.protoc", "-I", packageRoot.appendingPathComponent("proto").path,
             "--python_out=\(generated.path)", "streamify/v1/scoring.proto"])
        try #require(
            protoc.status == 0, "protoc via grpc_tools failed (pip install protobuf grpcio-tools): \(protoc.output)\(protoc.errors)")

        let result = try runProgram(
            ["/usr/bin/env", "python3", packageRoot.appendingPathComponent("examples/python/score_transaction.py").path],
            environment: ["PYTHONPATH": generated.path, "STREAMIFY_SOCKET": daemon.socketPath])
        let printed = result.output + result.errors
        #expect(result.status == 0, "\(printed)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("tx-1001: risk ") == true, "\(printed)")
        #expect(lines.filter { $0.contains("FACTOR_") }.count == 5, "\(printed)")
        #expect(daemon.terminate() == 0)
    }
}
