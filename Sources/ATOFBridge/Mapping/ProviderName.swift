/// Finds `gen_ai.provider.name` for LLM spans (span-mapping.md §4.3).
///
/// Sources, first found wins:
/// 1. the profile's vendor field `provider` (0.2 `nvidia/llm.v1`), written as given;
/// 2. the LLM annotation's API tag (`annotated_request`/`annotated_response` `api_specific.api`):
///    the part before the first `_` (`openai_chat` → `openai`, `anthropic_messages` → `anthropic`),
///    mapped through the table below when it is a known alias, else written as is;
/// 3. the span name's first dot-separated component (`openai.chat` → `openai`), only when it is a
///    known provider or alias (so `demo-provider` or `search.web` give no provider).
///
/// Known names and aliases map to the GenAI well-known values: `openai`, `anthropic`, `aws.bedrock`
/// (`bedrock`, `aws`), `azure.ai.openai` (`azure`, `azure_openai`), `azure.ai.inference`, `cohere`,
/// `deepseek`, `gcp.gemini` (`gemini`, `google`), `gcp.vertex_ai` (`vertex_ai`, `vertexai`), `groq`,
/// `ibm.watsonx.ai` (`watsonx`), `mistral_ai` (`mistral`, `mistralai`), `moonshot_ai` (`moonshot`),
/// `perplexity`, `x_ai` (`xai`).
enum ProviderName {
    static let aliases: [String: String] = [
        "openai": "openai",
        "anthropic": "anthropic",
        "bedrock": "aws.bedrock",
        "aws": "aws.bedrock",
        "azure": "azure.ai.openai",
        "azure_openai": "azure.ai.openai",
        "cohere": "cohere",
        "deepseek": "deepseek",
        "gemini": "gcp.gemini",
        "google": "gcp.gemini",
        "vertex_ai": "gcp.vertex_ai",
        "vertexai": "gcp.vertex_ai",
        "groq": "groq",
        "watsonx": "ibm.watsonx.ai",
        "mistral": "mistral_ai",
        "mistralai": "mistral_ai",
        "mistral_ai": "mistral_ai",
        "moonshot": "moonshot_ai",
        "moonshot_ai": "moonshot_ai",
        "perplexity": "perplexity",
        "xai": "x_ai",
        "x_ai": "x_ai",
    ]

    /// The provider for an annotation API tag such as `openai_chat`.
    static func fromAPITag(_ tag: String) -> String? {
        guard !tag.isEmpty else { return nil }
        if let known = aliases[tag.lowercased()] { return known }
        let prefix = tag.split(separator: "_", maxSplits: 1).first.map(String.init) ?? tag
        guard !prefix.isEmpty else { return nil }
        return aliases[prefix.lowercased()] ?? prefix
    }

    /// The provider named by the first dot-separated component of a span name, when known.
    static func fromSpanName(_ name: String) -> String? {
        // Fast path for ASCII names (every byte is a Character, so the byte split is the same as
        // the Character split below): no array, and no lowercasing when there is no capital.
        let utf8 = name.utf8
        if !utf8.contains(where: { $0 >= 0x80 }) {
            let end = utf8.firstIndex(of: UInt8(ascii: ".")) ?? utf8.endIndex
            let first = Substring(utf8[utf8.startIndex..<end])
            let hasCapital = first.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
            return aliases[hasCapital ? first.lowercased() : String(first)]
        }
        guard let first = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first else { return nil }
        return aliases[first.lowercased()]
    }
}
