/// Bytes of a value's layout that none of its stored properties covers: padding, which a raw
/// copy of the value (a journal record, a snapshot entry, an archive record) writes out as
/// whatever memory held there. Found through the value's mirror, recursively: a struct's or a
/// tuple's parts must cover its size (its stride, with `upToStride`, for a type written as
/// arrays, element after element); a part whose mirror shows no stored parts (a number, an enum
/// without payload) counts as covering its whole size; an `Optional` or an enum with a payload
/// is reported, as a size sum cannot see what its smaller cases leave unwritten. An
/// `InlineArray` (which has no mirror) is looked into through its element type.
///
/// Empty when there is none; otherwise one line per gap, naming the path to it.
public func layoutPadding<Value>(of value: Value, upToStride: Bool = false, path: String = "\(Value.self)") -> [String] {
    if let array = value as? any ElementPadding { return array.elementPadding(path: path) }
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .struct, .tuple:
        var gaps: [String] = []
        var covered = 0
        for (index, child) in mirror.children.enumerated() {
            let name = path + "." + (child.label ?? "\(index)")
            func inside<Field>(_ field: Field) -> [String] { layoutPadding(of: field, path: name) }
            covered += _openExistential(child.value, do: sizeOfValue)
            gaps += _openExistential(child.value, do: inside)
        }
        let size = upToStride ? MemoryLayout<Value>.stride : MemoryLayout<Value>.size
        if covered != size { gaps.append("\(path): \(size - covered) of \(size) bytes not covered by a stored property") }
        return gaps
    case .optional:
        return ["\(path): an optional, whose nil leaves its payload's bytes unwritten"]
    case .enum where !mirror.children.isEmpty:
        return ["\(path): an enum with a payload, whose cases may leave bytes unwritten"]
    default:
        return []
    }
}

private func sizeOfValue<Value>(_ value: Value) -> Int { MemoryLayout<Value>.size }

/// An `InlineArray`'s padding: inside its first element (every element has the same layout)
/// and between elements.
private protocol ElementPadding {
    func elementPadding(path: String) -> [String]
}

extension InlineArray: ElementPadding where Element: Copyable {
    fileprivate func elementPadding(path: String) -> [String] {
        guard count > 0 else { return [] }
        let between = MemoryLayout<Element>.stride - MemoryLayout<Element>.size
        return layoutPadding(of: self[0], path: path + "[0]")
            + (between > 0 ? ["\(path): \(between) bytes between elements"] : [])
    }
}
