import ATOF
import Testing

@testable import ATOFBridge

/// The agtrace translator on small inputs: the reconstruction rules of adapters.md §5.2 and §5.4.
@Suite struct AgtraceAdapterTests {
    typealias F = AgtraceFixtures

    static let side: JSONValue = ["stream_type": "sidechain", "stream_data": ["agent_id": "ag1"]]

    @Test("recognizes the envelope, never a generic type alone")
    func recognition() {
        #expect(AgtraceAdapter.recognizes(F.object(1, "user", ["text": "hi"], at: "00.000")))
        var withoutParent = F.object(1, "user", ["text": "hi"], at: "00.000")
        withoutParent["parent_id"] = nil
        #expect(AgtraceAdapter.recognizes(withoutParent), "stream_id.stream_type is enough")
        withoutParent["stream_id"] = nil
        #expect(!AgtraceAdapter.recognizes(withoutParent), "neither parent_id nor stream_id")
        #expect(!AgtraceAdapter.recognizes(JSONObject(["type": "user", "content": ["text": "hi"]])))
        var noContent = F.object(1, "user", ["text": "hi"], at: "00.000")
        noContent["content"] = "hi"
        #expect(!AgtraceAdapter.recognizes(noContent))
        #expect(!AgtraceAdapter.recognizes(JSONObject(["event_id": "x", "sequence": 1, "timestamp": "t", "type": "turn_started"])))
    }

    @Test("a user message opens a turn under the session root; finish closes both as implied ends")
    func sessionAndTurn() throws {
        let translation = F.translate([
            F.object(1, "user", ["text": "hello"], at: "00.000"),
            F.object(2, "message", ["text": "hi there"], at: "01.500", parent: 1),
        ])
        let root = try translation.event(.scopeStart, F.session)
        #expect(root.name == "agtrace.session" && root.category == "agent" && root.parentUUID == nil)
        #expect(root.family == .v0_2)
        #expect(root.metadata?["session_id"] == .string(F.session))
        #expect(root.metadata?["adapter.format"] == "agtrace")
        let turn = try translation.event(.scopeStart, F.id(1))
        #expect(turn.name == "agent.turn" && turn.category == "function" && turn.parentUUID == F.session)
        #expect(turn.input == "hello")
        #expect(turn.timestamp == (try Timestamp(rfc3339: "2026-01-12T09:00:00.000Z")))
        let turnEnd = try translation.event(.scopeEnd, F.id(1))
        #expect(turnEnd.output == "hi there")
        #expect(turnEnd.status == nil)
        #expect(ForeignFixture.inferred(turnEnd) == ["end", "end_time"])
        #expect(turnEnd.timestamp.nanosecondsSinceEpoch == (try Timestamp(rfc3339: "2026-01-12T09:00:01.500Z")).nanosecondsSinceEpoch)
        let rootEnd = try translation.event(.scopeEnd, F.session)
        #expect(ForeignFixture.inferred(rootEnd) == ["end", "end_time"])
        #expect(rootEnd.status == nil)
        #expect(translation.notes.isEmpty)
    }

    @Test("the next user message ends the turn at the last event before it")
    func turnEndsBeforeTheNextUser() throws {
        let translation = F.translate([
            F.object(1, "user", ["text": "one"], at: "00.000"),
            F.object(2, "message", ["text": "first answer"], at: "02.000", parent: 1),
            F.object(3, "user", ["text": "two"], at: "10.000", parent: 2),
        ])
        let first = try translation.event(.scopeEnd, F.id(1))
        #expect(first.timestamp.nanosecondsSinceEpoch == (try Timestamp(rfc3339: "2026-01-12T09:00:02Z")).nanosecondsSinceEpoch)
        #expect(first.output == "first answer")
        #expect(try translation.event(.scopeStart, F.id(3)).parentUUID == F.session)
    }

    @Test("one response in several records is one LLM call from its trigger, with the usage counted once")
    func generationGroupsByMessageID() throws {
        let translation = F.translate([
            F.object(1, "user", ["text": "q"], at: "00.000"),
            F.object(2, "reasoning", ["text": "think"], at: "02.000", parent: 1, metadata: F.claude("msg_1")),
            F.object(
                3, "token_usage", F.usage(cached: 100, uncached: 20, generated: 7, reasoning: 3), at: "02.000", parent: 2,
                metadata: F.claude("msg_1")),
            F.object(4, "message", ["text": "answer"], at: "03.000", parent: 3, metadata: F.claude("msg_1")),
            F.object(
                5, "token_usage", F.usage(cached: 100, uncached: 20, generated: 7, reasoning: 3), at: "03.000", parent: 4,
                metadata: F.claude("msg_1")),
        ])
        let llmStarts = translation.events.filter { $0.kind == .scopeStart && $0.category == "llm" }
        #expect(llmStarts.count == 1)
        let start = try translation.event(.scopeStart, "agtrace:llm:\(F.id(2))")
        #expect(start.name == "chat claude-sonnet-4-5")
        #expect(start.parentUUID == F.id(1))
        #expect(start.timestamp.nanosecondsSinceEpoch == (try Timestamp(rfc3339: "2026-01-12T09:00:00Z")).nanosecondsSinceEpoch)
        #expect(ForeignFixture.inferred(start) == ["start_time"])
        #expect(start.profile?["model_name"] == "claude-sonnet-4-5")
        #expect(start.input?["messages"] == [["role": "user", "content": "q"]])
        let end = try translation.event(.scopeEnd, "agtrace:llm:\(F.id(2))")
        #expect(end.timestamp.nanosecondsSinceEpoch == (try Timestamp(rfc3339: "2026-01-12T09:00:03Z")).nanosecondsSinceEpoch)
        #expect(end.status == nil, "agtrace states no LLM outcome")
        #expect(
            end.profile?["usage"]
                == ["prompt_tokens": 120, "completion_tokens": 10, "total_tokens": 130, "cache_read_tokens": 100])
        let message = end.output?["choices"]?.arrayValue?.first?["message"]
        #expect(message?["content"] == "answer")
        #expect(message?["reasoning_content"] == "think")
        #expect(end.metadata?["message_id"] == "msg_1")
        #expect(translation.notes.isEmpty, "repeated usage is dropped silently: it is the same record")
    }

    @Test("newer usage records: cache_read and cache_write add to the prompt, partial counts give way to final ones")
    func newerUsageSchema() throws {
        let translation = F.translate([
            F.object(1, "user", ["text": "q"], at: "00.000"),
            F.object(2, "message", ["text": "a"], at: "01.000", parent: 1),
            F.object(
                3, "token_usage",
                ["input": ["uncached": 5, "cache_read": 50], "output": ["generated": 1], "completeness": "partial_output"],
                at: "01.000", parent: 2),
            F.object(
                4, "token_usage", ["input": ["uncached": 10, "cache_read": 50, "cache_write": 40], "output": ["generated": 9]],
                at: "01.000",
                parent: 3),
        ])
        let end = try translation.event(.scopeEnd, "agtrace:llm:\(F.id(2))")
        #expect(
            end.profile?["usage"]
                == ["prompt_tokens": 100, "completion_tokens": 9, "total_tokens": 109, "cache_read_tokens": 50, "cache_write_tokens": 40])
        #expect(translation.notes.isEmpty)
    }

    @Test("tool calls pair by tool_call_id, not parent_id; is_error gives an error with the output's first line")
    func toolPairs() throws {
        let translation = F.translate([
            F.object(1, "user", ["text": "run"], at: "00.000"),
            F.object(
                2, "tool_call", ["name": "Bash", "arguments": ["command": "make"], "provider_call_id": "toolu_1"], at: "01.000", parent: 1),
            F.object(3, "token_usage", F.usage(cached: 0, uncached: 10, generated: 2), at: "01.000", parent: 2),
            F.object(
                4, "tool_result", ["output": "make: *** no rule\nstop", "tool_call_id": .string(F.id(2)), "is_error": true], at: "04.000",
                parent: 3),
        ])
        let start = try translation.event(.scopeStart, F.id(2))
        #expect(start.name == "Bash" && start.category == "tool" && start.parentUUID == F.id(1))
        #expect(start.input == ["command": "make"])
        #expect(start.profile?["tool_call_id"] == "toolu_1")
        let end = try translation.event(.scopeEnd, F.id(2))
        #expect(end.parentUUID == F.id(1), "the tool_result's parent_id names the token_usage, which is not its parent")
        #expect(end.status == .error)
        #expect(end.error == ErrorInfo(type: "tool_error", message: "make: *** no rule"))
        #expect(end.output == "make: *** no rule\nstop")
        let llmEnd = try translation.event(.scopeEnd, "agtrace:llm:\(F.id(2))")
        let call = llmEnd.output?["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue?.first
        #expect(call == ["id": "toolu_1", "type": "function", "function": ["name": "Bash", "arguments": #"{"command":"make"}"#]])
    }

    @Test("parallel tool calls of one response share the LLM call and end in their own order")
    func parallelToolCalls() throws {
        let translation = F.translate([
            F.object(1, "user", ["text": "read"], at: "00.000"),
            F.object(
                2, "tool_call", ["name": "Read", "arguments": ["p": "a"], "provider_call_id": "A"], at: "01.000", parent: 1,
                metadata: F.claude("m")),
            F.object(
                3, "tool_call", ["name": "Read", "arguments": ["p": "b"], "provider_call_id": "B"], at: "01.000", parent: 2,
                metadata: F.claude("m")),
            F.object(4, "tool_result", ["output": "b", "tool_call_id": .string(F.id(3))], at: "01.200", parent: 3),
            F.object(5, "tool_result", ["output": "a", "tool_call_id": .string(F.id(2))], at: "01.300", parent: 4),
            F.object(6, "message", ["text": "done"], at: "02.000", parent: 5, metadata: F.claude("n")),
        ])
        let llm = translation.events.filter { $0.kind == .scopeEnd && $0.category == "llm" }
        #expect(llm.count == 2)
        #expect(llm.first?.output?["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue?.count == 2)
        #expect(try translation.event(.scopeEnd, F.id(3)).status == .ok)
        #expect(try translation.event(.scopeEnd, F.id(2)).status == .ok)
        let second = try translation.event(.scopeStart, "agtrace:llm:\(F.id(6))")
        #expect(second.timestamp.nanosecondsSinceEpoch == (try Timestamp(rfc3339: "2026-01-12T09:00:01.300Z")).nanosecondsSinceEpoch)
        #expect(second.input?["messages"]?.arrayValue?.map { $0["tool_call_id"] } == ["B", "A"])
    }

    @Test("a late usage sidecar joins the generation just broken off; the next one still starts at the tool result")
    func lateUsage() throws {
        let translation = F.translate([
            F.object(1, "user", ["text": "go"], at: "00.000"),
            F.object(
                2, "tool_call", ["name": "shell", "arguments": ["command": ["ls"]]], at: "01.000", parent: 1,
                metadata: ["model": "gpt-5-codex"]),
            F.object(3, "tool_result", ["output": "x", "tool_call_id": .string(F.id(2))], at: "02.000", parent: 2),
            F.object(4, "token_usage", F.usage(cached: 0, uncached: 30, generated: 4), at: "02.100", parent: 3),
            F.object(5, "message", ["text": "ok"], at: "03.000", parent: 4, metadata: ["model": "gpt-5-codex"]),
        ])
        let first = try translation.event(.scopeEnd, "agtrace:llm:\(F.id(2))")
        #expect(first.name == "chat gpt-5-codex")
        #expect(first.profile?["usage"]?["prompt_tokens"] == 30)
        #expect(first.timestamp.nanosecondsSinceEpoch == (try Timestamp(rfc3339: "2026-01-12T09:00:01Z")).nanosecondsSinceEpoch)
        let second = try translation.event(.scopeStart, "agtrace:llm:\(F.id(5))")
        #expect(second.timestamp.nanosecondsSinceEpoch == (try Timestamp(rfc3339: "2026-01-12T09:00:02Z")).nanosecondsSinceEpoch)
        #expect(try translation.event(.scopeEnd, "agtrace:llm:\(F.id(5))").profile?["usage"] == nil)
    }

    @Test("a sidechain becomes an agent under the tool whose result names its agent_id")
    func linkedSidechain() throws {
        let translation = F.translate([
            F.object(1, "user", ["text": "delegate"], at: "00.000"),
            F.object(2, "tool_call", ["name": "Task", "arguments": ["prompt": "p"]], at: "01.000", parent: 1),
            F.object(3, "user", ["text": "p"], at: "01.100", stream: Self.side),
            F.object(4, "message", ["text": "sub answer"], at: "02.000", parent: 3, stream: Self.side),
            F.object(
                5, "tool_result", ["output": "sub answer", "tool_call_id": .string(F.id(2)), "agent_id": "ag1"], at: "02.500", parent: 2),
        ])
        let uuid = "agtrace:stream:\(F.session)/sidechain/ag1"
        let start = try translation.event(.scopeStart, uuid)
        #expect(start.name == "agtrace.sidechain ag1" && start.category == "agent")
        #expect(start.parentUUID == F.id(2))
        #expect(start.input == "p")
        #expect(start.metadata?["agent_id"] == "ag1")
        let end = try translation.event(.scopeEnd, uuid)
        #expect(ForeignFixture.inferred(end) == ["end", "end_time"], "the link is exact: no parent flag")
        #expect(end.output == "sub answer")
        #expect(end.timestamp.nanosecondsSinceEpoch == (try Timestamp(rfc3339: "2026-01-12T09:00:02Z")).nanosecondsSinceEpoch)
        #expect(try translation.event(.scopeStart, "agtrace:llm:\(F.id(4))").parentUUID == uuid)
        #expect(
            translation.events.allSatisfy { $0.kind != .scopeStart || $0.category != "function" || $0.uuid == F.id(1) },
            "no turn inside a sidechain")
    }

    @Test("a stream that no result names falls back to the spawning tool open when it began, flagged parent")
    func unlinkedSubagent() throws {
        let sub: JSONValue = ["stream_type": "subagent", "stream_data": ["name": "explorer"]]
        let translation = F.translate([
            F.object(1, "user", ["text": "go"], at: "00.000"),
            F.object(2, "tool_call", ["name": "Task", "arguments": [:]], at: "01.000", parent: 1),
            F.object(3, "message", ["text": "exploring"], at: "01.500", stream: sub),
        ])
        let uuid = "agtrace:stream:\(F.session)/subagent/explorer"
        let start = try translation.event(.scopeStart, uuid)
        #expect(start.name == "agtrace.subagent explorer")
        #expect(start.parentUUID == F.id(2))
        #expect(ForeignFixture.inferred(try translation.event(.scopeEnd, uuid)) == ["parent", "end", "end_time"])
        #expect(translation.events.filter { $0.uuid == F.id(2) }.count == 1, "the Task call without a result stays unended")
    }

    @Test("turn_end states the outcome: interrupted is cancelled, failed is an error")
    func turnOutcomes() throws {
        let translation = F.translate([
            F.object(1, "user", ["text": "a"], at: "00.000"),
            F.object(2, "turn_end", ["outcome": ["outcome": "interrupted"], "duration_ms": 900], at: "00.900", parent: 1),
            F.object(3, "user", ["text": "b"], at: "05.000", parent: 2),
            F.object(4, "turn_end", ["outcome": ["outcome": "failed", "error": "boom"], "turn_id": "t2"], at: "06.000", parent: 3),
            F.object(5, "user", ["text": "c"], at: "07.000", parent: 4),
            F.object(6, "turn_end", ["outcome": ["outcome": "completed"]], at: "08.000", parent: 5),
        ])
        let interrupted = try translation.event(.scopeEnd, F.id(1))
        #expect(interrupted.status == .cancelled)
        #expect(ForeignFixture.inferred(interrupted).isEmpty)
        #expect(interrupted.metadata?["duration_ms"] == 900)
        let failed = try translation.event(.scopeEnd, F.id(3))
        #expect(failed.status == .error && failed.error == ErrorInfo(type: "turn_failed", message: "boom"))
        #expect(failed.metadata?["turn_id"] == "t2")
        #expect(try translation.event(.scopeEnd, F.id(5)).status == .ok)
        #expect(translation.events.filter { $0.kind == .scopeEnd && $0.category == "function" }.count == 3)
    }

    @Test("informational payloads are marks on the open turn; an unknown type is a mark agtrace.<type>, warned once and counted")
    func marks() throws {
        let translation = F.translate([
            F.object(1, "slash_command", ["name": "/review"], at: "00.000"),
            F.object(2, "user", ["text": "a"], at: "00.100", parent: 1),
            F.object(3, "notification", ["text": "careful", "level": "warning"], at: "00.200", parent: 2),
            F.object(4, "hologram", ["x": 1], at: "00.300", parent: 3, metadata: ["raw": "big"]),
            F.object(5, "hologram", ["x": 2], at: "00.400", parent: 4),
        ])
        let command = try translation.event(.mark, F.id(1))
        #expect(command.name == "slash_command" && command.parentUUID == F.session && command.category == nil)
        let notification = try translation.event(.mark, F.id(3))
        #expect(notification.parentUUID == F.id(2))
        #expect(notification.metadata?["level"] == "warning")
        #expect(notification.data == ["text": "careful", "level": "warning"])
        let unknown = try translation.event(.mark, F.id(4))
        #expect(unknown.name == "agtrace.hologram")
        #expect(unknown.data?["content"] == ["x": 1])
        #expect(unknown.data?["type"] == "hologram")
        #expect(unknown.data?["metadata"] == nil, "the raw provider record is not copied")
        #expect(try translation.event(.mark, F.id(5)).name == "agtrace.hologram")
        #expect(translation.notes.count == 2)
        #expect(translation.notes.first?.line == 4)
        #expect(translation.notes.last?.line == nil && translation.notes.last?.message.contains("2 agtrace events") == true)
    }

    @Test("a line without a usable timestamp is warned about and timed by InferredTimes")
    func missingTimestamp() throws {
        var broken = F.object(2, "notification", ["text": "n"], at: "01.000", parent: 1)
        broken["timestamp"] = "yesterday"
        let translation = F.translate([
            F.object(1, "user", ["text": "a"], at: "00.000"), broken, F.object(3, "message", ["text": "b"], at: "02.000", parent: 2),
        ])
        #expect(translation.notes.map(\.line) == [2])
        let mark = try translation.event(.mark, F.id(2))
        #expect(mark.timestamp.nanosecondsSinceEpoch == (try Timestamp(rfc3339: "2026-01-12T09:00:00Z")).nanosecondsSinceEpoch)
        #expect(ForeignFixture.inferred(mark) == ["start_time"])
    }

    @Test("a scope whose start time was inferred lists start_time on its end too, where span metadata comes from")
    func inferredStartOnTheEnd() throws {
        var user = F.object(1, "user", ["text": "a"], at: "00.000")
        user["timestamp"] = .null
        var call = F.object(2, "tool_call", ["name": "Read", "arguments": [:]], at: "01.000", parent: 1)
        call["timestamp"] = "later"
        let translation = F.translate([
            F.object(0, "notification", ["text": "first"], at: "00.000"), user, call,
            F.object(3, "tool_result", ["output": "x", "tool_call_id": .string(F.id(2))], at: "02.000", parent: 2),
        ])
        #expect(ForeignFixture.inferred(try translation.event(.scopeEnd, F.id(1))) == ["start_time", "end", "end_time"])
        #expect(ForeignFixture.inferred(try translation.event(.scopeEnd, F.id(2))) == ["start_time"])
        #expect(ForeignFixture.inferred(try translation.event(.scopeEnd, F.session)) == ["end", "end_time"])
        let spans = ForeignFixture.spans(translation.items)
        let turn = try #require(spans.first { $0.name == "agent.turn" })
        #expect(turn[attribute: "atof.inferred"] == .stringArray(["start_time", "end", "end_time"]))
    }

    @Test("--model names the model where the input never does, flagged model")
    func modelFromOptions() throws {
        let objects = [F.object(1, "user", ["text": "a"], at: "00.000"), F.object(2, "message", ["text": "b"], at: "01.000", parent: 1)]
        let plain = try F.translate(objects).event(.scopeStart, "agtrace:llm:\(F.id(2))")
        #expect(plain.name == "chat" && plain.profile == nil)
        let named = try F.translate(objects, options: AdapterOptions(model: "gemini-2.5-pro")).event(.scopeStart, "agtrace:llm:\(F.id(2))")
        #expect(named.name == "chat gemini-2.5-pro")
        #expect(ForeignFixture.inferred(named) == ["start_time", "model"])
    }

    @Test("a line that is not usable is a warning naming it, and the lines around it are read")
    func unusableLine() {
        var noContent = F.object(2, "message", ["text": "x"], at: "01.000", parent: 1)
        noContent["content"] = nil
        let translation = F.translate([F.object(1, "user", ["text": "a"], at: "00.000"), noContent])
        #expect(translation.notes.map(\.line) == [2])
        #expect(translation.notes.first?.severity == .warning)
        #expect(translation.events.count == 4, "session and turn, started and ended")
    }

    @Test("interleaved sessions get a root each, with their own turns")
    func twoSessions() throws {
        let other = "5e55b000-0000-4000-8000-000000000000"
        let translation = F.translate([
            F.object(1, "user", ["text": "a"], at: "00.000"),
            F.object(2, "user", ["text": "b"], at: "00.500", session: other),
            F.object(3, "message", ["text": "for a"], at: "01.000", parent: 1),
        ])
        #expect(translation.events.filter { $0.kind == .scopeStart && $0.name == "agtrace.session" }.map(\.uuid) == [F.session, other])
        #expect(try translation.event(.scopeStart, F.id(2)).parentUUID == other)
        #expect(try translation.event(.scopeEnd, F.id(1)).output == "for a")
        #expect(try translation.event(.scopeEnd, F.id(2)).output == nil)
    }

    @Test("parallel subagents wait for their links and each goes under its own Task call")
    func parallelSubagents() throws {
        let one: JSONValue = ["stream_type": "sidechain", "stream_data": ["agent_id": "one"]]
        let two: JSONValue = ["stream_type": "sidechain", "stream_data": ["agent_id": "two"]]
        let translation = F.translate([
            F.object(1, "user", ["text": "split"], at: "00.000"),
            F.object(2, "tool_call", ["name": "Task", "arguments": ["prompt": "1"]], at: "01.000", parent: 1, metadata: F.claude("m")),
            F.object(3, "tool_call", ["name": "Task", "arguments": ["prompt": "2"]], at: "01.000", parent: 2, metadata: F.claude("m")),
            F.object(4, "user", ["text": "1"], at: "01.100", stream: one),
            F.object(5, "user", ["text": "2"], at: "01.100", stream: two),
            F.object(6, "message", ["text": "two done"], at: "02.000", parent: 5, stream: two),
            F.object(7, "message", ["text": "one done"], at: "03.000", parent: 4, stream: one),
            F.object(
                8, "tool_result", ["output": "two done", "tool_call_id": .string(F.id(3)), "agent_id": "two"], at: "03.100", parent: 3),
            F.object(
                9, "tool_result", ["output": "one done", "tool_call_id": .string(F.id(2)), "agent_id": "one"], at: "03.200", parent: 8),
        ])
        for (agent, tool) in [("one", F.id(2)), ("two", F.id(3))] {
            let uuid = "agtrace:stream:\(F.session)/sidechain/\(agent)"
            #expect(try translation.event(.scopeStart, uuid).parentUUID == tool)
            #expect(ForeignFixture.inferred(try translation.event(.scopeEnd, uuid)) == ["end", "end_time"])
        }
    }

    @Test("odd shapes are read leniently or warned about, never a crash or a silent drop")
    func oddShapes() throws {
        let translation = F.translate([
            F.object(1, "user", ["text": 42], at: "00.000", stream: "main"),
            F.object(2, "tool_call", ["arguments": "ls -la", "provider_call_id": 7], at: "01.000", parent: 1),
            F.object(3, "token_usage", ["input": ["uncached": -5, "cached": "many"], "output": [:]], at: "01.000", parent: 2),
            F.object(
                4, "tool_result", ["output": ["lines": 3], "tool_call_id": .string(F.id(2)), "is_error": "yes"], at: "02.000", parent: 3),
            F.object(5, "tool_result", ["output": "orphan", "tool_call_id": "no-such-call"], at: "02.500", parent: 4),
            F.object(6, "turn_end", ["outcome": 3], at: "03.000", parent: 5),
            F.object(7, "message", [:], at: "04.000", parent: 6, stream: ["stream_type": "subagent"]),
        ])
        let tool = try translation.event(.scopeStart, F.id(2))
        #expect(tool.name == "tool" && tool.input == "ls -la" && tool.profile?["tool_call_id"] == "7")
        #expect(try translation.event(.scopeEnd, F.id(2)).output == #"{"lines":3}"#)
        #expect(try translation.event(.scopeEnd, F.id(2)).status == .ok, "is_error that is not a boolean is not an error")
        #expect(try translation.event(.scopeEnd, "no-such-call").name == "tool_result", "an unmatched end, kept")
        #expect(try translation.event(.scopeStart, F.id(1)).input == "42")
        #expect(try translation.event(.scopeEnd, F.id(1)).status == nil)
        #expect(try translation.event(.scopeStart, "agtrace:stream:\(F.session)/subagent/").name == "agtrace.subagent")
        let lines = Set(translation.notes.compactMap(\.line))
        #expect(lines == [2, 3, 5, 6], "\(translation.notes)")
    }
}
