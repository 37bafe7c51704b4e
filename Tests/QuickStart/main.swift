import ATOFBridge  // the Bridge: spans to an OTLP collector (links libcurl, protobuf-c, zlib)
import ATOFInstrumentation  // bootstrap, withAgentScope, withLLMCall, withToolCall, mark, ATOFLogHandler, JSONValue
import Logging  // your app's swift-log set-up

LoggingSystem.bootstrap { label in ATOFLogHandler(label: label, wrapping: StreamLogHandler.standardError(label: label)) }
let logger = Logger(label: "my-agent")

let bridge = try Bridge(configuration: .fromEnvironment(serviceName: "my-agent"))
try ATOFInstrumentation.bootstrap(.bridge(bridge), .jsonLines(path: "run.atof.jsonl"))

let answer = try await withAgentScope("planner", input: "Plan a day in Lyon") {
    let reply = try await withLLMCall(model: "gpt-4o", provider: "openai", request: request) {
        try await llm.chat(request)  // your client's Codable response: model, token usage, finish reasons are read from it
    }
    logger.info("planned", metadata: ["finish": "\(reply.finishReason)"])  // a log record inside a scope: a mark on its span
    mark(name: "checkpoint", data: ["step": 2])  // a point in time inside the current scope
    return try await withToolCall(name: "get_weather", callID: "call_1", arguments: ["city": "Lyon"]) {
        try await weather("Lyon")  // any Encodable result (or JSONValue, String, Data, .jsonText(body))
    }
}
ATOFInstrumentation.shutdown()  // flushes the Bridge (and the fallback file) and the raw file
