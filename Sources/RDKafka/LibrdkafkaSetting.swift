/// A librdkafka setting as typed on a command line: `key=value` (`-X key=value`).
public enum LibrdkafkaSetting {
    /// Splits `key=value` at the first `=`; `nil` when there is no `=` or no key.
    public static func parse(_ argument: String) -> (key: String, value: String)? {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return nil }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}
