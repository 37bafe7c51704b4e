/// Reads variables from an environment, collecting one warning per invalid value.
struct EnvironmentReader {
    /// A set variable: its name and its value trimmed of spaces and tabs.
    typealias Entry = (name: String, value: String)

    let environment: [String: String]
    var warnings: [String] = []

    /// The variable when it is set to something other than white space.
    func entry(_ name: String) -> Entry? {
        guard let raw = environment[name] else { return nil }
        let value = EnvironmentValue.trimmed(raw)
        return value.isEmpty ? nil : (name, value)
    }

    /// The parsed value, or `nil` when unset or invalid; an invalid value adds the warning
    /// `NAME="value" is not <expected>; using the default <shown>`.
    mutating func value<T>(_ entry: Entry?, expected: String, shown: String, _ parse: (String) -> T?) -> T? {
        guard let entry else { return nil }
        if let value = parse(entry.value) { return value }
        warnings.append("\(entry.name)=\"\(entry.value)\" is not \(expected); using the default \(shown)")
        return nil
    }

    /// An integer of at least `minimum` (0 or 1), or `nil` when unset or invalid.
    mutating func integer(_ entry: Entry?, minimum: Int, unit: String = "", shown: String) -> Int? {
        let expected = "a \(minimum > 0 ? "positive" : "non-negative") integer\(unit)"
        return value(entry, expected: expected, shown: shown) { Int($0).flatMap { $0 >= minimum ? $0 : nil } }
    }

    /// An integer of at least `minimum` (0 or 1), else `default`.
    mutating func integer(_ entry: Entry?, minimum: Int, default: Int) -> Int {
        integer(entry, minimum: minimum, shown: "\(`default`)") ?? `default`
    }

    /// An integer number of milliseconds of at least `minimum` (0 or 1), or `nil` when unset or
    /// invalid; `default` is named in the warning (`nil`: no limit).
    mutating func milliseconds(_ entry: Entry?, minimum: Int, default: Duration?) -> Int? {
        let shown = `default`.map { "\($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) ms" }
        return integer(entry, minimum: minimum, unit: " number of milliseconds", shown: shown ?? "(no limit)")
    }

    /// One of the cases, spelled as its raw value in any case.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ entry: Entry?, default: T) -> T where T.RawValue == String {
        let expected = "one of " + T.allCases.map(\.rawValue).joined(separator: ", ")
        return value(entry, expected: expected, shown: `default`.rawValue) { text in
            T.allCases.first { $0.rawValue == text.lowercased() }
        } ?? `default`
    }

}
