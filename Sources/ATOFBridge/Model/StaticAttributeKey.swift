import ATOF

/// An attribute key of the mapper's fixed vocabulary, with its NUL-terminated UTF-8 made once for
/// the life of the process, so that the protobuf encoder hands protobuf-c that C string instead of
/// copying the key into each request (issue 12 item 4).
///
/// Only the keys declared as `static let` below (and the cached message keys of ``MessageKeys``)
/// are made: the C strings are never freed, so a key must not be made per span. Keys built at run
/// time (`atof.metadata.<key>`, messages past the cache) stay plain strings.
struct StaticAttributeKey: Sendable {
    /// The key.
    let name: String
    /// The key's UTF-8 bytes followed by a zero byte, valid for the life of the process.
    let cString: OTLP.StaticCString
    /// The key's length in UTF-8 bytes.
    let length: Int
    /// The key's bit in ``AttributeBuilder``'s filter, computed once.
    let filterBit: Int

    /// Makes the C string of `name`, which must not contain U+0000.
    init(_ name: String) {
        var name = name
        let utf8Count = name.utf8.count
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: utf8Count + 1)
        name.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress { storage.initialize(from: base, count: chars.count) }
            }
        }
        storage[utf8Count] = 0
        precondition(strlenOfStatic(storage) == utf8Count, "attribute key \(name) contains U+0000")
        self.name = name
        cString = OTLP.StaticCString(pointer: UnsafePointer(storage))
        length = utf8Count
        filterBit = AttributeBuilder.filterBit(length: utf8Count, lastByte: name.utf8.last ?? 0)
    }
}

/// The length of the NUL-terminated `string`.
private func strlenOfStatic(_ string: UnsafePointer<CChar>) -> Int {
    var length = 0
    while string[length] != 0 { length += 1 }
    return length
}

extension OTLP {
    /// A NUL-terminated C string that lives as long as the process (a ``StaticAttributeKey``'s).
    struct StaticCString: @unchecked Sendable {
        // Never freed and never written after it is made, so sharing it across threads is safe.
        let pointer: UnsafePointer<CChar>
    }
}

extension StaticAttributeKey {
    /// `atof.category`
    static let atofCategory = StaticAttributeKey(AttributeKey.atofCategory)
    /// `atof.chunk_count`
    static let atofChunkCount = StaticAttributeKey(AttributeKey.atofChunkCount)
    /// `atof.clock_skew`
    static let atofClockSkew = StaticAttributeKey(AttributeKey.atofClockSkew)
    /// `atof.data`
    static let atofData = StaticAttributeKey(AttributeKey.atofData)
    /// `atof.data_schema.name`
    static let atofDataSchemaName = StaticAttributeKey(AttributeKey.atofDataSchemaName)
    /// `atof.data_schema.version`
    static let atofDataSchemaVersion = StaticAttributeKey(AttributeKey.atofDataSchemaVersion)
    /// `atof.duplicate_start`
    static let atofDuplicateStart = StaticAttributeKey(AttributeKey.atofDuplicateStart)
    /// `atof.flags`
    static let atofFlags = StaticAttributeKey(AttributeKey.atofFlags)
    /// `atof.inferred`
    static let atofInferred = StaticAttributeKey(AttributeKey.atofInferred)
    /// `atof.mark.orphan`
    static let atofMarkOrphan = StaticAttributeKey(AttributeKey.atofMarkOrphan)
    /// `atof.metadata`
    static let atofMetadata = StaticAttributeKey(AttributeKey.atofMetadata)
    /// `atof.parent_uuid`
    static let atofParentUUID = StaticAttributeKey(AttributeKey.atofParentUUID)
    /// `atof.source.format`
    static let atofSourceFormat = StaticAttributeKey(AttributeKey.atofSourceFormat)
    /// `atof.status`
    static let atofStatus = StaticAttributeKey(AttributeKey.atofStatus)
    /// `atof.subtype`
    static let atofSubtype = StaticAttributeKey(AttributeKey.atofSubtype)
    /// `atof.truncated_attributes`
    static let atofTruncatedAttributes = StaticAttributeKey(AttributeKey.atofTruncatedAttributes)
    /// `atof.unended`
    static let atofUnended = StaticAttributeKey(AttributeKey.atofUnended)
    /// `atof.unmatched_end`
    static let atofUnmatchedEnd = StaticAttributeKey(AttributeKey.atofUnmatchedEnd)
    /// `atof.uuid`
    static let atofUUID = StaticAttributeKey(AttributeKey.atofUUID)
    /// `atof.version`
    static let atofVersion = StaticAttributeKey(AttributeKey.atofVersion)
    /// `error.type`
    static let errorType = StaticAttributeKey(AttributeKey.errorType)
    /// `exception.message`
    static let exceptionMessage = StaticAttributeKey(AttributeKey.exceptionMessage)
    /// `exception.stacktrace`
    static let exceptionStacktrace = StaticAttributeKey(AttributeKey.exceptionStacktrace)
    /// `exception.type`
    static let exceptionType = StaticAttributeKey(AttributeKey.exceptionType)
    /// `gen_ai.agent.id`
    static let genAIAgentID = StaticAttributeKey(AttributeKey.genAIAgentID)
    /// `gen_ai.agent.name`
    static let genAIAgentName = StaticAttributeKey(AttributeKey.genAIAgentName)
    /// `gen_ai.conversation.id`
    static let genAIConversationID = StaticAttributeKey(AttributeKey.genAIConversationID)
    /// `gen_ai.input.messages`
    static let genAIInputMessages = StaticAttributeKey(AttributeKey.genAIInputMessages)
    /// `gen_ai.operation.name`
    static let genAIOperationName = StaticAttributeKey(AttributeKey.genAIOperationName)
    /// `gen_ai.output.messages`
    static let genAIOutputMessages = StaticAttributeKey(AttributeKey.genAIOutputMessages)
    /// `gen_ai.provider.name`
    static let genAIProviderName = StaticAttributeKey(AttributeKey.genAIProviderName)
    /// `gen_ai.request.max_tokens`
    static let genAIRequestMaxTokens = StaticAttributeKey(AttributeKey.genAIRequestMaxTokens)
    /// `gen_ai.request.model`
    static let genAIRequestModel = StaticAttributeKey(AttributeKey.genAIRequestModel)
    /// `gen_ai.request.temperature`
    static let genAIRequestTemperature = StaticAttributeKey(AttributeKey.genAIRequestTemperature)
    /// `gen_ai.request.top_p`
    static let genAIRequestTopP = StaticAttributeKey(AttributeKey.genAIRequestTopP)
    /// `gen_ai.response.finish_reasons`
    static let genAIResponseFinishReasons = StaticAttributeKey(AttributeKey.genAIResponseFinishReasons)
    /// `gen_ai.response.id`
    static let genAIResponseID = StaticAttributeKey(AttributeKey.genAIResponseID)
    /// `gen_ai.response.model`
    static let genAIResponseModel = StaticAttributeKey(AttributeKey.genAIResponseModel)
    /// `gen_ai.response.time_to_first_chunk`
    static let genAIResponseTimeToFirstChunk = StaticAttributeKey(AttributeKey.genAIResponseTimeToFirstChunk)
    /// `gen_ai.tool.call.id`
    static let genAIToolCallID = StaticAttributeKey(AttributeKey.genAIToolCallID)
    /// `gen_ai.tool.name`
    static let genAIToolName = StaticAttributeKey(AttributeKey.genAIToolName)
    /// `gen_ai.usage.cache_creation.input_tokens`
    static let genAIUsageCacheCreationInputTokens = StaticAttributeKey(AttributeKey.genAIUsageCacheCreationInputTokens)
    /// `gen_ai.usage.cache_read.input_tokens`
    static let genAIUsageCacheReadInputTokens = StaticAttributeKey(AttributeKey.genAIUsageCacheReadInputTokens)
    /// `gen_ai.usage.input_tokens`
    static let genAIUsageInputTokens = StaticAttributeKey(AttributeKey.genAIUsageInputTokens)
    /// `gen_ai.usage.output_tokens`
    static let genAIUsageOutputTokens = StaticAttributeKey(AttributeKey.genAIUsageOutputTokens)
    /// `input.mime_type`
    static let inputMimeType = StaticAttributeKey(AttributeKey.inputMimeType)
    /// `input.value`
    static let inputValue = StaticAttributeKey(AttributeKey.inputValue)
    /// `llm.input_messages`
    static let llmInputMessages = StaticAttributeKey(AttributeKey.llmInputMessages)
    /// `llm.invocation_parameters`
    static let llmInvocationParameters = StaticAttributeKey(AttributeKey.llmInvocationParameters)
    /// `llm.model_name`
    static let llmModelName = StaticAttributeKey(AttributeKey.llmModelName)
    /// `llm.output_messages`
    static let llmOutputMessages = StaticAttributeKey(AttributeKey.llmOutputMessages)
    /// `llm.token_count.completion`
    static let llmTokenCountCompletion = StaticAttributeKey(AttributeKey.llmTokenCountCompletion)
    /// `llm.token_count.prompt`
    static let llmTokenCountPrompt = StaticAttributeKey(AttributeKey.llmTokenCountPrompt)
    /// `llm.token_count.prompt_details.cache_read`
    static let llmTokenCountPromptDetailsCacheRead = StaticAttributeKey(AttributeKey.llmTokenCountPromptDetailsCacheRead)
    /// `llm.token_count.prompt_details.cache_write`
    static let llmTokenCountPromptDetailsCacheWrite = StaticAttributeKey(AttributeKey.llmTokenCountPromptDetailsCacheWrite)
    /// `llm.token_count.total`
    static let llmTokenCountTotal = StaticAttributeKey(AttributeKey.llmTokenCountTotal)
    /// `openinference.span.kind`
    static let openInferenceSpanKind = StaticAttributeKey(AttributeKey.openInferenceSpanKind)
    /// `output.mime_type`
    static let outputMimeType = StaticAttributeKey(AttributeKey.outputMimeType)
    /// `output.value`
    static let outputValue = StaticAttributeKey(AttributeKey.outputValue)
    /// `session.id`
    static let sessionID = StaticAttributeKey(AttributeKey.sessionID)
    /// `tool.name`
    static let toolName = StaticAttributeKey(AttributeKey.toolName)
    /// `tool.parameters`
    static let toolParameters = StaticAttributeKey(AttributeKey.toolParameters)
    /// `user.id`
    static let userID = StaticAttributeKey(AttributeKey.userID)
    /// `metadata` (OpenInference)
    static let metadata = StaticAttributeKey("metadata")
    /// `tool_call.id` (OpenInference)
    static let toolCallID = StaticAttributeKey("tool_call.id")
}
