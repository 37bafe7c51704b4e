import ATOF

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A value that can be recorded as an ATOF payload: the `data` of a scope's end event.
///
/// The scope functions record the result of their body as the end `data` when it is one of:
/// - an ``ATOFPayloadConvertible`` value: `JSONValue`, `JSONObject`, `String` (a JSON string),
///   `Data` and ``JSONText`` (JSON text, parsed; text that is not JSON is kept as a string and
///   logged as a warning), or a type of your own;
/// - any other `Encodable` value (your LLM client's response struct): encoded with `JSONEncoder`
///   (sorted keys) into JSON, once, on the calling task, and only while subscribers are
///   installed. Its keys are those of its `CodingKeys`, so a response decoded with snake-case
///   keys (`prompt_tokens`, `finish_reason`) gives the bridge the model, token usage and finish
///   reasons. A value that fails to encode is not recorded (a warning says why).
///
/// Return the provider's response from the body of `withLLMCall` (or `withLLMStream`), so the
/// bridge reads the answering model, finish reasons and token usage from it, and the tool's
/// result from `withToolCall`. The bodies of `withAgentScope` and `withScope` are recorded the
/// same way; other results (`Void`, types that are not `Encodable`) are not recorded.
///
/// ```swift
/// struct ChatResponse: Codable {            // recorded as is: no conformance needed
///     var model: String
///     var choices: [Choice]
///     var usage: Usage                      // {"prompt_tokens": 12, "completion_tokens": 3, ...}
/// }
/// let reply = try await withLLMCall(model: "gpt-4o", provider: "openai", request: request) {
///     try await client.chat(request)        // ChatResponse
/// }
/// let raw = try await withLLMCall(model: "gpt-4o", request: request) {
///     .jsonText(try await http.post(body))  // the response body as Data or String
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
    /// The string as a JSON string (wrap JSON text in ``JSONText`` to have it parsed).
    public var atofPayload: JSONValue { .string(self) }
}

extension Data: ATOFPayloadConvertible {
    /// The bytes parsed as JSON text (an HTTP response body); bytes that are not JSON are kept
    /// as a string (invalid UTF-8 repaired) and logged as a warning.
    public var atofPayload: JSONValue { JSONText.parse(self) }
}

/// How the scope functions record a body's result (see ``ATOFPayloadConvertible``).
package enum PayloadRecording {
    /// One encoder for every call (`JSONEncoder` is `Sendable`; it is never reconfigured); also
    /// ATOFMCP's, for MCP values.
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// The end `data` for `value`: its ``ATOFPayloadConvertible/atofPayload``, else its JSON
    /// encoding when it is `Encodable`, else `nil` (not recorded).
    static func payload<T>(of value: T) -> JSONValue? {
        if let convertible = value as? any ATOFPayloadConvertible { return convertible.atofPayload }
        if let encodable = value as? any Encodable { return encode(encodable) }
        return nil
    }

    /// `value` encoded by `JSONEncoder` and parsed into a `JSONValue`; `nil` with a warning when
    /// it cannot be encoded.
    static func encode(_ value: any Encodable) -> JSONValue? {
        do {
            let bytes = try encoder.encode(value)
            return try JSONParser.parse(bytes)
        } catch {
            warn("a \(type(of: value)) result was not recorded: it could not be encoded as JSON (\(error))")
            return nil
        }
    }

    /// Logs `message` with the bootstrap's logger (nothing when no subscriber is installed).
    static func warn(_ message: String) {
        Registry.active?.logger.warning("ATOF payload: \(message)")
    }
}
