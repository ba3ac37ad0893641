/// The two file formats of `loadgen generate` and `loadgen replay`.
///
/// - `frames`: exactly what goes on the wire: each record a 4-byte big-endian length and one
///   `streamify.v1.Request` (a `score` of one transaction, or a `feedback`), request ids counting
///   from 1. Ground truth is not in the frames (the daemon must never see it); it goes to a sidecar,
///   by default `FILE.labels.jsonl`, one `{"transaction_id", "fraud", "scenario"}` object a line.
/// - `jsonl`: one JSON object a line, `{"type":"transaction","transaction":{...},"label":{...}}` or
///   `{"type":"feedback","feedback":{...}}`, with the .proto's snake_case field names.
enum WorkloadFileFormat: String, CaseIterable, Sendable {
    case frames
    case jsonl

    /// The default labels sidecar of a frames file.
    static func defaultLabelsPath(for path: String) -> String {
        path + ".labels.jsonl"
    }
}
