/// What kind of work a scope is: the ATOF 0.1 `category` (span-mapping.md §3 picks the span kind
/// from it). Any string is allowed; the well-known values are constants.
public struct ScopeCategory: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The wire value, e.g. `agent`.
    public var rawValue: String

    /// A category with the wire value `rawValue` (kept verbatim).
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A category from a string literal.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    /// The wire value.
    public var description: String { rawValue }

    /// A top-level agent or workflow turn.
    public static let agent: ScopeCategory = "agent"
    /// A generic step.
    public static let function: ScopeCategory = "function"
    /// A model call.
    public static let llm: ScopeCategory = "llm"
    /// A tool invocation.
    public static let tool: ScopeCategory = "tool"
    /// A retrieval step.
    public static let retriever: ScopeCategory = "retriever"
    /// An embedding step.
    public static let embedder: ScopeCategory = "embedder"
    /// A reranking step.
    public static let reranker: ScopeCategory = "reranker"
    /// A guardrail check.
    public static let guardrail: ScopeCategory = "guardrail"
    /// An evaluation step.
    public static let evaluator: ScopeCategory = "evaluator"
    /// A vendor category; give its `subtype` in the profile (`["subtype": "vendor.name"]`).
    public static let custom: ScopeCategory = "custom"
    /// Unclassified work (ATOF's always-legal pass-through category).
    public static let unknown: ScopeCategory = "unknown"
}

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
