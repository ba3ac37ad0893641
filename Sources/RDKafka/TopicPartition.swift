import CRdKafka

/// A partition of a topic, and optionally an offset in it.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    /// The topic's name.
    public var topic: String
    /// The partition number within the topic.
    public var partition: Int32

    /// Creates a value with every field given.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

extension TopicPartition {
    /// Reads every entry of a librdkafka partition list.
    package static func list(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [(TopicPartition, Int64)] {
        guard let list else { return [] }
        var result: [(TopicPartition, Int64)] = []
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            result.append((TopicPartition(topic: String(cString: element.topic), partition: element.partition), element.offset))
        }
        return result
    }

    /// A new librdkafka partition list holding `offsets`; the caller destroys it.
    package static func makeList(_ offsets: [(TopicPartition, Int64)]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(max(offsets.count, 1)))!
        for (partition, offset) in offsets {
            let element = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!
            element.pointee.offset = offset
        }
        return list
    }
}
