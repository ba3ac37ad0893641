/// One partition of a partitioned input log (a Kafka topic partition) that state changes come from.
public struct InputPartition: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// `InputPartition.sourceID(of:)` of the log's name.
    public var source: UInt64
    /// The partition number within the log.
    public var partition: Int32

    /// The partition `partition` of the log with id `source`.
    public init(source: UInt64, partition: Int32) {
        self.source = source
        self.partition = partition
    }

    /// The partition `partition` of the log named `name`.
    public init(name: String, partition: Int32) {
        self.init(source: Self.sourceID(of: name), partition: partition)
    }

    /// A fixed-size id for a log's name, so journal records stay fixed-size: 64-bit FNV-1a of its
    /// UTF-8 bytes. Not keyed: names come from the configuration, not from clients.
    public static func sourceID(of name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    public var description: String { "\(String(source, radix: 16))/\(partition)" }
}

/// Where one message sits in its input log: the message a state change was made from.
public struct InputPosition: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// The partition the message came from.
    public var input: InputPartition
    /// The bytes the alignment of `offset` leaves after `input`: zeros, spelled out so that a
    /// journal record of this position writes zeros there rather than whatever the memory held
    /// (the layout is unchanged; `RecordPaddingTests` checks nothing is left uncovered). Not
    /// part of the value: a record an earlier build wrote holds whatever it held there.
    private var spare: UInt32 = 0
    /// Its offset in that partition.
    public var offset: Int64

    /// The message at `offset` in `input`.
    public init(_ input: InputPartition, offset: Int64) {
        self.input = input
        self.offset = offset
    }

    public static func == (left: InputPosition, right: InputPosition) -> Bool {
        left.input == right.input && left.offset == right.offset
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(input)
        hasher.combine(offset)
    }

    public var description: String { "\(input)@\(offset)" }
}
