import Foundation

/// What a program printed and how it ended.
public struct ProgramResult: Sendable {
    /// Its exit status.
    public var status: Int32
    /// Its standard output.
    public var output: String
    /// Its standard error.
    public var errors: String
}

/// Runs `command` (an executable's path, then its arguments) to its end, in `directory` when
/// given, with `environment` added to this process's. Standard error goes through a file, so a
/// chatty program cannot block on a full pipe while its output is being read.
public func runProgram(_ command: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> ProgramResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.currentDirectoryURL = directory
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let output = Pipe()
    let errorsPath = FileManager.default.temporaryDirectory.appendingPathComponent("streamify-stderr-\(UUID().uuidString)").path
    _ = FileManager.default.createFile(atPath: errorsPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errorsPath) }
    let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorsPath))
    defer { try? errors.close() }
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let printed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProgramResult(
        status: process.terminationStatus, output: String(decoding: printed, as: UTF8.self),
        errors: (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? "")
}

/// The path of the package's executable `name`, built next to the test bundle.
public func builtProgramPath(_ name: String) -> String {
    let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
        let path = candidate.appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/\(name)").path
}

/// The first column of the first row `sql` returns from the SQLite file `database`, as read by
/// Python's sqlite3 module (a reader independent of the project's code); nil when it fails.
public func sqliteValue(_ database: String, _ sql: String) -> String? {
    let run = try? runProgram([
        "/usr/bin/env", "python3", "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])",
        database, sql,
    ])
    guard let run, run.status == 0 else { return nil }
    return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// The package's root directory (where `Package.swift`, `scripts/` and `README.md` are).
public let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
