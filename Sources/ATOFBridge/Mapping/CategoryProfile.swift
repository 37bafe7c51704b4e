import ATOF

/// What one ATOF category (0.1 `category`, 0.2 `scope_type`) becomes in OpenTelemetry: the OTLP span
/// kind, the GenAI operation and the OpenInference span kind (span-mapping.md §3).
///
/// The OpenInference kind also selects which semantic attributes the mapper extracts:
/// - `LLM`: model names, provider, invocation parameters, messages, token counts, finish reasons
///   and time to first chunk (§4.2, §4.3, §4.4);
/// - `TOOL`: `tool.name`, `tool.parameters`, `tool_call.id`, `gen_ai.tool.name`, `gen_ai.tool.call.id`;
/// - `AGENT`: `gen_ai.agent.name`, `gen_ai.agent.id`.
///
/// So a custom category given the `LLM` kind is read like an `llm` scope.
public struct CategoryProfile: Sendable, Hashable {
    /// The OTLP span kind. The `remote` flag turns any kind into ``OTLP/SpanKind/client``.
    public var spanKind: OTLP.SpanKind
    /// The value of `gen_ai.operation.name`, or `nil` when the category has no GenAI operation
    /// (the attribute is then left out).
    public var genAIOperationName: String?
    /// The value of `openinference.span.kind`, e.g. `LLM`, `TOOL`, `AGENT`, `CHAIN`.
    public var openInferenceSpanKind: String

    /// Creates a profile.
    public init(spanKind: OTLP.SpanKind, genAIOperationName: String?, openInferenceSpanKind: String) {
        self.spanKind = spanKind
        self.genAIOperationName = genAIOperationName
        self.openInferenceSpanKind = openInferenceSpanKind
    }
}

/// The replaceable table of ``CategoryProfile``s, keyed by category string.
///
/// Lookup (``profile(category:subtype:flags:)``), first hit wins:
/// 1. `"<category>:<subtype>"` when the scope's profile carries a string `subtype` (the 0.1 `custom`
///    convention, e.g. `custom:nvidia.speculative_decode`);
/// 2. `"<category>"`, compared case-sensitively (ATOF vocabularies are lowercase);
/// 3. ``fallback`` (INTERNAL, no GenAI operation, OpenInference `CHAIN`), which also covers `custom`,
///    `unknown`, a missing category and any other string.
///
/// The `remote` flag then makes the span kind CLIENT whatever the profile says.
public struct CategoryProfileTable: Sendable, Hashable {
    /// The profiles by key: a category string, or `"<category>:<subtype>"`.
    public var profiles: [String: CategoryProfile]
    /// The profile for categories that have no entry.
    public var fallback: CategoryProfile

    /// Creates a table; the default is empty, so everything maps to `fallback`.
    public init(
        profiles: [String: CategoryProfile] = [:],
        fallback: CategoryProfile = CategoryProfile(spanKind: .internal, genAIOperationName: nil, openInferenceSpanKind: "CHAIN")
    ) {
        self.profiles = profiles
        self.fallback = fallback
    }

    /// The table of span-mapping.md §3.
    public static let standard = CategoryProfileTable(profiles: [
        ScopeCategory.agent.rawValue: CategoryProfile(
            spanKind: .internal, genAIOperationName: "invoke_agent", openInferenceSpanKind: "AGENT"),
        ScopeCategory.function.rawValue: CategoryProfile(spanKind: .internal, genAIOperationName: nil, openInferenceSpanKind: "CHAIN"),
        ScopeCategory.llm.rawValue: CategoryProfile(spanKind: .client, genAIOperationName: "chat", openInferenceSpanKind: "LLM"),
        ScopeCategory.tool.rawValue: CategoryProfile(
            spanKind: .internal, genAIOperationName: "execute_tool", openInferenceSpanKind: "TOOL"),
        ScopeCategory.retriever.rawValue: CategoryProfile(
            spanKind: .client, genAIOperationName: "retrieval", openInferenceSpanKind: "RETRIEVER"),
        ScopeCategory.embedder.rawValue: CategoryProfile(
            spanKind: .client, genAIOperationName: "embeddings", openInferenceSpanKind: "EMBEDDING"),
        ScopeCategory.reranker.rawValue: CategoryProfile(spanKind: .client, genAIOperationName: nil, openInferenceSpanKind: "RERANKER"),
        ScopeCategory.guardrail.rawValue: CategoryProfile(spanKind: .internal, genAIOperationName: nil, openInferenceSpanKind: "GUARDRAIL"),
        ScopeCategory.evaluator.rawValue: CategoryProfile(spanKind: .internal, genAIOperationName: nil, openInferenceSpanKind: "EVALUATOR"),
    ])

    /// The profile stored under `key` (a category, or `"<category>:<subtype>"`); setting `nil` removes it.
    public subscript(key: String) -> CategoryProfile? {
        get { profiles[key] }
        set { profiles[key] = newValue }
    }

    /// The profile a scope gets: looked up as described on the type, then made CLIENT when `flags`
    /// contains `remote`.
    public func profile(category: String?, subtype: String?, flags: [String]) -> CategoryProfile {
        var resolved = fallback
        if let category {
            if let subtype, let bySubtype = profiles["\(category):\(subtype)"] {
                resolved = bySubtype
            } else if let byCategory = profiles[category] {
                resolved = byCategory
            }
        }
        if flags.contains("remote") {
            resolved.spanKind = .client
        }
        return resolved
    }
}
