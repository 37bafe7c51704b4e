import ATOF
import Testing

@testable import ATOFBridge

/// `AgentSDKAdapter` (adapters.md §3): agent-sdk envelopes in, ATOF 0.2 events out.
@Suite struct AgentSDKAdapterTests {
    typealias F = AgentSDKFixtures

    static func object(_ text: String) throws -> JSONObject {
        try #require(try JSONParser.parse(text).objectValue)
    }

    // MARK: Detection

    @Test("recognizes the flat envelope: a UUID event_id, an integer sequence, a string timestamp and type")
    func recognizesTheEnvelope() throws {
        #expect(AgentSDKAdapter.recognizes(try Self.object(F.line(1, "text", at: "00.000", #""message_id":"m","text":"hi""#))))
        #expect(AgentSDKAdapter.recognizes(try Self.object(F.line(1, "some_future_variant", at: "00.000"))))
    }

    @Test("does not recognize a bare AgentEvent, a non-UUID event_id, a string sequence or an ATOF line")
    func rejectsLookalikes() throws {
        let rejected = [
            #"{"type":"text","message_id":"m","text":"hi"}"#,
            #"{"event_id":"evt-1","sequence":0,"timestamp":"2026-11-21T10:00:00Z","type":"text"}"#,
            #"{"event_id":"00000000-0000-4000-8000-000000000001","sequence":"0","timestamp":"2026-11-21T10:00:00Z","type":"text"}"#,
            #"{"event_id":"00000000-0000-4000-8000-000000000001","sequence":0,"timestamp":1767225600,"type":"text"}"#,
            #"{"kind":"Mark","schema_version":"0.2","uuid":"u","timestamp":"2026-11-21T10:00:00Z","name":"m"}"#,
            #"{"type":"start","messageId":"abc"}"#,
        ]
        for text in rejected {
            #expect(!AgentSDKAdapter.recognizes(try Self.object(text)), "\(text)")
        }
    }

    // MARK: Runs, turns, LLM calls, tools

    @Test("a run, its turns, the inferred LLM calls and the tool calls get namespaced ids and the right parents")
    func runTurnLLMAndToolIdentity() throws {
        let translation = try F.translate(file: "tools")
        let run = "agent-sdk:thr_weather:7a1f0c3e-0000-4000-8000-000000000001"
        let root = try #require(translation.start(run))
        #expect(root.parentUUID == nil && root.name == "invoke_agent" && root.category == "agent" && root.family == .v0_2)
        #expect(root.input == "What is the weather in Lyon and Paris?")
        #expect(root.metadata?["thread_id"] == "thr_weather" && root.metadata?["adapter.format"] == "agent-sdk")

        let turn = try #require(translation.start("\(run)/turn/1"))
        #expect(turn.parentUUID == run && turn.name == "agent.turn" && turn.category == "function")
        let llm = try #require(translation.start("\(run)/llm/1.1"))
        #expect(llm.parentUUID == "\(run)/turn/1" && llm.name == "chat" && llm.category == "llm")
        #expect(llm.timestamp == turn.timestamp)
        #expect(llm.input?["messages"]?.arrayValue?.first?["content"] == "What is the weather in Lyon and Paris?")
        #expect(ForeignFixture.inferred(llm).isEmpty)

        for id in ["toolu_01", "toolu_02"] {
            let tool = try #require(translation.start("\(run)/tool/\(id)"))
            #expect(tool.parentUUID == "\(run)/turn/1" && tool.name == "get_weather" && tool.category == "tool")
            #expect(tool.profile?["tool_call_id"] == .string(id))
            #expect(tool.metadata?["display_name"] == "Weather" && tool.metadata?["tier"] == "Observe")
        }
        #expect(translation.start("\(run)/turn/2")?.parentUUID == run)
        #expect(translation.start("\(run)/llm/2.1")?.input == nil)
        #expect(translation.warnings.isEmpty)
    }

    @Test("the LLM call ends at the first post-stream event and carries the turn's usage, normalized, and its tool calls")
    func llmCallEndsAtFirstPostStreamEvent() throws {
        let translation = try F.translate(file: "tools")
        let run = "agent-sdk:thr_weather:7a1f0c3e-0000-4000-8000-000000000001"
        let end = try #require(translation.end("\(run)/llm/1.1"))
        #expect(end.timestamp.description == "2026-11-21T10:00:00.900Z")  // the `thinking` event
        #expect(end.status == .ok)
        let usage = try #require(end.profile?["usage"])
        #expect(
            usage == [
                "prompt_tokens": 1200, "completion_tokens": 85, "total_tokens": 1285, "cache_read_tokens": 1000, "cache_write_tokens": 0,
            ])
        let message = try #require(end.output?["choices"]?.arrayValue?.first?["message"])
        #expect(message["reasoning_content"] == "Two cities, two lookups.")
        let calls = try #require(message["tool_calls"]?.arrayValue)
        #expect(calls.compactMap { $0["id"]?.stringValue } == ["toolu_01", "toolu_02"])
        #expect(calls.first?["function"]?["arguments"] == #"{"city":"Lyon"}"#)
        let chunks = translation.marks(named: "llm.chunk").filter { $0.parentUUID == "\(run)/llm/1.1" }
        #expect(chunks.count == 2)
        #expect(chunks.first?.metadata?["stream"] == "thinking")

        let second = try #require(translation.end("\(run)/llm/2.1"))
        #expect(second.output?["choices"]?.arrayValue?.first?["message"]?["content"] == "Paris is 14°C with rain; Lyon is unavailable.")
        #expect(translation.end(run)?.output == "Paris is 14°C with rain; Lyon is unavailable.")
        #expect(translation.end(run)?.metadata?["total_usage"]?["prompt_tokens"] == 2600)
    }

    @Test("interleaved parallel tool calls pair by id; a failed result is a tool_error")
    func parallelToolsPairById() throws {
        let translation = try F.translate(file: "tools")
        let run = "agent-sdk:thr_weather:7a1f0c3e-0000-4000-8000-000000000001"
        let lyon = try #require(translation.end("\(run)/tool/toolu_01"))
        #expect(lyon.timestamp.description == "2026-11-21T10:00:01.810Z")
        #expect(lyon.status == .error && lyon.error == ErrorInfo(type: "tool_error", message: "weather service timed out"))
        let paris = try #require(translation.end("\(run)/tool/toolu_02"))
        #expect(paris.timestamp.description == "2026-11-21T10:00:01.312Z" && paris.status == .ok)
        #expect(paris.output?["output"] == "Paris: 14°C, rain")
        let progress = try #require(translation.marks(named: "tool.progress").first)
        #expect(progress.parentUUID == "\(run)/tool/toolu_01" && progress.data?["stage"] == "fetching")
    }

    @Test("--model names the LLM calls and is flagged as inferred")
    func modelOptionIsFlagged() throws {
        let translation = try F.translate(file: "tools", options: AdapterOptions(model: "claude-sonnet-4-5"))
        let run = "agent-sdk:thr_weather:7a1f0c3e-0000-4000-8000-000000000001"
        let start = try #require(translation.start("\(run)/llm/1.1"))
        #expect(start.name == "chat claude-sonnet-4-5" && start.profile?["model_name"] == "claude-sonnet-4-5")
        #expect(start.input?["model"] == "claude-sonnet-4-5")
        #expect(ForeignFixture.inferred(start) == ["model"] && ForeignFixture.inferred(translation.end("\(run)/llm/1.1")) == ["model"])
        #expect(ForeignFixture.inferred(translation.start("\(run)/turn/1")).isEmpty)
        // A retried attempt's end repeats its start's flag, so the span lists both.
        let retried = try F.translate(file: "retries", options: AdapterOptions(model: "m"))
        let attempt = "agent-sdk:thr_retry:3c9e51b2-0000-4000-8000-000000000001/llm/1.2"
        #expect(ForeignFixture.inferred(retried.end(attempt)) == ["start_time", "model"])
    }

    // MARK: Retries, refusals, errors, cancellation

    @Test("auto_retry_start fails the attempt; the next starts after the backoff, flagged, and gets the usage")
    func retriesMakeAttempts() throws {
        let translation = try F.translate(file: "retries")
        let run = "agent-sdk:thr_retry:3c9e51b2-0000-4000-8000-000000000001"
        let failed = try #require(translation.end("\(run)/llm/1.1"))
        #expect(failed.status == .error && failed.error == ErrorInfo(type: "retryable_error", message: "rate limited (429)"))
        #expect(failed.timestamp.description == "2026-11-21T10:00:00.600Z" && failed.profile?["usage"] == nil)
        #expect(failed.metadata?["retry.delay_ms"] == 500)
        #expect(failed.output?["choices"]?.arrayValue?.first?["message"]?["content"] == "The rep")
        let retried = try #require(translation.start("\(run)/llm/1.2"))
        #expect(retried.timestamp.nanosecondsSinceEpoch == failed.timestamp.nanosecondsSinceEpoch + 500_000_000)
        #expect(ForeignFixture.inferred(retried) == ["start_time"])
        let retriedEnd = try #require(translation.end("\(run)/llm/1.2"))
        #expect(retriedEnd.timestamp.description == "2026-11-21T10:00:01.500Z" && retriedEnd.status == .ok)
        #expect(retriedEnd.profile?["usage"]?["cache_write_tokens"] == 2800)
        #expect(retriedEnd.output?["choices"]?.arrayValue?.first?["message"]?["content"] == "Revenue grew 12 %.")
        #expect(translation.marks(named: "llm.chunk").filter { $0.parentUUID == "\(run)/llm/1.2" }.count == 1)
    }

    @Test("a refusal ends the LLM call, the turn and the run with error refusal")
    func refusalEndsTheRun() throws {
        let translation = try F.translate(file: "retries")
        let run = "agent-sdk:thr_retry:3c9e51b2-0000-4000-8000-000000000010"
        let refusal = ErrorInfo(type: "refusal", message: "I can't help with that.")
        for uuid in [run, "\(run)/turn/2", "\(run)/llm/2.1"] {
            let end = try #require(translation.end(uuid))
            #expect(end.status == .error && end.error == refusal, "\(uuid)")
        }
        #expect(
            translation.end("\(run)/llm/2.1")?.output?["choices"]?.arrayValue?.first?["message"]?["refusal"] == "I can't help with that.")
    }

    @Test("a failed retry budget ends the attempt as retries_exhausted; a non-recoverable error ends the run as agent_error")
    func exhaustedRetriesAndFatalError() throws {
        let translation = try F.translate(file: "retries")
        let run = "agent-sdk:thr_retry:3c9e51b2-0000-4000-8000-000000000014"
        #expect(translation.end("\(run)/llm/3.1")?.error?.type == "retryable_error")
        let exhausted = try #require(translation.end("\(run)/llm/3.2"))
        #expect(exhausted.error == ErrorInfo(type: "retries_exhausted", message: "server error (500)"))
        let error = ErrorInfo(type: "agent_error", message: "LLM request failed after 1 retry: server error (500)")
        #expect(translation.end(run)?.error == error && translation.end("\(run)/turn/3")?.error == error)
        #expect(translation.warnings.isEmpty)
    }

    @Test("cancelled closes every open span cancelled; a finished stream's LLM call stays ok")
    func cancellationClosesOpenSpans() throws {
        let translation = try F.translate(file: "cancelled")
        let run = "agent-sdk:thr_cancel:b42d7e19-0000-4000-8000-000000000001"
        for uuid in [run, "\(run)/turn/2", "\(run)/tool/toolu_b1"] {
            let end = try #require(translation.end(uuid))
            #expect(end.status == .cancelled && end.timestamp.description == "2026-11-21T10:00:04.000Z", "\(uuid)")
        }
        let llm = try #require(translation.end("\(run)/llm/2.1"))
        #expect(llm.status == .ok && llm.timestamp.description == "2026-11-21T10:00:01.600Z")
        #expect(translation.end(run)?.metadata?["total_usage"]?["prompt_tokens"] == 9000)
        let recoverable = try #require(translation.marks(named: "error").first)
        #expect(recoverable.parentUUID == "\(run)/llm/2.1" && recoverable.data?["recoverable"] == true)
        #expect(translation.marks(named: "context_compacted").first?.parentUUID == "\(run)/turn/1")
    }

    @Test("an unknown type is a mark agent-sdk.<type> on the innermost open span, warned once with a count at the end")
    func unknownTypeBecomesAMark() throws {
        let translation = try F.translate(file: "cancelled")
        let run = "agent-sdk:thr_cancel:b42d7e19-0000-4000-8000-000000000001"
        let mark = try #require(translation.marks(named: "agent-sdk.memory_flushed").first)
        #expect(mark.parentUUID == "\(run)/tool/toolu_b1" && mark.data?["entries"] == 3 && mark.data?["type"] == "memory_flushed")
        #expect(translation.notes.filter { $0.message.contains("memory_flushed") }.map(\.line) == [14, nil])
    }

    // MARK: Nesting, confirmation, retried turns

    @Test("a subagent's run nests under the tool call whose subagent_progress named its thread, with the subagent's model")
    func nestedRunUnderTheSpawningTool() throws {
        let translation = try F.translate(file: "nested")
        let parent = "agent-sdk:thr_parent:5d0e8a47-0000-4000-8000-000000000001"
        let child = "agent-sdk:thr_child:5d0e8a47-0000-4000-8000-000000000007"
        let childRoot = try #require(translation.start(child))
        #expect(childRoot.parentUUID == "\(parent)/tool/toolu_sub" && ForeignFixture.inferred(childRoot).isEmpty)
        #expect(childRoot.metadata?["thread_id"] == "thr_child")
        let childLLM = try #require(translation.start("\(child)/llm/1.1"))
        #expect(childLLM.name == "chat claude-haiku-4-5" && ForeignFixture.inferred(childLLM) == ["model"])
        #expect(translation.start("\(parent)/llm/1.1")?.name == "chat")
        #expect(translation.end(child)?.status == .ok && translation.end(parent)?.status == .ok)
        // The parent's progress event between the child's events goes to the parent's tool.
        let progress = translation.marks(named: "subagent.progress")
        #expect(progress.count == 3 && progress.allSatisfy { $0.parentUUID == "\(parent)/tool/toolu_sub" })
        let tool = try #require(translation.end("\(parent)/tool/toolu_sub"))
        #expect(tool.metadata?["subagent.nickname"] == "Zara" && tool.metadata?["subagent.total_tokens"] == 1970)
        #expect(translation.start("\(child)/tool/toolu_c1")?.parentUUID == "\(child)/turn/1")
        #expect(translation.warnings.isEmpty)

        // --model names the parent's calls; the subagent keeps the model it reported.
        let named = try F.translate(file: "nested", options: AdapterOptions(model: "claude-sonnet-4-5"))
        #expect(named.start("\(parent)/llm/1.1")?.name == "chat claude-sonnet-4-5")
        #expect(named.start("\(child)/llm/1.1")?.name == "chat claude-haiku-4-5")
    }

    @Test("without a subagent_progress link, a run of another thread nests under the open tool, flagged parent")
    func nestedRunWithoutLinkIsFlagged() throws {
        let translation = try F.translate([
            F.line(1, "user_input", at: "00.000", #""thread_id":"a","content":[{"type":"text","text":"go"}]"#),
            F.line(2, "start", at: "00.010", #""thread_id":"a","turn":1"#),
            F.line(3, "tool_call_start", at: "00.100", #""id":"t1","name":"task","display_name":"Task","input":{},"tier":"Observe""#),
            F.line(4, "start", at: "00.200", #""thread_id":"b","turn":1"#, sequence: 0),
        ])
        let child = F.runKey("b", 4)
        #expect(translation.start(child)?.parentUUID == "\(F.runKey("a", 1))/tool/t1")
        #expect(ForeignFixture.inferred(translation.start(child)) == ["parent"])
        #expect(translation.start("\(child)/turn/1")?.parentUUID == child)
        // `done` names its thread, so it ends the parent run even while the child is on top.
        let done = try F.translate([
            F.line(1, "start", at: "00.000", #""thread_id":"a","turn":1"#),
            F.line(2, "start", at: "00.200", #""thread_id":"b","turn":1"#, sequence: 0),
            F.line(3, "done", at: "00.300", #""thread_id":"a","total_turns":1,"total_usage":{},"duration_ms":300"#),
        ])
        #expect(done.end(F.runKey("a", 1))?.status == .ok && done.end(F.runKey("b", 2)) == nil)
    }

    @Test("a run stopped at tool_requires_confirmation ends awaiting_confirmation; the resumed tool has no LLM call")
    func confirmationSuspendsTheRun() throws {
        let translation = try F.translate(file: "confirmation")
        let first = "agent-sdk:thr_pay:c81b3f60-0000-4000-8000-000000000001"
        for uuid in [first, "\(first)/turn/2"] {
            let end = try #require(translation.end(uuid))
            #expect(end.status == .other("awaiting_confirmation") && end.timestamp.description == "2026-11-21T10:00:01.200Z")
            #expect(Set(ForeignFixture.inferred(end)) == ["end", "end_time"])
        }
        let llm = try #require(translation.end("\(first)/llm/2.1"))
        #expect(llm.output?["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue?.first?["id"] == "toolu_pay")
        #expect(translation.marks(named: "tool.requires_confirmation").first?.category == "guardrail")
        let second = "agent-sdk:thr_pay:c81b3f60-0000-4000-8000-000000000010"
        #expect(translation.start("\(second)/tool/toolu_pay")?.parentUUID == "\(second)/turn/3")
        #expect(translation.start("\(second)/llm/3.1") == nil)
        #expect(translation.start("\(second)/llm/4.1") != nil)
        #expect(translation.warnings.isEmpty)
    }

    @Test("a repeated start of the same turn closes the first attempt as retried and opens turn N#2")
    func retriedTurnTask() throws {
        let translation = try F.translate([
            F.line(1, "start", at: "00.000", #""thread_id":"t","turn":1"#),
            F.line(2, "text_delta", at: "00.100", #""message_id":"m1","delta":"par""#),
            F.line(3, "start", at: "00.500", #""thread_id":"t","turn":1"#),
            F.line(4, "text", at: "00.900", #""message_id":"m2","text":"done""#),
            F.line(5, "turn_complete", at: "01.000", #""turn":1,"usage":{"input_tokens":10,"output_tokens":2}"#),
            F.line(
                6, "done", at: "01.010",
                #""thread_id":"t","total_turns":1,"total_usage":{"input_tokens":10,"output_tokens":2},"duration_ms":1010"#),
        ])
        let run = F.runKey("t", 1)
        let retried = ErrorInfo(type: "retried", message: "turn 1 was started again (a retried turn task)")
        #expect(translation.end("\(run)/turn/1")?.error == retried && translation.end("\(run)/llm/1.1")?.error == retried)
        #expect(translation.start("\(run)/turn/1#2")?.parentUUID == run)
        #expect(translation.end("\(run)/llm/1#2.1")?.profile?["usage"]?["prompt_tokens"] == 10)
        #expect(translation.end(run)?.status == .ok)
    }

    // MARK: Bad and partial input

    @Test("a run without a terminal event leaves its open spans unended and says so")
    func missingTerminalLeavesSpansOpen() throws {
        let translation = try F.translate([
            F.line(1, "user_input", at: "00.000", #""thread_id":"t","content":[{"type":"text","text":"hi"}]"#),
            F.line(2, "start", at: "00.010", #""thread_id":"t","turn":1"#),
            F.line(3, "text_delta", at: "00.100", #""message_id":"m","delta":"he""#),
        ])
        let run = F.runKey("t", 1)
        #expect(translation.start("\(run)/llm/1.1") != nil && translation.end("\(run)/llm/1.1") == nil)
        #expect(translation.end(run) == nil && translation.end("\(run)/turn/1") == nil)
        #expect(translation.notes.contains { $0.line == 3 && $0.message.contains("no terminal event") })
    }

    @Test("a repeated event_id is skipped with a warning")
    func duplicateEventIsSkipped() throws {
        let delta = F.line(3, "text_delta", at: "00.100", #""message_id":"m","delta":"he""#)
        let translation = try F.translate([
            F.line(1, "start", at: "00.000", #""thread_id":"t","turn":1"#), delta, delta,
            F.line(4, "cancelled", at: "00.200", #""turn":1,"usage":{"input_tokens":1,"output_tokens":0}"#),
        ])
        #expect(translation.marks(named: "llm.chunk").count == 1)
        #expect(translation.notes.contains { $0.line == 3 && $0.message.contains("already read") })
        #expect(translation.end("\(F.runKey("t", 1))/llm/1.1")?.status == .cancelled)
    }

    @Test("a known type without the members it needs is a warning naming the line and a mark")
    func unexpectedShapeIsKept() throws {
        let translation = try F.translate([
            F.line(1, "start", at: "00.000", #""thread_id":"t","turn":1"#),
            F.line(2, "tool_call_start", at: "00.100", #""name":"bash","input":{}"#),
            F.line(3, "tool_call_end", at: "00.200", #""id":"ghost","name":"bash","result":{"success":true,"output":"ok"}"#),
            F.line(4, "done", at: "00.300", #""thread_id":"t","total_turns":1,"total_usage":{},"duration_ms":300"#),
        ])
        #expect(translation.marks(named: "agent-sdk.tool_call_start").count == 1)
        #expect(translation.notes.contains { $0.line == 2 && $0.message.contains("id and name") })
        #expect(translation.end("\(F.runKey("t", 1))/tool/ghost")?.status == .ok)
        #expect(translation.notes.contains { $0.line == 3 && $0.message.contains("did not start") })
    }

    @Test("forced bare AgentEvents (no envelope) are read in order with inferred times and one warning")
    func bareEventsHaveInferredTimes() throws {
        let translation = try F.translate([
            #"{"type":"start","thread_id":"t","turn":1}"#,
            #"{"type":"text","message_id":"m","text":"hi"}"#,
            #"{"type":"turn_complete","turn":1,"usage":{"input_tokens":3,"output_tokens":1}}"#,
            #"{"type":"done","thread_id":"t","total_turns":1,"total_usage":{"input_tokens":3,"output_tokens":1},"duration_ms":5}"#,
        ])
        let run = "agent-sdk:t:line1"
        #expect(translation.end("\(run)/llm/1.1")?.status == .ok && translation.end(run)?.status == .ok)
        #expect(ForeignFixture.inferred(translation.start(run)) == ["start_time"])
        #expect(translation.notes.filter { $0.message.contains("without its envelope") }.count == 1)
    }

    @Test("live input: an LLM end held longer than maximumHold is emitted without usage, which stays on the turn")
    func liveHoldReleasesTheLLMEnd() throws {
        let lines = [
            F.line(1, "start", at: "00.000", #""thread_id":"t","turn":1"#),
            F.line(2, "text", at: "00.500", #""message_id":"m","text":"running it""#),
            F.line(3, "tool_call_start", at: "00.510", #""id":"c1","name":"bash","input":{},"tier":"Observe""#),
            F.line(4, "tool_call_end", at: "07.000", #""id":"c1","name":"bash","result":{"success":true,"output":"ok"}"#),
            F.line(5, "turn_complete", at: "07.010", #""turn":1,"usage":{"input_tokens":10,"output_tokens":2}"#),
        ]
        let run = F.runKey("t", 1)
        let live = try F.translate(lines, options: AdapterOptions(maximumHold: 5_000_000_000))
        let end = try #require(live.end("\(run)/llm/1.1"))
        #expect(end.timestamp.description == "2026-11-21T10:00:00.500Z" && end.profile?["usage"] == nil)
        let endIndex = try #require(live.events.firstIndex { $0.uuid == "\(run)/llm/1.1" && $0.kind == .scopeEnd })
        let toolEndIndex = try #require(live.events.firstIndex { $0.uuid == "\(run)/tool/c1" && $0.kind == .scopeEnd })
        #expect(endIndex < toolEndIndex)
        #expect(live.end("\(run)/turn/1")?.metadata?["usage"]?["prompt_tokens"] == 10)
        let offline = try F.translate(lines)
        #expect(offline.end("\(run)/llm/1.1")?.profile?["usage"]?["prompt_tokens"] == 10)
    }

    @Test("an event outside a run (before any, or after a terminal event) opens a run at that event, with a warning")
    func eventsOutsideARun() throws {
        let translation = try F.translate([
            F.line(1, "text", at: "00.000", #""message_id":"m","text":"hi""#),
            F.line(2, "done", at: "00.100", #""total_turns":0,"total_usage":{},"duration_ms":100"#),
            F.line(3, "context_compacted", at: "00.200", #""original_count":4,"new_count":2,"original_tokens":40,"new_tokens":20"#),
        ])
        let first = "agent-sdk:_:00000000-0000-4000-8000-000000000001"
        #expect(translation.start(first)?.name == "invoke_agent" && translation.end(first)?.output == "hi")
        #expect(
            ForeignFixture.inferred(translation.start(first)) == ["start_time"]
                && ForeignFixture.inferred(translation.end(first)) == ["start_time"])
        let second = "agent-sdk:_:00000000-0000-4000-8000-000000000003"
        #expect(translation.marks(named: "context_compacted").first?.parentUUID == second)
        #expect(translation.notes.filter { $0.message.contains("outside a run") }.map(\.line) == [1, 3])
    }
}
