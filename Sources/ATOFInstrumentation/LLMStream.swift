import ATOF
import Synchronization

/// Runs `body` as a streaming LLM call (category `llm`, flag `streaming`): `body` receives an
/// ``LLMStream`` and reports each chunk to it as the tokens arrive.
///
/// Chunks become `llm.chunk` marks on the call's span (data `{"chunk_index": i, "text": ...}`),
/// the first `maximumChunkMarks` of them; the rest are only counted. The end event's
/// `category_profile` adds `time_to_first_chunk` (seconds from the start to the first chunk),
/// `chunk_count` (every chunk, marked or not: the bridge counts the unmarked ones in
/// `atof.chunk_count` and `dropped_events_count`), and what the stream reported with
/// ``LLMStream/record(usage:)``, ``LLMStream/record(finishReason:)`` and
/// ``LLMStream/record(responseModel:)`` (`usage`, `finish_reason`, `model_name`), which the
/// bridge maps to the token counts, finish reasons and response model. The body's result is
/// recorded as the end `data` like any payload (see ``ATOFPayloadConvertible``): return the
/// assembled text or the final response.
///
/// ```swift
/// let text = try await withLLMStream(model: "gpt-4o", provider: "openai", request: request) { stream in
///     var text = ""
///     for try await chunk in client.streamChat(request) {
///         stream.chunk(chunk.delta)
///         text += chunk.delta
///         if let usage = chunk.usage { stream.record(usage: usage) }   // any Encodable
///     }
///     return text
/// }
/// ```
///
/// - Parameters:
///   - model: the model asked for (`gen_ai.request.model`).
///   - provider: e.g. `openai` (`gen_ai.provider.name`).
///   - name: the span name; default `<provider>.chat`, or `chat <model>`.
///   - request: the provider request body.
///   - flags: more flags (`streaming` is always set).
///   - metadata: a JSON object recorded on the start and end events.
///   - maximumChunkMarks: the most `llm.chunk` marks written; default 128, the bridge's default
///     event cap (`OTEL_SPAN_EVENT_COUNT_LIMIT`). Negative values act as 0.
///   - isolation: the caller's actor, inherited (leave the default).
///   - body: the call; reports chunks to the stream and returns the result.
/// - Returns: what `body` returns.
public func withLLMStream<Response>(
    model: String,
    provider: String? = nil,
    name: String? = nil,
    request: JSONValue? = nil,
    flags: Set<ScopeFlag> = [],
    metadata: JSONValue? = nil,
    maximumChunkMarks: Int = 128,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (LLMStream) async throws -> Response
) async rethrows -> Response {
    let started = LLMCallShape.begin(
        model: model, provider: provider, name: name, request: request, flags: flags.union([.streaming]), metadata: metadata)
    let stream = LLMStream(started: started, maximumChunkMarks: max(0, maximumChunkMarks))
    return try await runScope(started, metadata: metadata, record: PayloadRecording.payload, endProfile: stream.endProfile) {
        try await body(stream)
    }
}

/// The chunks and final facts of one streaming LLM call (``withLLMStream(model:provider:name:request:flags:metadata:maximumChunkMarks:isolation:_:)``).
///
/// Safe to call from any task or thread while the call runs; calls after it ended are ignored
/// by the span (its end is already written). With no subscriber installed every call returns at once.
public final class LLMStream: Sendable {
    struct State {
        var chunks = 0
        var firstChunkTime: Int64?
        var usage: JSONValue?
        var finishReasons: [String] = []
        var responseModel: String?
    }

    let started: StartedScope?
    let maximumChunkMarks: Int
    let state = Mutex(State())

    init(started: StartedScope?, maximumChunkMarks: Int) {
        self.started = started
        self.maximumChunkMarks = maximumChunkMarks
    }

    /// Records one chunk of the stream: an `llm.chunk` mark with its index and `text` (when
    /// given), or, past `maximumChunkMarks`, only a count. The first chunk sets the time to
    /// first chunk.
    public func chunk(_ text: String? = nil) {
        guard let started else { return }
        let now = Timestamp.wallClockNanoseconds()
        let index = state.withLock { state in
            if state.firstChunkTime == nil { state.firstChunkTime = now }
            state.chunks += 1
            return state.chunks - 1
        }
        guard index < maximumChunkMarks else { return }
        var data = JSONObject([.init(key: "chunk_index", value: .number(JSONNumber(Int64(index))))])
        if let text { data["text"] = .string(text) }
        ScopeRecorder.mark(
            in: started.sinks, parentUUID: started.scope.uuid, name: "llm.chunk", data: .object(data), metadata: nil, time: now)
    }

    /// Records the token usage the stream reported (often in its last chunk): a `Codable` usage
    /// struct of your client, a `JSONValue`, or JSON text, with OpenAI or Anthropic keys
    /// (`prompt_tokens`/`input_tokens`, `completion_tokens`/`output_tokens`, `total_tokens`, ...).
    /// A later report replaces an earlier one.
    public func record<Usage>(usage: Usage) {
        guard started != nil, let value = PayloadRecording.payload(of: usage) else { return }
        state.withLock { $0.usage = value }
    }

    /// Records a finish reason (`stop`, `length`, `tool_calls`, ...); one per choice, in order.
    public func record(finishReason: String) {
        guard started != nil else { return }
        state.withLock { $0.finishReasons.append(finishReason) }
    }

    /// Records the model that answered, when the stream names it.
    public func record(responseModel: String) {
        guard started != nil else { return }
        state.withLock { $0.responseModel = responseModel }
    }

    /// The end's `category_profile`: the start's with what the stream reported, or `nil` when it
    /// reported nothing.
    func endProfile() -> JSONValue? {
        guard let started else { return nil }
        let state = state.withLock { $0 }
        guard state.chunks > 0 || state.usage != nil || !state.finishReasons.isEmpty || state.responseModel != nil else { return nil }
        var profile = started.start.profile?.objectValue ?? JSONObject()
        if let responseModel = state.responseModel { profile["model_name"] = .string(responseModel) }
        if let first = state.firstChunkTime {
            let elapsed = max(0, first - started.start.timestamp.nanosecondsSinceEpoch)
            profile["time_to_first_chunk"] = .number(JSONNumber(Double(elapsed) / 1_000_000_000))
        }
        if state.chunks > 0 { profile["chunk_count"] = .number(JSONNumber(Int64(state.chunks))) }
        if let usage = state.usage { profile["usage"] = usage }
        if !state.finishReasons.isEmpty { profile["finish_reason"] = .array(state.finishReasons.map(JSONValue.string)) }
        return .object(profile)
    }
}
