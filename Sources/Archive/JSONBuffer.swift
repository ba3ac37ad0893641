import ScoringModel

/// JSON text built as UTF-8 in a byte buffer that is kept and reused from row to row.
///
/// The archive writes two JSON columns for every decision (its factors and its features).
/// Growing a `String` piece by piece cost more than the row's insert; appending bytes to
/// storage that is already large enough does not allocate.
struct JSONBuffer {
    /// The text so far.
    private(set) var bytes: [UInt8] = []
    /// Where a reason is rendered before it is escaped into `bytes`.
    private var scratch = [UInt8](repeating: 0, count: 512)

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Empties the text, keeping its storage.
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Appends `text` as it is (JSON punctuation and names).
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends pre-encoded UTF-8 as it is.
    mutating func append(raw utf8: [UInt8]) {
        bytes.append(contentsOf: utf8)
    }

    /// Appends `value` as a JSON number, or `null` when it is not finite.
    mutating func append(_ value: Float) {
        guard value.isFinite else { return append("null") }
        // A Float's shortest description fits a small string: no allocation.
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Appends `text` as a JSON string literal.
    mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        JSONText.escape(text.utf8) { bytes.append($0) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends what `render` writes (a decision's reason) as a JSON string literal; text past
    /// the scratch space is cut off, as `ReasonWriter` does.
    mutating func appendQuoted(rendering render: (inout ReasonWriter) -> Void) {
        let count = scratch.withUnsafeMutableBytes { memory in
            var writer = ReasonWriter(memory)
            render(&writer)
            return writer.count
        }
        bytes.append(UInt8(ascii: "\""))
        JSONText.escape(scratch[..<count]) { bytes.append($0) }
        bytes.append(UInt8(ascii: "\""))
    }
}
