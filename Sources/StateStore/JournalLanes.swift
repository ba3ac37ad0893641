/// A log kept as several journals side by side, one per writing thread: the subdirectories
/// `lane-<n>` of one directory, each a `Journal` of its own with its own segments.
///
/// Threads that each append to their own lane never wait for one another, nor share the
/// memory their records are built in. Order holds within a lane; a reader (`JournalTail`)
/// follows each lane with a position of its own.
public enum JournalLanes {
    private static let names = SequencedFileName(prefix: "lane-", suffix: "")

    /// The directory of lane `number` in `directory`.
    public static func directory(of number: Int, in directory: String) -> String {
        directory + "/" + names.name(UInt64(number))
    }

    /// The directories to read in `directory`: each lane present, in order, after `directory`
    /// itself, where a log written before lanes has its segments.
    public static func directories(in directory: String) throws(StateFileError) -> [String] {
        let lanes = try DurableFile.list(directory).compactMap { name -> UInt64? in
            name.hasPrefix(names.prefix) ? names.number(in: name) : nil
        }.sorted()
        return [directory] + lanes.map { Self.directory(of: Int($0), in: directory) }
    }

    /// The log directory `lane` is a lane of (`lane` itself when it is not a lane's directory).
    public static func log(containing lane: String) -> String {
        guard let slash = lane.lastIndex(of: "/"), names.number(in: String(lane[lane.index(after: slash)...])) != nil else {
            return lane
        }
        return String(lane[..<slash])
    }
}
