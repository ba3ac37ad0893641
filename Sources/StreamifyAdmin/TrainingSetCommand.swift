import Archive
import ArgumentParser

/// `training-set --output FILE.jsonl`: the archive's transactions with their labels, for `loadgen train`.
struct TrainingSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training-set",
        abstract: "Write every archived transaction with is_fraud (from the labels) as JSON lines, for loadgen train --input.",
        discussion: """
            Then: loadgen train --input FILE.jsonl --columns \
            card=card_id,merchant=merchant_id,amount=amount,time=event_time,label=is_fraud,transaction=transaction_id,\
            latitude=latitude,longitude=longitude,country=country,device=device_id,ip=ip_address,category=category,\
            method=payment_method,currency=currency --output model.json
            """)

    @OptionGroup var location: ArchiveLocation

    @Option(name: .shortAndLong, help: "The JSON lines file to write (its name should end in .jsonl).")
    var output: String

    func run() throws {
        let jobs = try location.open()
        try runJob {
            let (rows, frauds) = try jobs.trainingSet(to: output)
            location.print(
                ["rows": rows, "frauds": frauds, "output": output],
                text: "wrote \(rows) transactions (\(frauds) labelled fraud) to \(output)")
        }
    }
}
