import ATOF

extension SpanMapper {
    /// LLM attributes of both families (§4.2, §4.3) and token counts (§4.4).
    func writeLLM(_ call: LLMCall, into builder: inout AttributeBuilder) {
        let usage = call.usage
        if options.openInferenceAttributes {
            builder.set("llm.model_name", string: call.modelName)
            if let parameters = call.invocationParameters {
                builder.set("llm.invocation_parameters", string: JSONValue.object(parameters).compactJSON)
            }
            if options.capturesInputs {
                ChatMessage.writeOpenInference(call.inputMessages, prefix: "llm.input_messages", into: &builder)
            }
            if options.capturesOutputs {
                ChatMessage.writeOpenInference(call.outputMessages, prefix: "llm.output_messages", into: &builder)
            }
            builder.set("llm.token_count.prompt", int: usage.inputTotal)
            builder.set("llm.token_count.completion", int: usage.completion)
            builder.set("llm.token_count.total", int: usage.total)
            builder.set("llm.token_count.prompt_details.cache_read", int: usage.cacheRead)
            builder.set("llm.token_count.prompt_details.cache_write", int: usage.cacheWrite)
        }
        if options.genAIAttributes {
            builder.set("gen_ai.provider.name", string: call.provider)
            builder.set("gen_ai.request.model", string: call.requestModel)
            builder.set("gen_ai.response.model", string: call.responseModel)
            builder.set("gen_ai.response.id", string: call.responseID)
            if !call.finishReasons.isEmpty {
                builder.set("gen_ai.response.finish_reasons", .stringArray(call.finishReasons))
            }
            builder.set("gen_ai.request.temperature", double: call.temperature)
            builder.set("gen_ai.request.max_tokens", int: call.maxTokens)
            builder.set("gen_ai.request.top_p", double: call.topP)
            builder.set("gen_ai.usage.input_tokens", int: usage.inputTotal)
            builder.set("gen_ai.usage.output_tokens", int: usage.completion)
            builder.set("gen_ai.usage.cache_read.input_tokens", int: usage.cacheRead)
            builder.set("gen_ai.usage.cache_creation.input_tokens", int: usage.cacheWrite)
            builder.set("gen_ai.response.time_to_first_chunk", double: call.timeToFirstChunk)
            if options.capturesInputs, !call.inputMessages.isEmpty {
                builder.set("gen_ai.input.messages", string: ChatMessage.genAIJSON(call.inputMessages, output: false))
            }
            if options.capturesOutputs, !call.outputMessages.isEmpty {
                builder.set("gen_ai.output.messages", string: ChatMessage.genAIJSON(call.outputMessages, output: true))
            }
        }
    }
}
