// app-bench: what the instrumentation of agent code as written costs per call, with a Bridge
// installed and exporting to the sink (each call measured on the calling thread).
//
//   app-bench --scenario encodable --calls N --endpoint URL
//       withLLMCall returning a Codable chat completion (encoded into the end event) next to the
//       same call returning the same response as a prebuilt JSONValue: the difference is the
//       encoding's cost.
//   app-bench --scenario log --calls N --endpoint URL
//       logger.info(_:metadata:) inside an agent scope through ATOFLogHandler (a `log` mark on the
//       span, then forwarded) next to the same record through the wrapped handler alone.
//
// Prints one RESULT line: ns per call for the measured form and for the baseline, and the difference.

import ATOFBridge
import ATOFInstrumentation
import BenchSupport
import Glibc
import Logging

struct ChatCompletion: Codable {
    struct Message: Codable {
        var role = "assistant"
        var content: String
    }
    struct Choice: Codable {
        var index = 0
        var finish_reason = "stop"
        var message: Message
    }
    struct Usage: Codable {
        var prompt_tokens = 412
        var completion_tokens = 57
        var total_tokens = 469
    }
    var id = "chatcmpl-bench"
    var model = "gpt-4o-2024-08-06"
    var choices = [Choice(message: Message(content: "Take the funicular up to Fourvière, then walk down through Vieux Lyon."))]
    var usage = Usage()
}

/// The app's own handler in the log scenario: lets every level through and drops the record.
struct DiscardingLogHandler: LogHandler {
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {}
}

/// Nanoseconds per call of `one`, over `calls` calls.
func nanosecondsPerCall(_ calls: Int, _ one: () -> Void) -> Double {
    let start = monotonicNanoseconds()
    for _ in 0..<calls { one() }
    return Double(monotonicNanoseconds() &- start) / Double(calls)
}

func encodable(calls: Int) -> (measured: Double, baseline: Double) {
    let response = ChatCompletion()
    let json = JSONValue.object(
        JSONObject([
            .init(
                key: "choices",
                value: .array([
                    [
                        "finish_reason": "stop", "index": 0,
                        "message": ["content": .string(response.choices[0].message.content), "role": "assistant"],
                    ]
                ])),
            .init(key: "id", value: "chatcmpl-bench"), .init(key: "model", value: "gpt-4o-2024-08-06"),
            .init(key: "usage", value: ["completion_tokens": 57, "prompt_tokens": 412, "total_tokens": 469]),
        ]))
    return withAgentScope("app-bench") {
        let baseline = nanosecondsPerCall(calls) { _ = withLLMCall(model: "gpt-4o", provider: "openai") { json } }
        let measured = nanosecondsPerCall(calls) { _ = withLLMCall(model: "gpt-4o", provider: "openai") { response } }
        return (measured, baseline)
    }
}

func log(calls: Int) -> (measured: Double, baseline: Double) {
    let wrapped = DiscardingLogHandler()
    let plain = Logger(label: "app-bench") { _ in wrapped }
    let traced = Logger(label: "app-bench") { label in ATOFLogHandler(label: label, wrapping: wrapped) }
    return withAgentScope("app-bench") {
        let baseline = nanosecondsPerCall(calls) { plain.info("tool answered", metadata: ["tool": "get_weather", "attempt": "1"]) }
        let measured = nanosecondsPerCall(calls) { traced.info("tool answered", metadata: ["tool": "get_weather", "attempt": "1"]) }
        return (measured, baseline)
    }
}

let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()), options: ["scenario", "calls", "endpoint"], flags: [])
let calls = try arguments.integer("calls", default: 100_000)
guard let endpoint = arguments.string("endpoint"), let scenario = arguments.string("scenario") else {
    printError("usage: app-bench --scenario encodable|log --calls N --endpoint http://127.0.0.1:PORT/v1/traces")
    exit(64)
}
var configuration = Bridge.Configuration()
configuration.exporter.endpoint = endpoint
configuration.fallbackPath = "/tmp/app-bench-fallback.jsonl"
let bridge = try Bridge(configuration: configuration)
try ATOFInstrumentation.bootstrap(.bridge(bridge))
let result: (measured: Double, baseline: Double)
let name: String
switch scenario {
case "encodable":
    name = "withLLMCall returning a Codable response (baseline: the same response as a JSONValue)"
    result = encodable(calls: calls)
case "log":
    name = "logger.info inside a scope through ATOFLogHandler (baseline: the wrapped handler alone)"
    result = log(calls: calls)
default:
    printError("give --scenario encodable or --scenario log")
    exit(64)
}
_ = ATOFInstrumentation.shutdown(timeout: .seconds(60))
var report = Report()
report.add("scenario", name)
report.add("calls", calls)
report.add("ns_per_call", result.measured)
report.add("baseline_ns_per_call", result.baseline)
report.add("extra_ns_per_call", result.measured - result.baseline)
report.emit()
