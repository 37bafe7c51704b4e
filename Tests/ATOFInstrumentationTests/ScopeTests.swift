import ATOF
import Testing

@testable import ATOFInstrumentation

extension InstrumentationSuite {
    @Suite("Scopes, LLM and tool calls, marks")
    struct ScopeTests {
        typealias H = Harness

        @Test("an agent turn with an LLM call, a tool call and a mark nests by parent_uuid in NeMo Relay's 0.1 shapes")
        func nestedScopesHaveRelayShapes() async throws {
            let log = try H.capture()
            defer { H.reset() }
            let request: JSONValue = ["model": "gpt-4o", "messages": [["role": "user", "content": "weather?"]]]
            let response: JSONValue = [
                "id": "chatcmpl-1", "model": "gpt-4o-2024-08-06",
                "choices": [["index": 0, "finish_reason": "tool_calls", "message": ["role": "assistant", "content": "checking"]]],
                "usage": ["prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15],
            ]
            let answer = await withAgentScope("planner", input: ["question": "weather?"], metadata: ["session_id": "s1"]) {
                let reply = await withLLMCall(model: "gpt-4o", provider: "openai", request: request) {
                    await Task.yield()
                    return response
                }
                #expect(reply == response)
                mark(name: "checkpoint", data: ["step": 1])
                let result = await withToolCall(name: "get_weather", callID: "call_1", arguments: ["city": "Paris"]) {
                    await Task.yield()
                    return ["temperature": 21] as JSONValue
                }
                return "sunny, \(result["temperature"]?.int64Value ?? 0)°C"
            }
            #expect(answer == "sunny, 21°C")

            let agent = try #require(log.scope("planner"))
            let llm = try #require(log.scope("openai.chat"))
            let tool = try #require(log.scope("get_weather"))
            let checkpoint = try #require(log.marks("checkpoint").first)

            #expect(agent.start.family == .v0_1 && agent.start.version == "0.1")
            #expect(agent.start.category == "agent" && agent.start.parentUUID == nil && agent.start.profile == nil)
            #expect(agent.start.data == ["question": "weather?"])
            #expect(agent.end.data == "sunny, 21°C")
            #expect(agent.start.metadata == ["session_id": "s1"])
            #expect(agent.end.metadata == ["session_id": "s1", "otel.status_code": "OK"])

            #expect(llm.start.parentUUID == agent.start.uuid && llm.end.parentUUID == agent.start.uuid)
            #expect(llm.start.category == "llm" && llm.start.flags.isEmpty)
            #expect(llm.start.profile == ["model_name": "gpt-4o", "provider": "openai"])
            #expect(llm.start.data == ["content": request, "headers": [:]])
            #expect(llm.end.data == response)
            #expect(H.metadata(llm.end, "otel.status_code") == "OK")

            #expect(tool.start.parentUUID == agent.start.uuid)
            #expect(tool.start.category == "tool" && tool.start.profile == ["tool_call_id": "call_1"])
            #expect(tool.start.data == ["city": "Paris"] && tool.end.data == ["temperature": 21])

            #expect(checkpoint.parentUUID == agent.start.uuid && checkpoint.data == ["step": 1] && checkpoint.category == nil)

            for event in log.events {
                #expect(UUIDv7Tests.isCanonicalV7(event.uuid), "\(event.uuid)")
            }
            for scope in [agent, llm, tool] {
                #expect(scope.end.timestamp.nanosecondsSinceEpoch / 1000 > scope.start.timestamp.nanosecondsSinceEpoch / 1000)
                #expect(scope.end.name == scope.start.name && scope.end.category == scope.start.category)
            }
            #expect(log.events.first?.jsonLine.hasPrefix(#"{"kind":"scope","atof_version":"0.1","scope_category":"start""#) == true)
        }

        @Test("the synchronous forms emit the same events as the async ones; an Encodable result (an Int) is recorded")
        func synchronousForms() throws {
            let log = try H.capture()
            defer { H.reset() }
            let total = withAgentScope("sync-agent") {
                let summary = withScope(name: "summarize", category: .function, flags: [.remote, .parallel], input: "text") { "short" }
                let reply = withLLMCall(model: "m", request: "prompt") { ["usage": ["input_tokens": 4]] as JSONValue }
                let tool = withToolCall(name: "calc", arguments: ["x": 1]) { "2" }
                mark(name: "done")
                return summary.count + (reply["usage"]?["input_tokens"]?.int64Value.map(Int.init) ?? 0) + tool.count
            }
            #expect(total == 5 + 4 + 1)
            let agent = try #require(log.scope("sync-agent"))
            let summary = try #require(log.scope("summarize"))
            let llm = try #require(log.scope("chat m"))
            let tool = try #require(log.scope("calc"))
            #expect(summary.start.parentUUID == agent.start.uuid && summary.start.flags == ["parallel", "remote"])
            #expect(summary.start.data == "text" && summary.end.data == "short")
            #expect(llm.start.parentUUID == agent.start.uuid && llm.start.data == "prompt" && llm.start.profile == ["model_name": "m"])
            #expect(tool.start.profile == [:] && tool.end.data == "2")
            #expect(log.marks("done").first?.parentUUID == agent.start.uuid)
            #expect(agent.end.data == 10, "an Int result is Encodable, so it is recorded")
        }

        @Test("a mark outside any scope has no parent")
        func markOutsideScope() throws {
            let log = try H.capture()
            defer { H.reset() }
            mark(name: "boot", data: "ready", metadata: ["pid": 7])
            let boot = try #require(log.marks("boot").first)
            #expect(boot.parentUUID == nil && boot.data == "ready" && boot.metadata == ["pid": 7])
        }

        @Test("a custom category keeps its string, flags are written sorted, lowercase and once, and a profile is passed through")
        func customCategory() async throws {
            let log = try H.capture()
            defer { H.reset() }
            await withScope(
                name: "rerank", category: "custom", flags: ["Streaming", "streaming", .parallel], profile: ["subtype": "acme.rerank"]
            ) { await Task.yield() }
            let scope = try #require(log.scope("rerank"))
            #expect(scope.start.category == "custom" && scope.start.flags == ["parallel", "streaming"])
            #expect(scope.start.profile == ["subtype": "acme.rerank"] && scope.end.data == nil)
        }
    }
}
