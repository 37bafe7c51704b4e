import ATOF
import ATOFBridge
import Testing

@testable import ATOFInstrumentation

extension InstrumentationSuite {
    @Suite("Streaming LLM calls")
    struct StreamTests {
        typealias H = Harness

        struct StreamUsage: Encodable {
            var prompt_tokens = 9
            var completion_tokens = 5
            var total_tokens = 14
        }

        @Test("chunks become llm.chunk marks; time to first chunk, chunk count, usage, finish reason and model land on the span")
        func chunksAndFinalUsage() async throws {
            let (bridge, exporter, log, _) = try H.bridgedWithWarnings()
            defer { H.reset() }
            let text = try await withLLMStream(model: "gpt-4o", provider: "openai", request: ["model": "gpt-4o", "stream": true]) {
                stream in
                try await Task.sleep(for: .milliseconds(5))
                var text = ""
                for piece in ["Morning ", "in ", "Lyon"] {
                    stream.chunk(piece)
                    text += piece
                }
                stream.record(usage: StreamUsage())
                stream.record(finishReason: "stop")
                stream.record(responseModel: "gpt-4o-2024-08-06")
                return text
            }
            #expect(text == "Morning in Lyon")
            let call = try #require(log.scope("openai.chat"))
            #expect(call.start.flags == ["streaming"])
            let chunks = log.marks("llm.chunk")
            #expect(chunks.map { $0.data?["text"] } == ["Morning ", "in ", "Lyon"])
            #expect(chunks.map { $0.data?["chunk_index"] } == [0, 1, 2])
            #expect(chunks.allSatisfy { $0.parentUUID == call.start.uuid })
            let profile = try #require(call.end.profile)
            #expect(profile["chunk_count"] == 3)
            let firstChunk = try #require(profile["time_to_first_chunk"]?.doubleValue)
            #expect(firstChunk >= 0.005)
            #expect(call.end.data == "Morning in Lyon")

            bridge.shutdown()
            let span = try #require(exporter.span("openai.chat"))
            #expect(span.events.filter { $0.name == "llm.chunk" }.count == 3)
            #expect(H.intAttribute(span, "atof.chunk_count") == 3)
            #expect(span[attribute: "gen_ai.response.time_to_first_chunk"] == .double(firstChunk))
            #expect(H.intAttribute(span, "gen_ai.usage.input_tokens") == 9)
            #expect(H.intAttribute(span, "gen_ai.usage.output_tokens") == 5)
            #expect(span[attribute: "gen_ai.response.finish_reasons"] == .stringArray(["stop"]))
            #expect(H.attribute(span, "gen_ai.response.model") == "gpt-4o-2024-08-06")
            #expect(H.attribute(span, "output.value") == "Morning in Lyon")
        }

        @Test("past the chunk cap chunks are only counted: atof.chunk_count has them all, dropped_events_count the rest")
        func cappedChunks() async throws {
            let (bridge, exporter, log, _) = try H.bridgedWithWarnings()
            defer { H.reset() }
            await withLLMStream(model: "m", name: "long", maximumChunkMarks: 4) { stream in
                for index in 0..<10 { stream.chunk("t\(index)") }
            }
            #expect(log.marks("llm.chunk").count == 4)
            #expect(log.scope("long")?.end.profile?["chunk_count"] == 10)
            bridge.shutdown()
            let span = try #require(exporter.span("long"))
            #expect(span.events.filter { $0.name == "llm.chunk" }.count == 4)
            #expect(H.intAttribute(span, "atof.chunk_count") == 10)
            #expect(span.droppedEventsCount == 6)
        }

        @Test("a stream that fails still records its chunks and time to first chunk, with ERROR")
        func failingStream() async throws {
            let log = try H.capture()
            defer { H.reset() }
            await #expect(throws: ToolFailure.self) {
                try await withLLMStream(model: "m", name: "broken") { stream in
                    stream.chunk()
                    throw ToolFailure(reason: "connection reset")
                }
            }
            let call = try #require(log.scope("broken"))
            #expect(H.metadata(call.end, "otel.status_code") == "ERROR")
            #expect(call.end.profile?["chunk_count"] == 1)
            #expect(call.end.profile?["time_to_first_chunk"] != nil)
            #expect(log.marks("llm.chunk").first?.data == ["chunk_index": 0])
        }

        @Test("without a subscriber the stream records nothing and the body runs")
        func inactive() async {
            H.reset()
            let count = await withLLMStream(model: "m") { stream in
                stream.chunk("x")
                stream.record(usage: StreamUsage())
                return 1
            }
            #expect(count == 1)
        }
    }
}
