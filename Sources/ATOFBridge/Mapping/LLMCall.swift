import ATOF

/// What the mapper knows about one LLM call, gathered from the start and end events and marks.
///
/// The sources, in the order they are searched ("annotation" = the 0.1 Relay
/// `annotated_request`/`annotated_response` in `category_profile`; "vendor" = fields of the
/// profile object itself, e.g. 0.2 `nvidia/llm.v1`, read from the end profile and then the start
/// profile, whatever the `$schema`; "raw" = the start and end payloads, with Relay's
/// `{headers, content: {...}}` request wrapper unwrapped):
/// - request model: start profile `model_name`, annotation request `model`, raw request `model`,
///   end profile `model_name` (for an end without a start);
/// - response model: annotation response `model`, raw response `model`, else the end profile's
///   `model_name` when it differs from the start's (0.1 lets the end name the model actually used
///   after routing; an unchanged name, e.g. on a failed call, is not evidence of an answer);
/// - response id: annotation `id`, vendor `completion_id`, raw response `id`;
/// - finish reasons: raw `choices[].finish_reason` / `stop_reason`, vendor `finish_reason`,
///   annotation `finish_reason` (`{"unknown": raw}` unwrapped);
/// - temperature / max tokens / top p: annotation `params`, vendor `request`, raw request
///   (max tokens: `max_tokens`, else `max_completion_tokens`, else `max_output_tokens`);
/// - invocation parameters: the annotation's `params` plus its top-level request options
///   (`tool_choice`, `parallel_tool_calls`, `max_output_tokens`, `max_tool_calls`, `top_logprobs`,
///   `stream`, `service_tier`, `store`, `reasoning`, `truncation`), else the vendor `request`
///   object, else the raw request without its content (`messages`, `system`, `tools`,
///   `functions`, `input`, `prompt`); written only when non-empty;
/// - input messages: annotation request `messages`, else the raw request;
/// - output messages: annotation response `message`/`tool_calls`, else the raw response;
/// - time to first chunk: profile `time_to_first_chunk` (seconds; end, then start), vendor
///   `ttft_ms` / 1000, else the first `llm.chunk` mark time minus the span start.
struct LLMCall: Sendable {
    var provider: String?
    var requestModel: String?
    var responseModel: String?
    var responseID: String?
    var finishReasons: [String] = []
    var temperature: Double?
    var maxTokens: Int64?
    var topP: Double?
    var invocationParameters: JSONObject?
    var inputMessages: [ChatMessage] = []
    var outputMessages: [ChatMessage] = []
    var usage: TokenUsage
    var timeToFirstChunk: Double?

    /// The model for `llm.model_name`: the one that answered when known, else the one asked for.
    var modelName: String? { responseModel ?? requestModel }

    static let annotationParameterKeys = [
        "tool_choice", "parallel_tool_calls", "max_output_tokens", "max_tool_calls", "top_logprobs", "stream",
        "service_tier", "store", "reasoning", "truncation",
    ]
    static let rawContentKeys: Set<String> = ["messages", "system", "tools", "functions", "input", "prompt"]

    init(scope: AssembledScope, spanName: String) {
        let startProfile = JSONRead.object(scope.start?.profile)
        let endProfile = JSONRead.object(scope.end?.profile)
        let requestAnnotation = JSONRead.object(startProfile?["annotated_request"]) ?? JSONRead.object(endProfile?["annotated_request"])
        let responseAnnotation = JSONRead.object(endProfile?["annotated_response"]) ?? JSONRead.object(startProfile?["annotated_response"])
        func vendor(_ key: String) -> JSONValue? {
            JSONRead.present(endProfile?[key]) ?? JSONRead.present(startProfile?[key])
        }
        let rawRequestPayload = Self.unwrapped(scope.start?.payload)
        let rawRequest = JSONRead.object(rawRequestPayload)
        let rawResponsePayload = Self.unwrapped(scope.end?.payload)
        let rawResponse = JSONRead.object(rawResponsePayload)
        let apiTag =
            JSONRead.nonEmptyString(requestAnnotation?["api_specific"]?["api"])
            ?? JSONRead.nonEmptyString(responseAnnotation?["api_specific"]?["api"])

        // Provider.
        provider =
            JSONRead.nonEmptyString(vendor("provider"))
            ?? apiTag.flatMap(ProviderName.fromAPITag)
            ?? ProviderName.fromSpanName(spanName)

        // Models and id.
        let startModelName = JSONRead.nonEmptyString(startProfile?["model_name"])
        requestModel =
            startModelName
            ?? JSONRead.nonEmptyString(requestAnnotation?["model"])
            ?? JSONRead.nonEmptyString(rawRequest?["model"])
            ?? JSONRead.nonEmptyString(endProfile?["model_name"])
        let routedModelName = JSONRead.nonEmptyString(endProfile?["model_name"]).flatMap { $0 == startModelName ? nil : $0 }
        responseModel =
            JSONRead.nonEmptyString(responseAnnotation?["model"])
            ?? JSONRead.nonEmptyString(rawResponse?["model"])
            ?? routedModelName
        responseID =
            JSONRead.identifier(responseAnnotation?["id"])
            ?? JSONRead.identifier(vendor("completion_id"))
            ?? JSONRead.identifier(rawResponse?["id"])

        // Finish reasons.
        finishReasons = Self.rawFinishReasons(rawResponse)
        if finishReasons.isEmpty { finishReasons = Self.reasons(vendor("finish_reason")) }
        if finishReasons.isEmpty { finishReasons = Self.reasons(responseAnnotation?["finish_reason"]) }

        // Request parameters.
        let parameterSources = [
            JSONRead.object(requestAnnotation?["params"]), JSONRead.object(vendor("request")), rawRequest,
        ].compactMap { $0 }
        temperature = parameterSources.lazy.compactMap { JSONRead.double($0["temperature"]) }.first
        topP = parameterSources.lazy.compactMap { JSONRead.double($0["top_p"]) }.first
        maxTokens =
            parameterSources.lazy.compactMap {
                JSONRead.count($0["max_tokens"]) ?? JSONRead.count($0["max_completion_tokens"]) ?? JSONRead.count($0["max_output_tokens"])
            }.first
        invocationParameters = Self.invocationParameters(
            annotation: requestAnnotation, vendorRequest: JSONRead.object(vendor("request")), rawRequest: rawRequest)

        // Messages.
        if let requestAnnotation, JSONRead.array(requestAnnotation["messages"]) != nil {
            inputMessages = ChatMessage.requestMessages(requestAnnotation)
        } else if let rawRequest {
            inputMessages = ChatMessage.requestMessages(rawRequest)
        }
        if let responseAnnotation {
            outputMessages = ChatMessage.annotatedResponseMessages(responseAnnotation)
        }
        if outputMessages.isEmpty, let rawResponsePayload {
            outputMessages = ChatMessage.responseMessages(rawResponsePayload)
        }
        if outputMessages.count == 1, outputMessages[0].finishReason == nil {
            outputMessages[0].finishReason = finishReasons.first
        }

        // Token usage.
        var usageSources: [TokenUsage.Source] = []
        if let usage = JSONRead.object(responseAnnotation?["usage"]) {
            usageSources.append(TokenUsage.Source(usage: usage, isRawPayload: false))
        }
        for profile in [endProfile, startProfile] {
            if let usage = JSONRead.object(profile?["usage"]) {
                usageSources.append(TokenUsage.Source(usage: usage, isRawPayload: false))
            }
        }
        if let usage = JSONRead.object(rawResponse?["usage"]) ?? JSONRead.object(rawResponse?["token_usage"]) {
            usageSources.append(TokenUsage.Source(usage: usage, isRawPayload: true))
        }
        usage = TokenUsage(sources: usageSources, anthropicTagged: apiTag == "anthropic_messages")

        // Time to first chunk.
        if let seconds = JSONRead.double(endProfile?["time_to_first_chunk"]) ?? JSONRead.double(startProfile?["time_to_first_chunk"]) {
            timeToFirstChunk = seconds
        } else if let milliseconds = JSONRead.double(vendor("ttft_ms")) {
            timeToFirstChunk = milliseconds / 1000
        } else if let firstChunk = scope.marks.lazy.filter({ $0.name == "llm.chunk" }).map(\.timestamp.nanosecondsSinceEpoch)
            .reduce(scope.droppedMarks.earliestChunkTime, { earliest, time in min(earliest ?? time, time) })
        {
            let (elapsed, overflow) = firstChunk.subtractingReportingOverflow(scope.startTime)
            timeToFirstChunk = overflow ? nil : Double(max(0, elapsed)) / 1_000_000_000
        }
    }

    /// The provider body inside Relay's request wrapper `{headers, content: {...}}`, or the payload.
    static func unwrapped(_ payload: JSONValue?) -> JSONValue? {
        guard let payload = JSONRead.present(payload) else { return nil }
        guard let object = payload.objectValue, let content = object["content"], let body = content.objectValue else {
            return payload
        }
        if object["headers"] != nil || body["messages"] != nil || body["model"] != nil {
            return content
        }
        return payload
    }

    /// OpenAI `choices[].finish_reason` or Anthropic `stop_reason` from a raw response.
    static func rawFinishReasons(_ response: JSONObject?) -> [String] {
        guard let response else { return [] }
        if let choices = JSONRead.array(response["choices"]) {
            let reasons = choices.compactMap { JSONRead.nonEmptyString($0["finish_reason"]) }
            if !reasons.isEmpty { return reasons }
        }
        if let stop = JSONRead.nonEmptyString(response["stop_reason"]) { return [stop] }
        return []
    }

    /// Finish reasons from a string, a list of strings, or Relay's `{"unknown": "<raw>"}`.
    static func reasons(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?:
            return text.isEmpty ? [] : [text]
        case .array(let items)?:
            return items.compactMap { JSONRead.nonEmptyString($0) }
        case .object(let object)?:
            if let raw = JSONRead.nonEmptyString(object["unknown"]) { return [raw] }
            return object.members.count == 1 ? object.members.compactMap { JSONRead.nonEmptyString($0.value) } : []
        default:
            return []
        }
    }

    static func invocationParameters(annotation: JSONObject?, vendorRequest: JSONObject?, rawRequest: JSONObject?) -> JSONObject? {
        if let annotation {
            var parameters = JSONObject()
            for member in JSONRead.object(annotation["params"]) ?? JSONObject() where !member.value.isNull {
                parameters[member.key] = member.value
            }
            for key in annotationParameterKeys {
                if let value = JSONRead.present(annotation[key]) { parameters[key] = value }
            }
            if !parameters.isEmpty { return parameters }
        }
        if let vendorRequest {
            var parameters = JSONObject()
            for member in vendorRequest where !member.value.isNull { parameters[member.key] = member.value }
            if !parameters.isEmpty { return parameters }
        }
        if let rawRequest {
            var parameters = JSONObject()
            for member in rawRequest where !rawContentKeys.contains(member.key) && !member.value.isNull {
                parameters[member.key] = member.value
            }
            if !parameters.isEmpty { return parameters }
        }
        return nil
    }
}
