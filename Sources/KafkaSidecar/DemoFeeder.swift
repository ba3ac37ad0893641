import Foundation
import Logging
import StreamifyWire

/// Feeds synthetic transactions (alternately protobuf and JSON) into a topic at a fixed rate, on a
/// thread of its own, for demos on the embedded mock cluster. It runs until the process ends.
public enum DemoFeeder {
    public static func start(bootstrap: String, topic: String, rate: Int, logger: Logger) {
        let thread = Thread {
            do {
                let producer = try KafkaRecordProducer(bootstrapServers: bootstrap)
                var traffic = DemoTraffic(seed: UInt64(Date().timeIntervalSince1970), startMs: Int64(Date().timeIntervalSince1970 * 1000))
                var sent = 0
                let start = Date()
                while true {
                    let due = Int(Date().timeIntervalSince(start) * Double(rate))
                    while sent < due {
                        let (transaction, _) = traffic.nextTransaction()
                        let value = sent % 2 == 0 ? WireCodec.encode(transaction) : Array(DemoTraffic.json(transaction).utf8)
                        try producer.send(topic: topic, key: Array(transaction.cardID.utf8), value: value)
                        sent += 1
                    }
                    producer.poll(timeoutMs: 10)
                }
            } catch {
                logger.error("demo feeder stopped", metadata: ["error": "\(error)"])
            }
        }
        thread.name = "demo-feeder"
        thread.start()
    }
}
