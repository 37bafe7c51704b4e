/// The span attribute keys the mapping writes and the other parts read (the instrumentation,
/// `stats`): one vocabulary instead of string literals repeated across the code. Keys written
/// with an index (`llm.input_messages.<i>.message.role`) are built where they are used.
public enum AttributeKey {
    /// `atof.category`
    public static let atofCategory = "atof.category"
    /// `atof.chunk_count`
    public static let atofChunkCount = "atof.chunk_count"
    /// `atof.clock_skew`
    public static let atofClockSkew = "atof.clock_skew"
    /// `atof.data`
    public static let atofData = "atof.data"
    /// `atof.data_schema.name`
    public static let atofDataSchemaName = "atof.data_schema.name"
    /// `atof.data_schema.version`
    public static let atofDataSchemaVersion = "atof.data_schema.version"
    /// `atof.duplicate_start`
    public static let atofDuplicateStart = "atof.duplicate_start"
    /// `atof.flags`
    public static let atofFlags = "atof.flags"
    /// `atof.inferred`: what a foreign format's translator inferred (adapters.md §7).
    public static let atofInferred = "atof.inferred"
    /// `atof.mark.orphan`
    public static let atofMarkOrphan = "atof.mark.orphan"
    /// `atof.metadata`
    public static let atofMetadata = "atof.metadata"
    /// `atof.parent_uuid`
    public static let atofParentUUID = "atof.parent_uuid"
    /// `atof.source.format`: the foreign format a span was read from (adapters.md §7).
    public static let atofSourceFormat = "atof.source.format"
    /// `atof.status`
    public static let atofStatus = "atof.status"
    /// `atof.subtype`
    public static let atofSubtype = "atof.subtype"
    /// `atof.truncated_attributes`
    public static let atofTruncatedAttributes = "atof.truncated_attributes"
    /// `atof.unended`
    public static let atofUnended = "atof.unended"
    /// `atof.unmatched_end`
    public static let atofUnmatchedEnd = "atof.unmatched_end"
    /// `atof.uuid`
    public static let atofUUID = "atof.uuid"
    /// `atof.version`
    public static let atofVersion = "atof.version"
    /// `error.type`
    public static let errorType = "error.type"
    /// `exception.message`
    public static let exceptionMessage = "exception.message"
    /// `exception.stacktrace`
    public static let exceptionStacktrace = "exception.stacktrace"
    /// `exception.type`
    public static let exceptionType = "exception.type"
    /// `gen_ai.agent.id`
    public static let genAIAgentID = "gen_ai.agent.id"
    /// `gen_ai.agent.name`
    public static let genAIAgentName = "gen_ai.agent.name"
    /// `gen_ai.conversation.id`
    public static let genAIConversationID = "gen_ai.conversation.id"
    /// `gen_ai.input.messages`
    public static let genAIInputMessages = "gen_ai.input.messages"
    /// `gen_ai.operation.name`
    public static let genAIOperationName = "gen_ai.operation.name"
    /// `gen_ai.output.messages`
    public static let genAIOutputMessages = "gen_ai.output.messages"
    /// `gen_ai.provider.name`
    public static let genAIProviderName = "gen_ai.provider.name"
    /// `gen_ai.request.max_tokens`
    public static let genAIRequestMaxTokens = "gen_ai.request.max_tokens"
    /// `gen_ai.request.model`
    public static let genAIRequestModel = "gen_ai.request.model"
    /// `gen_ai.request.temperature`
    public static let genAIRequestTemperature = "gen_ai.request.temperature"
    /// `gen_ai.request.top_p`
    public static let genAIRequestTopP = "gen_ai.request.top_p"
    /// `gen_ai.response.finish_reasons`
    public static let genAIResponseFinishReasons = "gen_ai.response.finish_reasons"
    /// `gen_ai.response.id`
    public static let genAIResponseID = "gen_ai.response.id"
    /// `gen_ai.response.model`
    public static let genAIResponseModel = "gen_ai.response.model"
    /// `gen_ai.response.time_to_first_chunk`
    public static let genAIResponseTimeToFirstChunk = "gen_ai.response.time_to_first_chunk"
    /// `gen_ai.tool.call.id`
    public static let genAIToolCallID = "gen_ai.tool.call.id"
    /// `gen_ai.tool.name`
    public static let genAIToolName = "gen_ai.tool.name"
    /// `gen_ai.usage.cache_creation.input_tokens`
    public static let genAIUsageCacheCreationInputTokens = "gen_ai.usage.cache_creation.input_tokens"
    /// `gen_ai.usage.cache_read.input_tokens`
    public static let genAIUsageCacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens"
    /// `gen_ai.usage.input_tokens`
    public static let genAIUsageInputTokens = "gen_ai.usage.input_tokens"
    /// `gen_ai.usage.output_tokens`
    public static let genAIUsageOutputTokens = "gen_ai.usage.output_tokens"
    /// `input.mime_type`
    public static let inputMimeType = "input.mime_type"
    /// `input.value`
    public static let inputValue = "input.value"
    /// `llm.input_messages`
    public static let llmInputMessages = "llm.input_messages"
    /// `llm.invocation_parameters`
    public static let llmInvocationParameters = "llm.invocation_parameters"
    /// `llm.model_name`
    public static let llmModelName = "llm.model_name"
    /// `llm.output_messages`
    public static let llmOutputMessages = "llm.output_messages"
    /// `llm.token_count.completion`
    public static let llmTokenCountCompletion = "llm.token_count.completion"
    /// `llm.token_count.prompt`
    public static let llmTokenCountPrompt = "llm.token_count.prompt"
    /// `llm.token_count.prompt_details.cache_read`
    public static let llmTokenCountPromptDetailsCacheRead = "llm.token_count.prompt_details.cache_read"
    /// `llm.token_count.prompt_details.cache_write`
    public static let llmTokenCountPromptDetailsCacheWrite = "llm.token_count.prompt_details.cache_write"
    /// `llm.token_count.total`
    public static let llmTokenCountTotal = "llm.token_count.total"
    /// `openinference.span.kind`
    public static let openInferenceSpanKind = "openinference.span.kind"
    /// `output.mime_type`
    public static let outputMimeType = "output.mime_type"
    /// `output.value`
    public static let outputValue = "output.value"
    /// `session.id`
    public static let sessionID = "session.id"
    /// `tool.name`
    public static let toolName = "tool.name"
    /// `tool.parameters`
    public static let toolParameters = "tool.parameters"
    /// `user.id`
    public static let userID = "user.id"
}
