@_spi(Reflection) import Swift

/// Where every byte of a raw-written record lies: one line per stored number, flag or enum,
/// `path @offset size Type`, in declaration order, recursively through structs, tuples and the
/// first element of each `InlineArray` (whose own line gives its whole size). A `CaseIterable`
/// enum's line ends with its cases in order: its bytes are the case's place in that order, not
/// its raw value, so a reordered case reads as another.
///
/// Read from the runtime's field metadata, so the offsets are the compiler's, not recomputed.
/// A state file holds records as these bytes: two builds whose lines differ read each other's
/// files wrongly, even where sizes and strides, all that a layout fingerprint sees, agree (two
/// fields of one type swapped, say). `StateLayoutPinTests` pins these lines.
///
/// A struct met again within one record (the same window type at three offsets, say) gets one
/// line, `… (fields as above)`: its fields' places relative to it were given the first time.
public func recordLayout(of type: Any.Type, path: String? = nil) -> [String] {
    var lines: [String] = []
    var described: Set<ObjectIdentifier> = []
    describeFields(of: type, at: 0, path: path ?? "\(type)", into: &lines, described: &described)
    return lines
}

private func describeFields(
    of type: Any.Type, at base: Int, path: String, into lines: inout [String], described: inout Set<ObjectIdentifier>
) {
    let leaf = "\(path) @\(base) \(_openExistential(type, do: sizeOfType)) \(type)"
    if let array = type as? any InlineArrayElements.Type {
        lines.append(leaf)
        describeFields(of: array.elementType, at: base, path: path + "[0]", into: &lines, described: &described)
        return
    }
    // The standard library's numbers are structs around a builtin: they end the walk.
    guard !(type is any BinaryInteger.Type || type is any BinaryFloatingPoint.Type || type == Bool.self) else {
        lines.append(leaf)
        return
    }
    var fields: [(name: String, offset: Int, type: Any.Type)] = []
    _ = _forEachField(of: type, options: []) { name, offset, fieldType, _ in
        fields.append((String(cString: name), offset, fieldType))
        return true
    }
    // An enum, or a type the runtime describes no fields of.
    guard !fields.isEmpty else {
        if let cases = type as? any CaseIterable.Type {
            lines.append(leaf + " cases: " + _openExistential(cases, do: caseNames))
        } else {
            lines.append(leaf)
        }
        return
    }
    guard described.insert(ObjectIdentifier(type)).inserted else {
        lines.append(leaf + " (fields as above)")
        return
    }
    for (index, field) in fields.enumerated() {
        let name = field.name.isEmpty ? "\(index)" : field.name
        describeFields(of: field.type, at: base + field.offset, path: path + "." + name, into: &lines, described: &described)
    }
}

private func sizeOfType<Value>(_: Value.Type) -> Int { MemoryLayout<Value>.size }

private func caseNames<Cases: CaseIterable>(_: Cases.Type) -> String {
    Cases.allCases.map { "\($0)" }.joined(separator: " ")
}

/// An `InlineArray`'s element type, which its metadata does not list as a field.
private protocol InlineArrayElements {
    static var elementType: Any.Type { get }
}

extension InlineArray: InlineArrayElements {
    fileprivate static var elementType: Any.Type { Element.self }
}
