import ATOF

extension SpanMapper {
    /// LLM attributes of both families (§4.2, §4.3) and token counts (§4.4).
    func writeLLM(_ call: LLMCall, into builder: inout AttributeBuilder) {
        let usage = call.usage
        if options.openInferenceAttributes {
            builder.set(AttributeKey.llmModelName, string: call.modelName)
            if let parameters = call.invocationParameters {
                builder.set(AttributeKey.llmInvocationParameters, string: JSONValue.object(parameters).compactJSON)
            }
            if options.capturesInputs {
                ChatMessage.writeOpenInference(call.inputMessages, prefix: AttributeKey.llmInputMessages, into: &builder)
            }
            if options.capturesOutputs {
                ChatMessage.writeOpenInference(call.outputMessages, prefix: AttributeKey.llmOutputMessages, into: &builder)
            }
            builder.set(AttributeKey.llmTokenCountPrompt, int: usage.inputTotal)
            builder.set(AttributeKey.llmTokenCountCompletion, int: usage.completion)
            builder.set(AttributeKey.llmTokenCountTotal, int: usage.total)
            builder.set(AttributeKey.llmTokenCountPromptDetailsCacheRead, int: usage.cacheRead)
            builder.set(AttributeKey.llmTokenCountPromptDetailsCacheWrite, int: usage.cacheWrite)
        }
        if options.genAIAttributes {
            builder.set(AttributeKey.genAIProviderName, string: call.provider)
            builder.set(AttributeKey.genAIRequestModel, string: call.requestModel)
            builder.set(AttributeKey.genAIResponseModel, string: call.responseModel)
            builder.set(AttributeKey.genAIResponseID, string: call.responseID)
            if !call.finishReasons.isEmpty {
                builder.set(AttributeKey.genAIResponseFinishReasons, .stringArray(call.finishReasons))
            }
            builder.set(AttributeKey.genAIRequestTemperature, double: call.temperature)
            builder.set(AttributeKey.genAIRequestMaxTokens, int: call.maxTokens)
            builder.set(AttributeKey.genAIRequestTopP, double: call.topP)
            builder.set(AttributeKey.genAIUsageInputTokens, int: usage.inputTotal)
            builder.set(AttributeKey.genAIUsageOutputTokens, int: usage.completion)
            builder.set(AttributeKey.genAIUsageCacheReadInputTokens, int: usage.cacheRead)
            builder.set(AttributeKey.genAIUsageCacheCreationInputTokens, int: usage.cacheWrite)
            builder.set(AttributeKey.genAIResponseTimeToFirstChunk, double: call.timeToFirstChunk)
            if options.capturesInputs, !call.inputMessages.isEmpty {
                builder.set(AttributeKey.genAIInputMessages, string: ChatMessage.genAIJSON(call.inputMessages, output: false))
            }
            if options.capturesOutputs, !call.outputMessages.isEmpty {
                builder.set(AttributeKey.genAIOutputMessages, string: ChatMessage.genAIJSON(call.outputMessages, output: true))
            }
        }
    }
}
