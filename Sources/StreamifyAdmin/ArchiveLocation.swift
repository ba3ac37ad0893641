import Archive
import ArgumentParser
import Foundation
import StreamifyWire

/// Where the archive is and how to print: the options every job shares.
struct ArchiveLocation: ParsableArguments {
    @Option(name: .customLong("archive"), help: "The archive's SQLite file (scoring-server --archive). Env: STREAMIFY_ARCHIVE")
    var path: String = ProcessInfo.processInfo.environment["STREAMIFY_ARCHIVE"] ?? "streamify-archive.db"

    @Flag(name: .customLong("json"), help: "Print one JSON object instead of text.")
    var json = false

    /// The jobs on the archive, or exit 2 with the reason.
    func open() throws -> WarehouseJobs {
        do {
            return try WarehouseJobs(path: path)
        } catch {
            FileHandle.standardError.write(Data("streamify-admin: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Prints `object` as JSON, or `text` when not asked for JSON.
    func print(_ object: [String: Any], text: @autoclosure () -> String) {
        if json {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            Swift.print(String(decoding: data, as: UTF8.self))
        } else {
            Swift.print(text())
        }
    }

    /// Milliseconds in `text` ("15m", "30d"), or a usage error naming `option`.
    static func milliseconds(_ text: String, option: String) throws -> Int64 {
        guard let seconds = DurationText.seconds(text), seconds > 0, seconds <= longestSeconds else {
            throw ValidationError("\(option) must be a duration such as 15m or 30d, at most \(Int(longestSeconds / 86_400))d, got '\(text)'")
        }
        return Int64(seconds * 1000)
    }

    /// The longest duration an option takes: a hundred years, past any archive's age.
    static let longestSeconds: Double = 36_500 * 86_400

    /// Now, in Unix ms.
    static var nowMs: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// Runs `body`, turning an error from the archive into exit status 2 with its message.
func runJob(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("streamify-admin: \(error)\n".utf8))
        throw ExitCode(2)
    }
}
