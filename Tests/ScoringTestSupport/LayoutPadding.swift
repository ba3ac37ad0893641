/// Bytes of a value's layout that none of its stored properties covers: padding, which a raw
/// copy of the value (a journal record, a snapshot entry, an archive record) writes out as
/// whatever memory held there. Found through the value's mirror, recursively; a property whose
/// mirror shows no stored parts (a number, an enum, a tuple of numbers) counts as covering its
/// whole size. An `InlineArray` (which has no mirror) is looked into through its element type.
///
/// Empty when there is none; otherwise one line per gap, naming the path to the field it follows.
public func layoutPadding<Value>(of value: Value, path: String = "\(Value.self)") -> [String] {
    if let array = value as? any ElementPadding { return array.elementPadding(path: path) }
    let mirror = Mirror(reflecting: value)
    var gaps: [String] = []
    switch mirror.displayStyle {
    case .struct:
        var covered = 0
        for child in mirror.children {
            let name = path + "." + (child.label ?? "?")
            func inside<Field>(_ field: Field) -> [String] { layoutPadding(of: field, path: name) }
            covered += _openExistential(child.value, do: sizeOfValue)
            gaps += _openExistential(child.value, do: inside)
        }
        let size = MemoryLayout<Value>.size
        if covered != size { gaps.append("\(path): \(size - covered) of \(size) bytes not covered by a stored property") }
    default:
        break
    }
    return gaps
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
            + (between > 0 && count > 1 ? ["\(path): \(between) bytes between elements"] : [])
    }
}
