/// A behavioural flag of a scope: the ATOF 0.1 `attributes` list. Flags are written sorted,
/// lowercase and without duplicates, as the format requires.
public struct ScopeFlag: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The wire value, e.g. `remote` (lowercased when written).
    public var rawValue: String

    /// A flag with the wire value `rawValue`.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A flag from a string literal.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    /// The wire value.
    public var description: String { rawValue }

    /// May run concurrently with its siblings.
    public static let parallel: ScopeFlag = "parallel"
    /// May move between threads or event loops.
    public static let relocatable: ScopeFlag = "relocatable"
    /// Keeps state across invocations.
    public static let stateful: ScopeFlag = "stateful"
    /// Output arrives in chunks.
    public static let streaming: ScopeFlag = "streaming"
    /// Runs out of process (the span becomes CLIENT).
    public static let remote: ScopeFlag = "remote"

    /// The canonical wire list: lowercase, sorted, no duplicates.
    package static func wireList(_ flags: Set<ScopeFlag>) -> [String] {
        guard !flags.isEmpty else { return [] }
        return Set(flags.map { $0.rawValue.lowercased() }).sorted()
    }
}
