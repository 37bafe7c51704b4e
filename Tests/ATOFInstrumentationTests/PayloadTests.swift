import ATOF
import ATOFBridge
import Logging
import Synchronization
import Testing

@testable import ATOFInstrumentation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An OpenAI-style chat completion as an LLM client decodes it.
struct ChatCompletion: Codable {
    struct Choice: Codable {
        struct Message: Codable {
            var role: String
            var content: String
        }
        var index: Int
        var message: Message
        var finishReason: String

        enum CodingKeys: String, CodingKey {
            case index, message
            case finishReason = "finish_reason"
        }
    }
    struct Usage: Codable {
        var promptTokens: Int
        var completionTokens: Int
        var totalTokens: Int

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
        }
    }
    var id: String
    var model: String
    var choices: [Choice]
    var usage: Usage

    static let sample = ChatCompletion(
        id: "chatcmpl-9", model: "gpt-4o-2024-08-06",
        choices: [Choice(index: 0, message: .init(role: "assistant", content: "Lyon"), finishReason: "stop")],
        usage: Usage(promptTokens: 12, completionTokens: 3, totalTokens: 15))
}

/// An `Encodable` value that counts how often it is encoded.
final class CountingPayload: Encodable, Sendable {
    let counter = Mutex(0)

    func encode(to encoder: any Encoder) throws {
        counter.withLock { $0 += 1 }
        var container = encoder.singleValueContainer()
        try container.encode("counted")
    }
}

/// A value that cannot be encoded as JSON.
struct NotANumber: Encodable {
    var value = Double.nan
}

/// Collects the records a `Logger` receives.
final class LogRecords: Sendable {
    private let storage = Mutex<[LogEvent]>([])
    func append(_ event: LogEvent) { storage.withLock { $0.append(event) } }
    var events: [LogEvent] { storage.withLock { $0 } }
    var warnings: [String] { events.filter { $0.level == .warning }.map(\.message.description) }
}

/// A `LogHandler` double that records every record it is given.
struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) { records.append(event) }
}

extension Harness {
    /// Installs a bridge into a recording exporter and a `.closure` log, with a logger that
    /// records the instrumentation's warnings.
    static func bridgedWithWarnings() throws -> (Bridge, RecordingExporter, EventLog, LogRecords) {
        ATOFInstrumentation._resetForTesting()
        let (bridge, exporter) = bridge()
        let log = EventLog()
        let records = LogRecords()
        try ATOFInstrumentation.bootstrap(
            [.bridge(bridge), .closure { log.append($0) }],
            logger: Logger(label: "test") { _ in RecordingLogHandler(records: records) })
        return (bridge, exporter, log, records)
    }
}

extension InstrumentationSuite {
    @Suite("Payloads as apps have them")
    struct PayloadTests {
        typealias H = Harness

        @Test("a Codable response's model, token usage and finish reasons land on the LLM span")
        func codableResponse() async throws {
            let (bridge, exporter, log, _) = try H.bridgedWithWarnings()
            defer { H.reset() }
            let reply = try await withLLMCall(model: "gpt-4o", provider: "openai", request: ["model": "gpt-4o"]) {
                try await Task.sleep(for: .milliseconds(1))
                return ChatCompletion.sample
            }
            #expect(reply.model == "gpt-4o-2024-08-06")
            let end = try #require(log.scope("openai.chat")?.end)
            #expect(end.data?["usage"]?["prompt_tokens"] == 12)
            #expect(end.data?["choices"]?.arrayValue?.first?["finish_reason"] == "stop")
            bridge.shutdown()
            let span = try #require(exporter.span("openai.chat"))
            #expect(H.attribute(span, "gen_ai.response.model") == "gpt-4o-2024-08-06")
            #expect(H.attribute(span, "gen_ai.response.id") == "chatcmpl-9")
            #expect(H.intAttribute(span, "gen_ai.usage.input_tokens") == 12)
            #expect(H.intAttribute(span, "gen_ai.usage.output_tokens") == 3)
            #expect(H.intAttribute(span, "llm.token_count.total") == 15)
            #expect(span[attribute: "gen_ai.response.finish_reasons"] == .stringArray(["stop"]))
            #expect(H.attribute(span, "llm.output_messages.0.message.content") == "Lyon")
        }

        @Test("an Encodable tool result and agent result are recorded; a result that is neither is not")
        func encodableResults() throws {
            let log = try H.capture()
            defer { H.reset() }
            struct Forecast: Codable {
                var city: String
                var celsius: Int
            }
            struct Opaque {}
            let forecast = withAgentScope("agent") {
                _ = withToolCall(name: "opaque") { Opaque() }
                return withToolCall(name: "get_weather") { Forecast(city: "Lyon", celsius: 24) }
            }
            #expect(forecast.celsius == 24)
            #expect(log.scope("get_weather")?.end.data == ["celsius": 24, "city": "Lyon"])
            #expect(log.scope("agent")?.end.data == ["celsius": 24, "city": "Lyon"])
            #expect(log.scope("opaque")?.end.data == nil)
        }

        @Test("JSON text as Data, as .jsonText(Data) and .jsonText(String) is parsed, so usage and model are read from it")
        func jsonTextBodies() throws {
            let (bridge, exporter, log, records) = try H.bridgedWithWarnings()
            defer { H.reset() }
            let body = #"{"model":"claude-3-5-sonnet","stop_reason":"end_turn","usage":{"input_tokens":7,"output_tokens":2}}"#
            let data = withLLMCall(model: "claude", name: "data") { Data(body.utf8) }
            #expect(data == Data(body.utf8))
            let wrappedData = withLLMCall(model: "claude", name: "wrapped-data") { .jsonText(Data(body.utf8)) }
            #expect(wrappedData.text == body)
            _ = withLLMCall(model: "claude", name: "wrapped-string") { .jsonText(body) }
            for name in ["data", "wrapped-data", "wrapped-string"] {
                #expect(log.scope(name)?.end.data?["usage"]?["input_tokens"] == 7, "\(name)")
            }
            #expect(records.warnings.isEmpty)
            bridge.shutdown()
            for name in ["data", "wrapped-data", "wrapped-string"] {
                let span = try #require(exporter.span(name))
                #expect(H.attribute(span, "gen_ai.response.model") == "claude-3-5-sonnet")
                #expect(H.intAttribute(span, "gen_ai.usage.output_tokens") == 2)
                #expect(span[attribute: "gen_ai.response.finish_reasons"] == .stringArray(["end_turn"]))
            }
        }

        @Test("a body that is not JSON is kept as a string with one warning, never an error")
        func nonJSONBody() throws {
            let (_, _, log, records) = try H.bridgedWithWarnings()
            defer { H.reset() }
            let text = withLLMCall(model: "m", name: "html") { JSONText("<html>502 Bad Gateway</html>") }
            #expect(text.text == "<html>502 Bad Gateway</html>")
            #expect(log.scope("html")?.end.data == "<html>502 Bad Gateway</html>")
            #expect(H.metadata(log.scope("html")?.end, "otel.status_code") == "OK")
            #expect(records.warnings.count == 1)
            #expect(records.warnings.first?.contains("not JSON") == true)
        }

        @Test("a value that cannot be encoded is not recorded, with a warning, and the call still succeeds")
        func unencodable() throws {
            let (_, _, log, records) = try H.bridgedWithWarnings()
            defer { H.reset() }
            let value = withToolCall(name: "nan") { NotANumber() }
            #expect(value.value.isNaN)
            #expect(log.scope("nan")?.end.data == nil)
            #expect(H.metadata(log.scope("nan")?.end, "otel.status_code") == "OK")
            #expect(records.warnings.count == 1)
        }

        @Test("an Encodable result is encoded once per call with a subscriber, and never without one")
        func encodedOnlyWhenSubscribed() throws {
            H.reset()
            let payload = CountingPayload()
            _ = withLLMCall(model: "m") { payload }
            _ = withToolCall(name: "t") { payload }
            #expect(payload.counter.withLock { $0 } == 0)

            let log = try H.capture()
            defer { H.reset() }
            _ = withLLMCall(model: "m") { payload }
            #expect(payload.counter.withLock { $0 } == 1)
            #expect(log.scope("chat m")?.end.data == "counted")
        }
    }
}
