import ATOF
import ATOFBridge
import Testing

@testable import ATOFInstrumentation

extension InstrumentationSuite {
    @Suite("The raw ATOF file and the live bridge agree")
    struct OfflineEquivalenceTests {
        typealias H = Harness

        /// What must agree between the live and the offline spans.
        struct SpanShape: Hashable, CustomStringConvertible {
            var traceID: OTLP.TraceID
            var spanID: OTLP.SpanID
            var parentSpanID: OTLP.SpanID?
            var name: String
            var kind: OTLP.SpanKind
            var status: OTLP.SpanStatus
            var start: UInt64
            var end: UInt64
            var attributes: [OTLP.Attribute]
            var events: [String]

            init(_ span: OTLP.Span) {
                traceID = span.traceID
                spanID = span.spanID
                parentSpanID = span.parentSpanID
                name = span.name
                kind = span.kind
                status = span.status
                start = span.startTimeUnixNano
                end = span.endTimeUnixNano
                attributes = span.attributes.sorted { $0.key < $1.key }
                events = span.events.map(\.name)
            }

            var description: String { "\(name) \(spanID) parent \(parentSpanID?.hex ?? "-") \(status)" }
        }

        @Test(
            "the .jsonLines file converted offline gives the spans the bridge exported live: ids, parents, names, kinds, status, attributes"
        )
        func fileConvertsToLiveSpans() async throws {
            let path = H.temporaryPath("canonical.jsonl")
            let (bridge, exporter) = try H.bridged(.jsonLines(path: path))
            defer { H.reset() }

            await Self.workload()
            ATOFInstrumentation.shutdown()

            let live = exporter.spans
            let offline = try OfflineConversion(path: path, mapper: SpanMapper(options: bridge.configuration.mapping))
            #expect(offline.badLineCount == 0 && offline.report.unended == 0 && offline.report.unmatchedEnds == 0)
            #expect(live.count == 10)
            #expect(Set(live.map(\.traceID)).count == 2, "two traces: the agent and the detached job")
            let liveShapes = Set(live.map(SpanShape.init))
            let offlineShapes = Set(offline.spans.map(SpanShape.init))
            #expect(
                liveShapes == offlineShapes,
                "live only: \(liveShapes.subtracting(offlineShapes)); offline only: \(offlineShapes.subtracting(liveShapes))")

            let llm = try #require(live.first { $0.name == "openai.chat" })
            #expect(llm.kind == .client)
            #expect(H.attribute(llm, "gen_ai.request.model") == "gpt-4o")
            #expect(H.attribute(llm, "gen_ai.response.model") == "gpt-4o-2024-08-06")
            #expect(H.attribute(llm, "gen_ai.provider.name") == "openai")
            #expect(H.intAttribute(llm, "gen_ai.usage.input_tokens") == 12)
            #expect(H.intAttribute(llm, "gen_ai.usage.output_tokens") == 3)
            #expect(H.intAttribute(llm, "llm.token_count.total") == 15)
            #expect(H.attribute(llm, "llm.input_messages.0.message.content") == "weather in Paris?")
            let agent = try #require(live.first { $0.name == "planner" })
            #expect(agent.events.map(\.name) == ["checkpoint"])
            #expect(H.attribute(agent, "session.id") == "s1")
        }

        /// An agent turn: an LLM call, parallel tool calls (one failing), a mark, a nested
        /// function, and a detached job.
        static func workload() async {
            let request: JSONValue = [
                "model": "gpt-4o", "temperature": 0.2, "messages": [["role": "user", "content": "weather in Paris?"]],
            ]
            let response: JSONValue = [
                "id": "chatcmpl-7", "model": "gpt-4o-2024-08-06",
                "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": "Sunny."]]],
                "usage": ["prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15],
            ]
            await withAgentScope("planner", input: "weather in Paris?", metadata: ["session_id": "s1"]) {
                _ = await withLLMCall(model: "gpt-4o", provider: "openai", request: request) {
                    await Task.yield()
                    return response
                }
                mark(name: "checkpoint", data: ["step": 1])
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<3 {
                        group.addTask {
                            _ = try? await withToolCall(
                                name: "lookup-\(index)", callID: "call_\(index)", arguments: ["i": .number(JSONNumber(Int64(index)))]
                            ) {
                                () async throws -> JSONValue in
                                if index == 2 { throw ToolFailure(reason: "timeout") }
                                return ["ok": true]
                            }
                        }
                    }
                }
                await withScope(name: "summarize", category: .function) {
                    await Task.yield()
                    _ = withScope(name: "format", category: .function) { "done" }
                }
                _ = try? await withScope(name: "cancelled-step", category: .function) { () async throws -> Void in throw CancellationError()
                }
                await Task.detached {
                    await withAgentScope("background-job") {
                        _ = await withToolCall(name: "cleanup") {
                            await Task.yield()
                            return "ok"
                        }
                    }
                }.value
            }
        }
    }
}
