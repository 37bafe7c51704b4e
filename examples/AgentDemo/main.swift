// AgentDemo: a small agent loop instrumented with ATOFInstrumentation.
//
// A scripted fake LLM plans, two tools run in parallel (one of them fails), a nested research
// sub-agent answers a question, and the final answer streams in chunks (withLLMStream). The
// LLM client returns a Codable response; log records made inside a scope are marks on its span.
// Spans go to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318); when nothing listens
// they land in out/spans.otlp.jsonl (send them later with `atof-bridge replay`). The raw ATOF
// stream is kept in out/run.atof.jsonl for `atof-bridge stats` and offline analysis.
//
//   swift run AgentDemo          (or: make demo)

import ATOFBridge
import ATOFInstrumentation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ToolFailure: Error, CustomStringConvertible {
    var description: String
}

/// An OpenAI-style chat completion, as an LLM client decodes it: recorded as is (it is `Codable`),
/// so the bridge reads the model, token usage and finish reason from it.
struct ChatCompletion: Codable {
    struct ToolCall: Codable {
        struct Function: Codable {
            var name: String
            var arguments: String
        }
        var id: String
        var type = "function"
        var function: Function
    }
    struct Message: Codable {
        var role = "assistant"
        var content: String
        var tool_calls: [ToolCall]?
    }
    struct Choice: Codable {
        var index = 0
        var finish_reason: String
        var message: Message
    }
    struct Usage: Codable {
        var prompt_tokens: Int
        var completion_tokens: Int
        var total_tokens: Int
    }
    var id = "chatcmpl-demo"
    var model = "demo-model-1"
    var choices: [Choice]
    var usage: Usage

    var text: String { choices.first?.message.content ?? "" }
}

/// A scripted stand-in for a model: every call returns a chat completion with usage.
enum FakeLLM {
    static func usage(prompt: String, answer: String) -> ChatCompletion.Usage {
        let promptTokens = prompt.count / 4 + 12
        let completionTokens = answer.count / 4 + 3
        return .init(prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens)
    }

    static func complete(_ prompt: String, answer: String, toolCalls: [String] = []) async throws -> ChatCompletion {
        try await Task.sleep(for: .milliseconds(20))
        let calls = toolCalls.enumerated().map { index, name in
            ChatCompletion.ToolCall(id: "call_\(index + 1)", function: .init(name: name, arguments: "{}"))
        }
        let message = ChatCompletion.Message(content: answer, tool_calls: calls.isEmpty ? nil : calls)
        return ChatCompletion(
            choices: [.init(finish_reason: calls.isEmpty ? "stop" : "tool_calls", message: message)],
            usage: usage(prompt: prompt, answer: answer))
    }
}

/// The demo's logger: its records inside a scope are also marks on that scope's span (see main).
let logger = Logger(label: "agent-demo")

func request(_ text: String) -> JSONValue {
    [
        "model": "demo-model-1",
        "messages": [["role": "system", "content": "You plan city trips."], ["role": "user", "content": .string(text)]],
    ]
}

func weather(city: String) async throws -> JSONValue {
    try await withToolCall(name: "get_weather", callID: "call_1", arguments: ["city": .string(city)]) {
        try await Task.sleep(for: .milliseconds(15))
        return ["city": .string(city), "forecast": "sunny", "celsius": 24]
    }
}

func bookTable(city: String) async throws -> JSONValue {
    try await withToolCall(name: "book_restaurant", callID: "call_2", arguments: ["city": .string(city), "people": 2]) {
        try await Task.sleep(for: .milliseconds(10))
        throw ToolFailure(description: "no table free before 22:00")
    }
}

func research(_ question: String) async throws -> String {
    try await withAgentScope("researcher", input: .string(question)) {
        let response = try await withLLMCall(model: "demo-model-1", provider: "openai", request: request(question)) {
            try await FakeLLM.complete(question, answer: "Visit the Traboules in Vieux Lyon.", toolCalls: ["search_web"])
        }
        _ = try await withToolCall(name: "search_web", callID: "call_3", arguments: ["query": .string(question)]) {
            try await Task.sleep(for: .milliseconds(12))
            return ["results": ["Traboules of Vieux Lyon", "Fourvière Basilica"]] as JSONValue
        }
        logger.info("research done", metadata: ["finish_reason": "\(response.choices.first?.finish_reason ?? "?")"])
        return response.text
    }
}

func planTrip(_ goal: String) async throws -> String {
    try await withAgentScope("trip-planner", input: .string(goal), metadata: ["session_id": "demo-session"]) {
        _ = try await withLLMCall(model: "demo-model-1", provider: "openai", request: request(goal)) {
            try await FakeLLM.complete(goal, answer: "Checking weather and booking lunch.", toolCalls: ["get_weather", "book_restaurant"])
        }
        // Two tool calls in parallel; the booking fails and the agent carries on without it.
        async let forecast = weather(city: "Lyon")
        async let booking: JSONValue? = try? await bookTable(city: "Lyon")
        let (weatherResult, bookingResult) = try await (forecast, booking)
        let tip = try await research("What should a first-time visitor see in Lyon?")
        // The final answer streams: chunks become llm.chunk marks, the usage lands on the span.
        let answer =
            "Morning: \(tip) Weather: \(weatherResult["forecast"]?.stringValue ?? "?"). Lunch: \(bookingResult == nil ? "walk-in" : "booked")."
        return try await withLLMStream(model: "demo-model-1", provider: "openai", request: request("Write the plan")) { stream in
            var text = ""
            for chunk in answer.split(separator: " ") {
                try await Task.sleep(for: .milliseconds(2))
                stream.chunk(String(chunk) + " ")
                text += chunk + " "
            }
            stream.record(usage: FakeLLM.usage(prompt: "Write the plan", answer: answer))
            stream.record(finishReason: "stop")
            logger.info("answer streamed", metadata: ["characters": "\(text.count)"])
            return text
        }
    }
}

@main
struct AgentDemo {
    static func main() async throws {
        // Log records go to stderr as usual and, inside a scope, become `log` marks on its span.
        LoggingSystem.bootstrap { label in
            ATOFLogHandler(label: label, wrapping: StreamLogHandler.standardError(label: label))
        }
        mkdir("out", 0o700)
        unlink("out/run.atof.jsonl")
        unlink("out/spans.otlp.jsonl")

        var configuration = Bridge.Configuration.fromEnvironment(serviceName: "agent-demo")
        configuration.fallbackPath = "out/spans.otlp.jsonl"
        // A demo should not wait 30 s for a collector that is not there.
        if ProcessEnvironment.current["OTEL_BSP_EXPORT_TIMEOUT"] == nil { configuration.exporter.exportTimeout = .seconds(3) }
        let bridge = try Bridge(configuration: configuration)
        try ATOFInstrumentation.bootstrap(.bridge(bridge), .jsonLines(path: "out/run.atof.jsonl"))

        let plan = try await planTrip("Plan a day in Lyon for two")
        print("agent answer: \(plan)")

        _ = ATOFInstrumentation.shutdown(timeout: .seconds(10))
        let statistics = bridge.statistics
        print(
            "spans: \(statistics.spansProduced) produced, \(statistics.spansExported) sent to \(configuration.exporter.endpoint), "
                + "\(statistics.spansInFallback) in out/spans.otlp.jsonl")
        print("raw ATOF: out/run.atof.jsonl (try: atof-bridge stats out/run.atof.jsonl)")
        if statistics.spansProduced != statistics.spansExported + statistics.spansInFallback {
            print("some spans were neither delivered nor kept: \(statistics)")
            exit(1)
        }
    }
}
