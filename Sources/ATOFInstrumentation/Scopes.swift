import ATOF
import Instrumentation

// The scope functions. Each emits an ATOF 0.1 scope start, runs `body` with the new scope as the
// current one (a task-local: child tasks, `async let` and task groups inherit it; see
// `ScopeContext`), and emits the end:
// - returned normally: `otel.status_code: OK` in the end metadata;
// - threw: `ERROR` with `otel.status_description` and `error.type`, then the error is rethrown;
//   cancellation is written as `cancelled` (see `ScopeOutcome.failure`).
// With nothing bootstrapped the body just runs.

// MARK: - Agent

/// Runs `body` as an agent scope (category `agent`) named `name`, e.g. one turn of an agent.
///
/// - Parameters:
///   - name: the agent's name (the span name and `gen_ai.agent.name`).
///   - input: recorded as the start event's `data` (the span's `input.value`).
///   - metadata: a JSON object recorded on the start and end events; its keys become
///     `atof.metadata.<key>` span attributes (`session_id` / `user_id` also set the session and user).
///   - isolation: the caller's actor, inherited (leave the default).
///   - body: the work. Its result is recorded as the end `data` when it is
///     ``ATOFPayloadConvertible`` or `Encodable`.
/// - Returns: what `body` returns.
public func withAgentScope<T>(
    _ name: String,
    input: JSONValue? = nil,
    metadata: JSONValue? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> T
) async rethrows -> T {
    let started = ScopeRecorder.begin(name: name, category: "agent", flags: [], profile: nil, data: input, metadata: metadata)
    return try await runScope(started, metadata: metadata, record: PayloadRecording.payload, body)
}

/// Runs the synchronous `body` as an agent scope; see the async form.
public func withAgentScope<T>(
    _ name: String,
    input: JSONValue? = nil,
    metadata: JSONValue? = nil,
    _ body: () throws -> T
) rethrows -> T {
    let started = ScopeRecorder.begin(name: name, category: "agent", flags: [], profile: nil, data: input, metadata: metadata)
    return try runScope(started, metadata: metadata, record: PayloadRecording.payload, body)
}

// MARK: - Any category

/// Runs `body` as a scope of any category, e.g. `.function`, `.retriever`, or your own string.
///
/// - Parameters:
///   - name: the span name.
///   - category: what kind of work it is (span-mapping.md §3 maps it to the span kind).
///   - flags: behavioural flags (`.remote` makes the span CLIENT).
///   - input: recorded as the start event's `data`.
///   - metadata: a JSON object recorded on the start and end events.
///   - profile: the ATOF `category_profile` object (e.g. `["subtype": "acme.rerank"]` for `.custom`).
///   - isolation: the caller's actor, inherited (leave the default).
///   - body: the work. Its result is recorded as the end `data` when it is
///     ``ATOFPayloadConvertible`` or `Encodable`.
/// - Returns: what `body` returns.
public func withScope<T>(
    name: String,
    category: ScopeCategory,
    flags: Set<ScopeFlag> = [],
    input: JSONValue? = nil,
    metadata: JSONValue? = nil,
    profile: JSONValue? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> T
) async rethrows -> T {
    let started = ScopeRecorder.begin(
        name: name, category: category.rawValue, flags: ScopeFlag.wireList(flags), profile: profile, data: input, metadata: metadata)
    return try await runScope(started, metadata: metadata, record: PayloadRecording.payload, body)
}

/// Runs the synchronous `body` as a scope of any category; see the async form.
public func withScope<T>(
    name: String,
    category: ScopeCategory,
    flags: Set<ScopeFlag> = [],
    input: JSONValue? = nil,
    metadata: JSONValue? = nil,
    profile: JSONValue? = nil,
    _ body: () throws -> T
) rethrows -> T {
    let started = ScopeRecorder.begin(
        name: name, category: category.rawValue, flags: ScopeFlag.wireList(flags), profile: profile, data: input, metadata: metadata)
    return try runScope(started, metadata: metadata, record: PayloadRecording.payload, body)
}

// MARK: - LLM call

/// Runs `body` as an LLM call (category `llm`) and records its response.
///
/// The start event is shaped like NeMo Relay's: `category_profile` `{"model_name": model,
/// "provider": provider}` and `data` = the request wrapped as `{"content": request, "headers": {}}`
/// (a non-object request is recorded as is). The end event's `data` is the response's
/// ``ATOFPayloadConvertible/atofPayload``: record the provider's response JSON there (OpenAI
/// `{"model", "id", "choices": [...], "usage": {"prompt_tokens", "completion_tokens", ...}}`,
/// Anthropic `{"content", "stop_reason", "usage": {"input_tokens", ...}}`), and the bridge reads
/// the answering model, response id, finish reasons, output messages and token counts from it.
/// `JSONValue` conforms, so a body may return the raw response directly; JSON text as `Data` or
/// `.jsonText(body)` is parsed; an overload takes any `Encodable` response (your client's struct).
///
/// - Parameters:
///   - model: the model asked for (`gen_ai.request.model`).
///   - provider: e.g. `openai`, `anthropic` (`gen_ai.provider.name`).
///   - name: the span name; default `<provider>.chat` (Relay's route names), or `chat <model>`.
///   - request: the provider request body (`model`, `messages`, `temperature`, ...): input
///     messages and request parameters are read from it.
///   - flags: e.g. `.streaming`.
///   - metadata: a JSON object recorded on the start and end events.
///   - isolation: the caller's actor, inherited (leave the default).
///   - body: the call; returns the response.
/// - Returns: the response.
public func withLLMCall<Response: ATOFPayloadConvertible>(
    model: String,
    provider: String? = nil,
    name: String? = nil,
    request: JSONValue? = nil,
    flags: Set<ScopeFlag> = [],
    metadata: JSONValue? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> Response
) async rethrows -> Response {
    let started = LLMCallShape.begin(model: model, provider: provider, name: name, request: request, flags: flags, metadata: metadata)
    return try await runScope(started, metadata: metadata, record: { $0.atofPayload }, body)
}

/// Runs the synchronous `body` as an LLM call; see the async form.
public func withLLMCall<Response: ATOFPayloadConvertible>(
    model: String,
    provider: String? = nil,
    name: String? = nil,
    request: JSONValue? = nil,
    flags: Set<ScopeFlag> = [],
    metadata: JSONValue? = nil,
    _ body: () throws -> Response
) rethrows -> Response {
    let started = LLMCallShape.begin(model: model, provider: provider, name: name, request: request, flags: flags, metadata: metadata)
    return try runScope(started, metadata: metadata, record: { $0.atofPayload }, body)
}

/// Runs `body` as an LLM call that returns any response: an `Encodable` one (your client's
/// `Codable` struct) is recorded as its JSON encoding, an ``ATOFPayloadConvertible`` one as its
/// payload, anything else is not recorded. See the ``ATOFPayloadConvertible`` form for the rest.
public func withLLMCall<Response>(
    model: String,
    provider: String? = nil,
    name: String? = nil,
    request: JSONValue? = nil,
    flags: Set<ScopeFlag> = [],
    metadata: JSONValue? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> Response
) async rethrows -> Response {
    let started = LLMCallShape.begin(model: model, provider: provider, name: name, request: request, flags: flags, metadata: metadata)
    return try await runScope(started, metadata: metadata, record: PayloadRecording.payload, body)
}

/// Runs the synchronous `body` as an LLM call that returns any response; see the async form.
public func withLLMCall<Response>(
    model: String,
    provider: String? = nil,
    name: String? = nil,
    request: JSONValue? = nil,
    flags: Set<ScopeFlag> = [],
    metadata: JSONValue? = nil,
    _ body: () throws -> Response
) rethrows -> Response {
    let started = LLMCallShape.begin(model: model, provider: provider, name: name, request: request, flags: flags, metadata: metadata)
    return try runScope(started, metadata: metadata, record: PayloadRecording.payload, body)
}

// MARK: - Tool call

/// Runs `body` as a tool call (category `tool`) and records its result.
///
/// The start event carries `category_profile` `{"tool_call_id": callID}` (`{}` without an id, as
/// Relay writes) and `data` = the arguments; the end event's `data` is the result's
/// ``ATOFPayloadConvertible/atofPayload`` (`JSONValue`, `JSONObject`, `String`, `Data` and ``JSONText`` conform; an overload takes any `Encodable` result).
///
/// - Parameters:
///   - name: the tool's name (span name, `tool.name`, `gen_ai.tool.name`).
///   - callID: the provider's tool-call id (`call_…`) linking it to the LLM response that asked.
///   - arguments: the arguments (`tool.parameters`).
///   - flags: e.g. `.remote` for a tool that runs out of process.
///   - metadata: a JSON object recorded on the start and end events.
///   - isolation: the caller's actor, inherited (leave the default).
///   - body: the tool; returns its result.
/// - Returns: the result.
public func withToolCall<Result: ATOFPayloadConvertible>(
    name: String,
    callID: String? = nil,
    arguments: JSONValue? = nil,
    flags: Set<ScopeFlag> = [],
    metadata: JSONValue? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> Result
) async rethrows -> Result {
    let started = beginToolCall(name: name, callID: callID, arguments: arguments, flags: flags, metadata: metadata)
    return try await runScope(started, metadata: metadata, record: { $0.atofPayload }, body)
}

/// Runs the synchronous `body` as a tool call; see the async form.
public func withToolCall<Result: ATOFPayloadConvertible>(
    name: String,
    callID: String? = nil,
    arguments: JSONValue? = nil,
    flags: Set<ScopeFlag> = [],
    metadata: JSONValue? = nil,
    _ body: () throws -> Result
) rethrows -> Result {
    let started = beginToolCall(name: name, callID: callID, arguments: arguments, flags: flags, metadata: metadata)
    return try runScope(started, metadata: metadata, record: { $0.atofPayload }, body)
}

/// Runs `body` as a tool call that returns any result: an `Encodable` one is recorded as its
/// JSON encoding, an ``ATOFPayloadConvertible`` one as its payload, anything else is not
/// recorded. See the ``ATOFPayloadConvertible`` form for the rest.
public func withToolCall<Result>(
    name: String,
    callID: String? = nil,
    arguments: JSONValue? = nil,
    flags: Set<ScopeFlag> = [],
    metadata: JSONValue? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> Result
) async rethrows -> Result {
    let started = beginToolCall(name: name, callID: callID, arguments: arguments, flags: flags, metadata: metadata)
    return try await runScope(started, metadata: metadata, record: PayloadRecording.payload, body)
}

/// Runs the synchronous `body` as a tool call that returns any result; see the async form.
public func withToolCall<Result>(
    name: String,
    callID: String? = nil,
    arguments: JSONValue? = nil,
    flags: Set<ScopeFlag> = [],
    metadata: JSONValue? = nil,
    _ body: () throws -> Result
) rethrows -> Result {
    let started = beginToolCall(name: name, callID: callID, arguments: arguments, flags: flags, metadata: metadata)
    return try runScope(started, metadata: metadata, record: PayloadRecording.payload, body)
}

// MARK: - Marks

/// Records a point-in-time mark under the current scope (a span event on its span), or, outside
/// any scope, a mark without a parent (a `mark:<name>` span of its own).
///
/// - Parameters:
///   - name: the mark's name (the span event name).
///   - data: its payload (`atof.data`).
///   - metadata: a JSON object; its keys become `atof.metadata.<key>` attributes of the event.
public func mark(name: String, data: JSONValue? = nil, metadata: JSONValue? = nil) {
    ScopeRecorder.mark(name: name, data: data, metadata: metadata)
}

// MARK: - Internals

/// Runs `body` in the started scope's context and emits the end.
/// `endProfile` gives the end's `category_profile` when it differs from the start's.
func runScope<T>(
    _ started: StartedScope?,
    metadata: JSONValue?,
    record: (T) -> JSONValue?,
    endProfile: () -> JSONValue? = { nil },
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> T
) async rethrows -> T {
    guard let started else { return try await body() }
    let result: T
    do {
        result = try await InstrumentationContext.$current.withValue(started.context, operation: body)
    } catch {
        ScopeRecorder.end(started, outcome: .failure(error), data: nil, metadata: metadata, profile: endProfile())
        throw error
    }
    let data = record(result)
    ScopeRecorder.end(started, outcome: .ok, data: data, metadata: metadata, profile: endProfile())
    return result
}

/// Runs the synchronous `body` in the started scope's context and emits the end.
func runScope<T>(
    _ started: StartedScope?,
    metadata: JSONValue?,
    record: (T) -> JSONValue?,
    _ body: () throws -> T
) rethrows -> T {
    guard let started else { return try body() }
    let result: T
    do {
        result = try InstrumentationContext.$current.withValue(started.context, operation: body)
    } catch {
        ScopeRecorder.end(started, outcome: .failure(error), data: nil, metadata: metadata)
        throw error
    }
    ScopeRecorder.end(started, outcome: .ok, data: record(result), metadata: metadata)
    return result
}

/// A tool's `category_profile`: `{"tool_call_id": id}`, or `{}` (Relay's shape without an id).
func toolProfile(_ callID: String?) -> JSONValue {
    var profile = JSONObject()
    if let callID { profile["tool_call_id"] = .string(callID) }
    return .object(profile)
}

/// Starts a tool call's scope (every `withToolCall` form).
private func beginToolCall(
    name: String, callID: String?, arguments: JSONValue?, flags: Set<ScopeFlag>, metadata: JSONValue?
) -> StartedScope? {
    ScopeRecorder.begin(
        name: name, category: "tool", flags: ScopeFlag.wireList(flags), profile: toolProfile(callID), data: arguments,
        metadata: metadata)
}

/// The NeMo Relay shape of an LLM call's start event.
enum LLMCallShape {
    static func begin(
        model: String,
        provider: String?,
        name: String?,
        request: JSONValue?,
        flags: Set<ScopeFlag>,
        metadata: JSONValue?
    ) -> StartedScope? {
        guard let sinks = Registry.active else { return nil }
        let provider = provider.flatMap { $0.isEmpty ? nil : $0 }
        var profile = JSONObject()
        profile["model_name"] = .string(model)
        if let provider { profile["provider"] = .string(provider) }
        return ScopeRecorder.begin(
            in: sinks, name: name ?? provider.map { "\($0).chat" } ?? "chat \(model)", category: "llm", flags: ScopeFlag.wireList(flags),
            profile: .object(profile), data: request.map(wrapped), metadata: metadata)
    }

    /// Relay's request wrapper `{"content": request, "headers": {}}` around an object request.
    static func wrapped(_ request: JSONValue) -> JSONValue {
        guard request.objectValue != nil else { return request }
        return .object(JSONObject([.init(key: "content", value: request), .init(key: "headers", value: .object(JSONObject()))]))
    }
}
