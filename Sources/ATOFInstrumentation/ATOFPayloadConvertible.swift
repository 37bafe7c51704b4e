import ATOF

/// A value that can be recorded as an ATOF payload: the `data` of a scope's end event.
///
/// Return such a value from the body of ``withLLMCall(model:provider:name:request:flags:metadata:isolation:_:)``
/// (the provider's response JSON, so the bridge reads the answering model, finish reasons and
/// token usage from it) or ``withToolCall(name:callID:arguments:flags:metadata:isolation:_:)``
/// (the tool's result). The bodies of ``withAgentScope(_:input:metadata:isolation:_:)`` and
/// ``withScope(name:category:flags:input:metadata:profile:isolation:_:)`` may return anything; their
/// result is recorded when it conforms.
///
/// ```swift
/// struct ChatResponse: ATOFPayloadConvertible {
///     var raw: JSONValue                    // {"model": ..., "choices": [...], "usage": {"prompt_tokens": 12, ...}}
///     var text: String
///     var atofPayload: JSONValue { raw }
/// }
/// ```
public protocol ATOFPayloadConvertible {
    /// The JSON recorded as the end event's `data`.
    var atofPayload: JSONValue { get }
}

extension JSONValue: ATOFPayloadConvertible {
    /// The value itself.
    public var atofPayload: JSONValue { self }
}

extension JSONObject: ATOFPayloadConvertible {
    /// The object as a JSON value.
    public var atofPayload: JSONValue { .object(self) }
}

extension String: ATOFPayloadConvertible {
    /// The string as a JSON string.
    public var atofPayload: JSONValue { .string(self) }
}
