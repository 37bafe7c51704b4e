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
