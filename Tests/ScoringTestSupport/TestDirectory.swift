import Foundation

/// Makes a fresh directory `<prefix>-<random>` under the system's temporary directory; the
/// caller removes it (`defer { try? FileManager.default.removeItem(at: directory) }`).
public func makeTestDirectory(_ prefix: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}
