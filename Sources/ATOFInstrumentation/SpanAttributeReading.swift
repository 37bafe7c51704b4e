import ATOF
import Tracing

/// How an ``ATOFTracer`` span's kind and attributes become ATOF fields.
///
/// - category: attribute `atof.category`; else `gen_ai.operation.name` (`chat`, `text_completion`,
///   `generate_content` → `llm`; `execute_tool` → `tool`; `invoke_agent`, `create_agent` →
///   `agent`; `embeddings` → `embedder`; `retrieval` → `retriever`); else
///   `openinference.span.kind` (`LLM`, `TOOL`, `AGENT`, `CHAIN` → `function`, `RETRIEVER`,
///   `EMBEDDING` → `embedder`, `RERANKER`, `GUARDRAIL`, `EVALUATOR`); else `function`.
/// - flags: attribute `atof.flags` (string array), plus `remote` for span kind `.client`.
/// - profile: `llm` → `model_name` (`gen_ai.request.model`, `llm.model_name`) and `provider`
///   (`gen_ai.provider.name`, `gen_ai.system`); `tool` → `tool_call_id` (`gen_ai.tool.call.id`,
///   `tool_call.id`); `custom` → `subtype` (`atof.subtype`).
/// - start `data`: `input.value` (parsed when `input.mime_type` is `application/json`), for
///   tools else `gen_ai.tool.call.arguments`; end `data`: `output.value` likewise, for tools
///   else `gen_ai.tool.call.result`, for LLM calls else an OpenAI-shaped
///   `{"id", "model", "usage": {"prompt_tokens", "completion_tokens", "total_tokens"}}` from
///   `gen_ai.response.id`, `gen_ai.response.model` and `gen_ai.usage.input_tokens` /
///   `output_tokens` (or `llm.token_count.*`), so the bridge maps them back.
/// - metadata: every other attribute (keys sorted), on the start event as set when it was
///   emitted and on the end event as set at the end; the bridge writes them as
///   `atof.metadata.<key>`.
struct SpanAttributeReading {
    let attributes: SpanAttributes
    private(set) var consumed: Set<String> = [
        AttributeKey.atofCategory, AttributeKey.atofFlags, AttributeKey.atofSubtype, AttributeKey.genAIOperationName,
        AttributeKey.openInferenceSpanKind,
    ]

    init(_ attributes: SpanAttributes) {
        self.attributes = attributes
    }

    // MARK: Category, flags, profile

    mutating func category() -> String {
        if let explicit = string(AttributeKey.atofCategory), !explicit.isEmpty { return explicit }
        switch string(AttributeKey.genAIOperationName) {
        case "chat", "text_completion", "generate_content": return ScopeCategory.llm.rawValue
        case "execute_tool": return ScopeCategory.tool.rawValue
        case "invoke_agent", "create_agent": return ScopeCategory.agent.rawValue
        case "embeddings": return ScopeCategory.embedder.rawValue
        case "retrieval": return ScopeCategory.retriever.rawValue
        default: break
        }
        switch string(AttributeKey.openInferenceSpanKind)?.uppercased() {
        case "LLM": return ScopeCategory.llm.rawValue
        case "TOOL": return ScopeCategory.tool.rawValue
        case "AGENT": return ScopeCategory.agent.rawValue
        case "CHAIN": return ScopeCategory.function.rawValue
        case "RETRIEVER": return ScopeCategory.retriever.rawValue
        case "EMBEDDING": return ScopeCategory.embedder.rawValue
        case "RERANKER": return ScopeCategory.reranker.rawValue
        case "GUARDRAIL": return ScopeCategory.guardrail.rawValue
        case "EVALUATOR": return ScopeCategory.evaluator.rawValue
        default: return ScopeCategory.function.rawValue
        }
    }

    func flags(kind: Tracing.SpanKind) -> [String] {
        var flags: Set<ScopeFlag> = []
        switch attributes.get(AttributeKey.atofFlags) {
        case .stringArray(let values)?: flags.formUnion(values.map(ScopeFlag.init(rawValue:)))
        case .string(let value)?: flags.formUnion(value.split(separator: ",").map { ScopeFlag(rawValue: $0.trimmingSpaces) })
        default: break
        }
        if case .client = kind { flags.insert(.remote) }
        return ScopeFlag.wireList(flags)
    }

    mutating func profile(category: String) -> JSONValue? {
        var profile = JSONObject()
        switch category {
        case ScopeCategory.llm.rawValue:
            if let model = take(AttributeKey.genAIRequestModel, AttributeKey.llmModelName) { profile["model_name"] = .string(model) }
            if let provider = take(AttributeKey.genAIProviderName, "gen_ai.system") { profile["provider"] = .string(provider) }
            return profile.isEmpty ? nil : .object(profile)
        case ScopeCategory.tool.rawValue:
            if let id = take(AttributeKey.genAIToolCallID, "tool_call.id") { profile["tool_call_id"] = .string(id) }
            return .object(profile)
        case ScopeCategory.custom.rawValue:
            if let subtype = string(AttributeKey.atofSubtype) { profile["subtype"] = .string(subtype) }
            return .object(profile)
        default:
            return nil
        }
    }

    // MARK: Payloads

    mutating func startData(category: String) -> JSONValue? {
        if let input = payload(AttributeKey.inputValue, mimeTypeKey: AttributeKey.inputMimeType) { return input }
        if category == ScopeCategory.tool.rawValue, let arguments = payload("gen_ai.tool.call.arguments", mimeTypeKey: nil) {
            return arguments
        }
        return nil
    }

    mutating func endData(category: String) -> JSONValue? {
        if let output = payload(AttributeKey.outputValue, mimeTypeKey: AttributeKey.outputMimeType) { return output }
        if category == ScopeCategory.tool.rawValue, let result = payload("gen_ai.tool.call.result", mimeTypeKey: nil) { return result }
        guard category == ScopeCategory.llm.rawValue else { return nil }
        var response = JSONObject()
        if let id = take(AttributeKey.genAIResponseID) { response["id"] = .string(id) }
        if let model = take(AttributeKey.genAIResponseModel) { response["model"] = .string(model) }
        var usage = JSONObject()
        if let prompt = takeInteger(AttributeKey.genAIUsageInputTokens, AttributeKey.llmTokenCountPrompt) {
            usage["prompt_tokens"] = .number(JSONNumber(prompt))
        }
        if let completion = takeInteger(AttributeKey.genAIUsageOutputTokens, AttributeKey.llmTokenCountCompletion) {
            usage["completion_tokens"] = .number(JSONNumber(completion))
        }
        if let total = takeInteger(AttributeKey.llmTokenCountTotal) { usage["total_tokens"] = .number(JSONNumber(total)) }
        if !usage.isEmpty { response["usage"] = .object(usage) }
        return response.isEmpty ? nil : .object(response)
    }

    /// The attributes not used for another field, as a JSON object with sorted keys; `nil` when none.
    func metadata() -> JSONValue? {
        var members: [JSONObject.Member] = []
        attributes.forEach { key, value in
            guard !consumed.contains(key), let json = Self.json(value) else { return }
            members.append(.init(key: key, value: json))
        }
        guard !members.isEmpty else { return nil }
        members.sort { $0.key < $1.key }
        return .object(JSONObject(members))
    }

    // MARK: Reading

    func string(_ key: String) -> String? {
        switch attributes.get(key) {
        case .string(let value)?: value
        case .stringConvertible(let value)?: value.description
        default: nil
        }
    }

    /// The first of `keys` that holds a string, marking it used.
    private mutating func take(_ keys: String...) -> String? {
        for key in keys {
            if let value = string(key) {
                consumed.insert(key)
                return value
            }
        }
        return nil
    }

    private mutating func takeInteger(_ keys: String...) -> Int64? {
        for key in keys {
            let value: Int64? =
                switch attributes.get(key) {
                case .int64(let value)?: value
                case .int32(let value)?: Int64(value)
                default: nil
                }
            if let value {
                consumed.insert(key)
                return value
            }
        }
        return nil
    }

    /// A payload attribute: a string is parsed as JSON when its MIME type says so (or, without a
    /// MIME-type key, when it parses), else kept as a string; other values convert directly.
    private mutating func payload(_ key: String, mimeTypeKey: String?) -> JSONValue? {
        guard let value = attributes.get(key) else { return nil }
        consumed.insert(key)
        if let mimeTypeKey { consumed.insert(mimeTypeKey) }
        guard let text = string(key) else { return Self.json(value) }
        let parse = mimeTypeKey.map { string($0) == "application/json" } ?? true
        if parse, let parsed = try? JSONParser.parse(text) { return parsed }
        return .string(text)
    }

    /// A span attribute as JSON (`nil` for a value with no JSON form).
    static func json(_ attribute: Tracing.SpanAttribute) -> JSONValue? {
        switch attribute {
        case .int32(let value): .number(JSONNumber(Int64(value)))
        case .int64(let value): .number(JSONNumber(value))
        case .double(let value): .number(JSONNumber(value))
        case .bool(let value): .bool(value)
        case .string(let value): .string(value)
        case .int32Array(let values): .array(values.map { .number(JSONNumber(Int64($0))) })
        case .int64Array(let values): .array(values.map { .number(JSONNumber($0)) })
        case .doubleArray(let values): .array(values.map { .number(JSONNumber($0)) })
        case .boolArray(let values): .array(values.map { .bool($0) })
        case .stringArray(let values): .array(values.map { .string($0) })
        case .stringConvertible(let value): .string(value.description)
        case .stringConvertibleArray(let values): .array(values.map { .string($0.description) })
        default: nil
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
