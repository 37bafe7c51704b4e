import ATOF

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON text to be recorded as the JSON it holds: a response body as the HTTP client returned it.
///
/// The text is parsed when the payload is recorded (only while subscribers are installed), so
/// the bridge reads the model, token usage and finish reasons from it. Text that is not JSON is
/// recorded as a JSON string and logged as a warning; it is never an error.
///
/// ```swift
/// let body = try await withLLMCall(model: "gpt-4o", provider: "openai", request: request) {
///     .jsonText(try await http.post(url, body: requestBody))   // Data or String
/// }
/// let reply = try JSONDecoder().decode(ChatResponse.self, from: body.data)
/// ```
public struct JSONText: ATOFPayloadConvertible, Sendable, Hashable {
    /// The text as given.
    public let data: Data

    /// JSON text held in `data` (UTF-8).
    public init(_ data: Data) {
        self.data = data
    }

    /// JSON text held in a string.
    public init(_ text: String) {
        self.data = Data(text.utf8)
    }

    /// The text as a string (invalid UTF-8 repaired).
    public var text: String { String(decoding: data, as: UTF8.self) }

    /// The parsed JSON, or the text as a JSON string when it is not JSON.
    public var atofPayload: JSONValue { Self.parse(data) }

    /// `bytes` parsed as JSON; bytes that are not JSON are returned as a string, with a warning.
    static func parse(_ bytes: Data) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            PayloadRecording.warn("a body that is not JSON (\(error)) was recorded as a string of \(bytes.count) bytes")
            return .string(String(decoding: bytes, as: UTF8.self))
        }
    }
}

extension ATOFPayloadConvertible where Self == JSONText {
    /// JSON text in `data` (an HTTP response body), recorded as the JSON it holds.
    public static func jsonText(_ data: Data) -> JSONText { JSONText(data) }

    /// JSON text in a string, recorded as the JSON it holds.
    public static func jsonText(_ text: String) -> JSONText { JSONText(text) }
}
