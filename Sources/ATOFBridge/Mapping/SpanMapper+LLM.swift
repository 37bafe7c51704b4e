import ATOF

extension SpanMapper {
    /// LLM attributes of both families (§4.2, §4.3) and token counts (§4.4).
    func writeLLM(_ call: LLMCall, into builder: inout AttributeBuilder) {
        let usage = call.usage
        if options.openInferenceAttributes {
            builder.set(.llmModelName, string: call.modelName)
            if let parameters = call.invocationParameters {
                builder.set(.llmInvocationParameters, string: JSONValue.object(parameters).compactJSON)
            }
            if options.capturesInputs {
                ChatMessage.writeOpenInference(call.inputMessages, prefix: AttributeKey.llmInputMessages, into: &builder)
            }
            if options.capturesOutputs {
                ChatMessage.writeOpenInference(call.outputMessages, prefix: AttributeKey.llmOutputMessages, into: &builder)
            }
            builder.set(.llmTokenCountPrompt, int: usage.inputTotal)
            builder.set(.llmTokenCountCompletion, int: usage.completion)
            builder.set(.llmTokenCountTotal, int: usage.total)
            builder.set(.llmTokenCountPromptDetailsCacheRead, int: usage.cacheRead)
            builder.set(.llmTokenCountPromptDetailsCacheWrite, int: usage.cacheWrite)
        }
        if options.genAIAttributes {
            builder.set(.genAIProviderName, string: call.provider)
            builder.set(.genAIRequestModel, string: call.requestModel)
            builder.set(.genAIResponseModel, string: call.responseModel)
            builder.set(.genAIResponseID, string: call.responseID)
            if !call.finishReasons.isEmpty {
                builder.set(.genAIResponseFinishReasons, .stringArray(call.finishReasons))
            }
            builder.set(.genAIRequestTemperature, double: call.temperature)
            builder.set(.genAIRequestMaxTokens, int: call.maxTokens)
            builder.set(.genAIRequestTopP, double: call.topP)
            builder.set(.genAIUsageInputTokens, int: usage.inputTotal)
            builder.set(.genAIUsageOutputTokens, int: usage.completion)
            builder.set(.genAIUsageCacheReadInputTokens, int: usage.cacheRead)
            builder.set(.genAIUsageCacheCreationInputTokens, int: usage.cacheWrite)
            builder.set(.genAIResponseTimeToFirstChunk, double: call.timeToFirstChunk)
            if options.capturesInputs, !call.inputMessages.isEmpty {
                builder.set(.genAIInputMessages, string: ChatMessage.genAIJSON(call.inputMessages, output: false))
            }
            if options.capturesOutputs, !call.outputMessages.isEmpty {
                builder.set(.genAIOutputMessages, string: ChatMessage.genAIJSON(call.outputMessages, output: true))
            }
        }
    }
}
