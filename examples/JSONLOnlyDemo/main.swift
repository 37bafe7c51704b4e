// JSONLOnlyDemo: an app that records its agent run as raw ATOF JSON lines and nothing else.
//
// It imports ATOF and ATOFInstrumentation only, so the binary links neither libcurl, nor
// protobuf-c, nor zlib (`make link-check` verifies that with ldd). One agent scope holds an LLM
// call (a scripted OpenAI-style response with token usage) and a tool call. The file it writes
// is what `atof-bridge validate`, `stats`, `convert` and `export` read later.
//
//   swift run JSONLOnlyDemo [FILE]      (default: out/jsonl-only.atof.jsonl; runs accumulate)

import ATOF
import ATOFInstrumentation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scripted stand-in for a model: an OpenAI-style chat completion that asks for one tool.
func fakeCompletion(for question: String) -> JSONValue {
    [
        "id": "chatcmpl-jsonl-demo", "model": "demo-model-1",
        "choices": [
            [
                "index": 0, "finish_reason": "tool_calls",
                "message": [
                    "role": "assistant", "content": "Counting the words first.",
                    "tool_calls": [["id": "call_1", "type": "function", "function": ["name": "count_words", "arguments": "{}"]]],
                ],
            ]
        ],
        "usage": ["prompt_tokens": 18, "completion_tokens": 7, "total_tokens": 25],
    ]
}

@main
struct JSONLOnlyDemo {
    static func main() async throws {
        let arguments = CommandLine.arguments
        let path: String
        if arguments.count > 1 {
            path = arguments[1]
        } else {
            mkdir("out", 0o700)
            path = "out/jsonl-only.atof.jsonl"
        }
        try ATOFInstrumentation.bootstrap(.jsonLines(path: path))

        let question = "How many words are in this sentence?"
        let words = try await withAgentScope("word-counter", input: .string(question)) {
            let request: JSONValue = ["model": "demo-model-1", "messages": [["role": "user", "content": .string(question)]]]
            _ = try await withLLMCall(model: "demo-model-1", provider: "openai", request: request) {
                try await Task.sleep(for: .milliseconds(5))  // the model's latency
                return fakeCompletion(for: question)
            }
            return try await withToolCall(name: "count_words", callID: "call_1", arguments: ["text": .string(question)]) {
                try await Task.sleep(for: .milliseconds(2))
                let count = question.split(separator: " ").count
                return ["words": .number(JSONNumber(Int64(count)))] as JSONValue
            }
        }
        print("agent answer: \(words["words"]?.int64Value ?? 0) words")

        let statistics = ATOFInstrumentation.shutdown(timeout: .seconds(10))
        print("raw ATOF: \(path): \(statistics)")
        if statistics.eventsWritten != 6 || statistics.eventsDropped != 0 || statistics.eventsFailed != 0 {
            exit(1)
        }
    }
}
