import ATOF

extension AgentSDKAdapter {
    /// One inferred LLM call: from the turn's `start` (or a retry's backoff end) to the first
    /// post-stream event, with what the stream and the events after it say it produced.
    ///
    /// Its start is emitted when the first chunk needs it or when it ends (so a start can still be
    /// moved back to its first chunk); its end waits for the turn's usage on `turn_complete`.
    struct LLMAttempt: Sendable {
        /// One piece of text with the `message_id` it came with.
        struct Block: Sendable, Hashable {
            var messageID: String
            var text: String
        }

        var scope: ScopeRef
        var start: When
        var startInferred: [InferredField]
        var input: JSONValue?
        var extraMetadata = JSONObject()
        /// Whether the start event has been emitted.
        var started = false
        /// The first post-stream event's time; `nil` while the model is streaming.
        var streamEnd: When?
        /// The first chunk's time.
        var firstChunk: When?
        var textDeltas: [Block] = []
        var thinkingDeltas: [Block] = []
        var texts: [Block] = []
        var thinking: [Block] = []
        var refusal: String?
        var toolCalls: [JSONValue] = []

        var isStreaming: Bool { streamEnd == nil }
        /// Nothing was streamed or said: no chunk, text, thinking or tool call.
        var isEmpty: Bool { firstChunk == nil && texts.isEmpty && thinking.isEmpty && toolCalls.isEmpty && refusal == nil }

        /// The start time: the given one, moved back to the first chunk or the stream's end if those came earlier.
        var startWhen: When {
            [firstChunk, streamEnd].compactMap { $0 }.reduce(start) { $1.time < $0.time ? $1 : $0 }
        }

        /// The response in the chat shape of contract rule 7, when anything was produced.
        var output: JSONValue? {
            guard !isEmpty else { return nil }
            var message = JSONObject(["role": "assistant"])
            let content = texts.isEmpty ? textDeltas.map(\.text).joined() : texts.map(\.text).joined(separator: "\n")
            message["content"] = content.isEmpty ? .null : .string(content)
            let reasoning = thinking.isEmpty ? thinkingDeltas.map(\.text).joined() : thinking.map(\.text).joined(separator: "\n")
            if !reasoning.isEmpty { message["reasoning_content"] = .string(reasoning) }
            if let refusal { message["refusal"] = .string(refusal) }
            if !toolCalls.isEmpty { message["tool_calls"] = .array(toolCalls) }
            return ["choices": [.object(JSONObject(["message": .object(message)]))]]
        }

        /// Records the first post-stream event.
        mutating func endStream(at when: When) {
            if streamEnd == nil { streamEnd = when }
        }

        /// A tool call of the response, in the chat shape (`arguments` as JSON text).
        static func toolCall(id: String, name: String, input: JSONValue?) -> JSONValue {
            let arguments = (input ?? .object(JSONObject())).compactJSON
            return ["id": .string(id), "type": "function", "function": ["name": .string(name), "arguments": .string(arguments)]]
        }
    }
}
