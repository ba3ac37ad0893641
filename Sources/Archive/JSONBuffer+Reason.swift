import ScoringModel
import StreamifyWire

extension JSONBuffer {
    /// Room a reason is rendered in before it is escaped into the buffer.
    static let reasonBytes = 512

    /// Appends what `render` writes (a decision's reason) as a JSON string literal; text past
    /// `reasonBytes` is cut off, as `ReasonWriter` does.
    mutating func appendQuoted(rendering render: (inout ReasonWriter) -> Void) {
        withUnsafeTemporaryAllocation(byteCount: Self.reasonBytes, alignment: 1) { memory in
            var writer = ReasonWriter(memory)
            render(&writer)
            appendQuoted(utf8: UnsafeRawBufferPointer(rebasing: memory[..<writer.count]))
        }
    }
}
