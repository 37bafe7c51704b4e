// AgentDemo: a small agent loop instrumented with ATOFInstrumentation.
//
// A scripted fake LLM plans, two tools run in parallel (one of them fails), a nested research
// sub-agent answers a question, and the final answer streams in chunks (recorded as marks).
// Spans go to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318); when nothing listens
// they land in out/spans.otlp.jsonl (send them later with `atof-bridge replay`). The raw ATOF
// stream is kept in out/run.atof.jsonl for `atof-bridge stats` and offline analysis.
//
//   swift run AgentDemo          (or: make demo)

import ATOF
import ATOFBridge
import ATOFInstrumentation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ToolFailure: Error, CustomStringConvertible {
    var description: String
}

/// A scripted stand-in for a model: every call returns an OpenAI-style chat completion with usage.
enum FakeLLM {
    static func complete(_ prompt: String, answer: String, toolCalls: [String] = []) async throws -> JSONValue {
        try await Task.sleep(for: .milliseconds(20))
        let calls: [JSONValue] = toolCalls.enumerated().map { index, name in
            ["id": .string("call_\(index + 1)"), "type": "function", "function": ["name": .string(name), "arguments": "{}"]]
        }
        var message: JSONValue = ["role": "assistant", "content": .string(answer)]
        if !calls.isEmpty, case .object(var object) = message {
            object["tool_calls"] = .array(calls)
            message = .object(object)
        }
        let promptTokens = Int64(prompt.count / 4 + 12)
        let completionTokens = Int64(answer.count / 4 + 3)
        return [
            "id": "chatcmpl-demo", "model": "demo-model-1",
            "choices": [["index": 0, "finish_reason": .string(calls.isEmpty ? "stop" : "tool_calls"), "message": message]],
            "usage": [
                "prompt_tokens": .number(JSONNumber(promptTokens)), "completion_tokens": .number(JSONNumber(completionTokens)),
                "total_tokens": .number(JSONNumber(promptTokens + completionTokens)),
            ],
        ]
    }
}

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
        return response["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue ?? ""
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
        // The final answer streams: each chunk is a mark inside the LLM call.
        let final = try await withLLMCall(model: "demo-model-1", provider: "openai", request: request("Write the plan")) {
            let answer =
                "Morning: \(tip) Weather: \(weatherResult["forecast"]?.stringValue ?? "?"). Lunch: \(bookingResult == nil ? "walk-in" : "booked")."
            for (index, chunk) in answer.split(separator: " ").enumerated() {
                mark(name: "llm.chunk", data: ["chunk_index": .number(JSONNumber(Int64(index))), "text": .string(String(chunk))])
                try await Task.sleep(for: .milliseconds(2))
            }
            return try await FakeLLM.complete("Write the plan", answer: answer)
        }
        return final["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue ?? ""
    }
}

@main
struct AgentDemo {
    static func main() async throws {
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
