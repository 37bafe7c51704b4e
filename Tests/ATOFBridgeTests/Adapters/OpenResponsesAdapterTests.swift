import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// The Open Responses translator (adapters.md §4), fed parsed objects directly.
@Suite struct OpenResponsesAdapterTests {
    typealias F = OpenResponsesFixture

    /// 2026-12-05T10:00:00Z; vtcode ids encode milliseconds in hex.
    static let base: Int64 = 1_796_464_800
    static let r1 = "resp_1a245a571fa_0001"  // created at base + 0.250 s
    static let r2 = "resp_1a245a59748_0002"  // created at base + 9.800 s

    static func created(_ id: String = r1, model: String = "gpt-5") -> String {
        #"{"type":"response.created","response":{"id":"\#(id)","object":"response","created_at":\#(base),"status":"in_progress","model":"\#(model)","output":[],"error":null,"usage":null}}"#
    }

    static func completed(
        _ id: String = r1, type: String = "response.completed", status: String = "completed", extra: String = "",
        usage: String = #"{"input_tokens":1200,"output_tokens":40,"total_tokens":1240,"input_tokens_details":{"cached_tokens":1000}}"#
    ) -> String {
        #"{"type":"\#(type)","response":{"id":"\#(id)","object":"response","created_at":\#(base),"completed_at":\#(base + 3),"status":"\#(status)","model":"gpt-5","output":[],"usage":\#(usage)\#(extra)}}"#
    }

    static func item(_ done: Bool, _ item: String, response: String = r1) -> String {
        #"{"type":"response.output_item.\#(done ? "done" : "added")","response_id":"\#(response)","output_index":0,"item":\#(item)}"#
    }

    static func message(_ id: String, _ text: String, status: String = "completed") -> String {
        #"{"type":"message","id":"\#(id)","status":"\#(status)","role":"assistant","content":[{"type":"output_text","text":"\#(text)"}]}"#
    }

    static func call(_ id: String, callID: String, name: String = "read_file", arguments: String, status: String = "in_progress") -> String
    {
        #"{"type":"function_call","id":"\#(id)","status":"\#(status)","name":"\#(name)","arguments":\#(arguments),"call_id":"\#(callID)"}"#
    }

    static func output(_ id: String, callID: String, _ text: String, status: String = "completed") -> String {
        #"{"type":"function_call_output","id":"\#(id)","status":"\#(status)","call_id":"\#(callID)","output":"\#(text)"}"#
    }

    static func delta(_ type: String, item: String, _ text: String, response: String = r1) -> String {
        #"{"type":"response.\#(type).delta","response_id":"\#(response)","item_id":"\#(item)","output_index":0,"content_index":0,"delta":"\#(text)"}"#
    }

    static func event(_ events: [Event], _ uuid: String, _ kind: Event.Kind) throws -> Event {
        try #require(events.first { $0.uuid == uuid && $0.kind == kind }, "no \(kind) for \(uuid)")
    }

    static func inferred(_ event: Event) -> [String] {
        (event.metadata?["adapter.inferred"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    @Test("recognizes objects whose type starts with response. and nothing else")
    func recognition() throws {
        let created = try JSONParser.parse(Self.created()).objectValue
        #expect(OpenResponsesAdapter.recognizes(try #require(created)))
        #expect(!OpenResponsesAdapter.recognizes(JSONObject(["type": "message"])))
        #expect(!OpenResponsesAdapter.recognizes(JSONObject(["kind": "ScopeStart"])))
    }

    @Test("response.created opens the vtcode.thread root and an agent.turn at the millisecond the response id encodes")
    func createdOpensThreadAndTurn() throws {
        let output = try F.translate([Self.created()])
        let start = output.items.map(\.event)
        #expect(start.count >= 2)
        let thread = try Self.event(start, "openresp:thread:\(Self.r1)", .scopeStart)
        let turn = try Self.event(start, "openresp:resp:\(Self.r1)", .scopeStart)
        #expect(thread.name == "vtcode.thread" && thread.category == "agent" && thread.parentUUID == nil)
        #expect(turn.name == "agent.turn" && turn.category == "function" && turn.parentUUID == thread.uuid)
        #expect(turn.family == .v0_2)
        #expect(turn.timestamp.nanosecondsSinceEpoch == Self.base * 1_000_000_000 + 250_000_000)
        #expect(output.items.prefix(2).allSatisfy { $0.timeKnown })
        #expect(turn.metadata?["adapter.format"] == "open-responses")
        #expect(turn.metadata?["response_id"] == .string(Self.r1))
        #expect(turn.metadata?["model"] == "gpt-5")
    }

    @Test("a later turn opens on the first event of an unseen response_id, without response.created")
    func laterTurnWithoutCreated() throws {
        let output = try F.translate([
            Self.created(), Self.item(true, Self.message("m1", "hi")), Self.completed(),
            Self.item(false, Self.message("m2", "again"), response: Self.r2),
        ])
        let turn2 = try #require(output.items.first { $0.event.uuid == "openresp:resp:\(Self.r2)" && $0.event.kind == .scopeStart })
        #expect(turn2.timeKnown)
        #expect(turn2.event.parentUUID == "openresp:thread:\(Self.r1)")
        #expect(turn2.event.timestamp.nanosecondsSinceEpoch == (Self.base + 9) * 1_000_000_000 + 800_000_000)
        // The turn never ended: it stays unended; its LLM call is emitted at the end of input, flagged `end`.
        #expect(!output.items.contains { $0.event.uuid == turn2.event.uuid && $0.event.kind == .scopeEnd })
        let llmEnd = try Self.event(output.items.map(\.event), "openresp:llm:\(Self.r2)/1", .scopeEnd)
        #expect(Self.inferred(llmEnd).contains("end"))
        #expect(llmEnd.status == nil)
    }

    @Test("streamed text and reasoning make one LLM call with the usage normalized, the chunk count and the chat output")
    func streamedLLMCall() throws {
        let events = F.settled(
            try F.translate([
                Self.created(),
                Self.item(false, #"{"type":"reasoning","id":"rs","status":"in_progress"}"#),
                Self.delta("reasoning", item: "rs", "think"),
                Self.item(false, Self.message("m1", "", status: "in_progress")),
                Self.delta("output_text", item: "m1", "Hel"), Self.delta("output_text", item: "m1", "lo"),
                Self.completed(),
            ]))
        let start = try Self.event(events, "openresp:llm:\(Self.r1)/1", .scopeStart)
        let end = try Self.event(events, "openresp:llm:\(Self.r1)/1", .scopeEnd)
        #expect(start.name == "chat gpt-5" && start.category == "llm" && start.parentUUID == "openresp:resp:\(Self.r1)")
        #expect(start.profile?["model_name"] == "gpt-5")
        #expect(end.status == .ok)
        let usage = try #require(end.profile?["usage"]?.objectValue)
        #expect(usage["prompt_tokens"]?.int64Value == 1200)
        #expect(usage["completion_tokens"]?.int64Value == 40)
        #expect(usage["cache_read_tokens"]?.int64Value == 1000)
        #expect(usage["input_tokens"] == nil)
        #expect(end.profile?["chunk_count"]?.int64Value == 3)
        let message = end.output?["choices"]?.arrayValue?.first?["message"]
        #expect(message?["content"] == "Hello")
        #expect(message?["reasoning_content"] == "think")
        #expect(end.output?["choices"]?.arrayValue?.first?["finish_reason"] == "stop")
        // Inside the turn nothing has a time: the call spans the turn, flagged.
        #expect(Self.inferred(start) == ["start_time"] && Self.inferred(end) == ["end_time"])
        let turnEnd = try Self.event(events, "openresp:resp:\(Self.r1)", .scopeEnd)
        #expect(end.timestamp == turnEnd.timestamp)
        #expect(turnEnd.timestamp.nanosecondsSinceEpoch == (Self.base + 3) * 1_000_000_000)
        #expect(turnEnd.status == .ok)
        #expect(events.firstIndex(of: end) ?? 0 < events.firstIndex(of: turnEnd) ?? 0)
    }

    @Test("parallel tool calls pair with their outputs by call_id, whatever order the outputs come in")
    func parallelToolCalls() throws {
        let events = F.settled(
            try F.translate([
                Self.created(),
                Self.item(false, Self.call("fc1", callID: "call_a", arguments: #"{"path":"a"}"#)),
                Self.item(false, Self.call("fc2", callID: "call_b", arguments: #"{"path":"b"}"#)),
                Self.item(false, Self.output("o1", callID: "call_b", "")), Self.item(true, Self.output("o1", callID: "call_b", "B")),
                Self.item(true, Self.call("fc2", callID: "call_b", arguments: #"{"path":"b"}"#, status: "completed")),
                Self.item(false, Self.output("o2", callID: "call_a", "")),
                Self.delta("output_text", item: "o2", "A out"),
                Self.item(true, Self.call("fc1", callID: "call_a", arguments: #"{"path":"a"}"#, status: "completed")),
                Self.item(true, Self.output("o2", callID: "call_a", "")),
                Self.completed(),
            ]))
        for (call, result) in [("call_a", "A out"), ("call_b", "B")] {
            let start = try Self.event(events, "openresp:tool:\(Self.r1)/\(call)", .scopeStart)
            let end = try Self.event(events, "openresp:tool:\(Self.r1)/\(call)", .scopeEnd)
            #expect(start.name == "read_file" && start.category == "tool" && start.parentUUID == "openresp:resp:\(Self.r1)")
            #expect(start.profile?["tool_call_id"] == .string(call))
            #expect(start.input?["path"] == .string(String(call.last ?? "?")))
            #expect(end.output == .string(result))
            #expect(end.status == .ok)
        }
        // One LLM call asked for both tools; the tool stdout never reached it.
        let llm = try Self.event(events, "openresp:llm:\(Self.r1)/1", .scopeEnd)
        let calls = llm.output?["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue ?? []
        #expect(calls.compactMap { $0["id"]?.stringValue } == ["call_a", "call_b"])
        #expect(calls.first?["function"]?["arguments"] == #"{"path":"a"}"#)
        #expect(llm.output?["choices"]?.arrayValue?.first?["finish_reason"] == "tool_calls")
        #expect(llm.output?["choices"]?.arrayValue?.first?["message"]?["content"] == .null)
    }

    @Test("streamed function call arguments become the tool's input and the LLM's tool call; the tool waits for them")
    func streamedArguments() throws {
        let output = try F.translate([
            Self.created(),
            Self.item(false, Self.call("call_w", callID: "call_w", name: "get_weather", arguments: #""""#)),
            #"{"type":"response.function_call_arguments.delta","response_id":"\#(Self.r1)","item_id":"call_w","output_index":0,"delta":"{\"city\":"}"#,
            #"{"type":"response.function_call_arguments.delta","response_id":"\#(Self.r1)","item_id":"call_w","output_index":0,"delta":"\"Lyon\"}"}"#,
            Self.completed(),
        ])
        let events = output.items.map(\.event)
        let start = try Self.event(events, "openresp:tool:\(Self.r1)/call_w", .scopeStart)
        #expect(start.input?["city"] == "Lyon")
        let end = try Self.event(events, "openresp:tool:\(Self.r1)/call_w", .scopeEnd)
        // No output ever came: the response's end closes it, flagged, outcome unknown.
        #expect(end.status == nil)
        #expect(Self.inferred(end) == ["end"])
        let llm = try Self.event(events, "openresp:llm:\(Self.r1)/1", .scopeEnd)
        #expect(
            llm.output?["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue?.first?["function"]?["arguments"]
                == #"{"city":"Lyon"}"#)
        #expect(llm.profile?["chunk_count"]?.int64Value == 2)
    }

    @Test("a harness item ends an LLM call; with two calls in a turn the usage stays on the turn, flagged usage_per_turn")
    func twoGenerations() throws {
        let events = F.settled(
            try F.translate([
                Self.created(),
                Self.item(true, Self.call("fc", callID: "c", arguments: "{}", status: "completed")),
                Self.item(true, Self.output("o", callID: "c", "ok")),
                Self.item(true, Self.message("m", "done")),
                Self.completed(),
            ]))
        let first = try Self.event(events, "openresp:llm:\(Self.r1)/1", .scopeEnd)
        let second = try Self.event(events, "openresp:llm:\(Self.r1)/2", .scopeEnd)
        #expect(first.profile?["usage"] == nil && second.profile?["usage"] == nil)
        #expect(second.output?["choices"]?.arrayValue?.first?["message"]?["content"] == "done")
        let turn = try Self.event(events, "openresp:resp:\(Self.r1)", .scopeEnd)
        #expect(turn.metadata?["usage_per_turn"] == true)
        #expect(turn.output?["usage"]?["prompt_tokens"]?.int64Value == 1200)
    }

    @Test("response.failed fails the turn and the LLM call open in it with the response's error")
    func failedResponse() throws {
        let failed = Self.completed(
            type: "response.failed", status: "failed",
            extra: #","error":{"type":"model_error","code":"upstream_timeout","message":"provider timed out"}"#, usage: "null")
        let output = try F.translate([Self.created(), Self.item(false, Self.message("m", "", status: "in_progress")), failed])
        let events = output.items.map(\.event)
        let turn = try Self.event(events, "openresp:resp:\(Self.r1)", .scopeEnd)
        #expect(turn.status == .error)
        #expect(turn.error == ErrorInfo(type: "model_error", message: "provider timed out"))
        #expect(turn.data?["code"] == "upstream_timeout")
        let llm = try Self.event(events, "openresp:llm:\(Self.r1)/1", .scopeEnd)
        #expect(llm.status == .error && llm.error?.type == "model_error")
        // Without vtcode.thread_completed the thread's end is implied: its outcome stays unknown.
        let thread = try Self.event(events, "openresp:thread:\(Self.r1)", .scopeEnd)
        #expect(thread.status == nil && Self.inferred(thread) == ["end"])
    }

    @Test("response.incomplete: reason cancelled is cancelled; max_output_tokens keeps the raw status and gives the finish reason")
    func incomplete() throws {
        for (reason, status) in [("cancelled", Status.cancelled), ("max_output_tokens", Status.other("incomplete"))] {
            let events = try F.translate([
                Self.created(), Self.item(false, Self.message("m", "", status: "in_progress")),
                Self.item(false, Self.call("fc", callID: "c", arguments: #"{"q":1}"#)),
                Self.completed(type: "response.incomplete", status: "incomplete", extra: #","incomplete_details":{"reason":"\#(reason)"}"#),
            ]).items.map(\.event)
            #expect(try Self.event(events, "openresp:resp:\(Self.r1)", .scopeEnd).status == status)
            let llm = try Self.event(events, "openresp:llm:\(Self.r1)/1", .scopeEnd)
            #expect(llm.status == status)
            // The tool left in progress is closed with the response's status.
            let tool = try Self.event(events, "openresp:tool:\(Self.r1)/c", .scopeEnd)
            #expect(tool.status == status && Self.inferred(tool) == ["end"])
        }
        let cut = try F.translate([
            Self.created(), Self.item(false, Self.message("m", "", status: "in_progress")),
            Self.completed(
                type: "response.incomplete", status: "incomplete", extra: #","incomplete_details":{"reason":"max_output_tokens"}"#),
        ]).items.map(\.event)
        let llm = try Self.event(cut, "openresp:llm:\(Self.r1)/1", .scopeEnd)
        #expect(llm.output?["choices"]?.arrayValue?.first?["finish_reason"] == "max_output_tokens")
    }

    @Test("a failed function call is a tool error with its output; a command with a non-zero exit code too; vtcode:error is a mark")
    func toolErrors() throws {
        let events = try F.translate([
            Self.created(),
            Self.item(false, Self.call("fc", callID: "c", name: "write_file", arguments: "{}")),
            Self.item(true, Self.output("o", callID: "c", "permission denied", status: "failed")),
            Self.item(true, Self.call("fc", callID: "c", name: "write_file", arguments: "{}", status: "failed")),
            Self.item(true, #"{"type":"vtcode:error","id":"e1","status":"failed","data":{"message":"boom"}}"#),
            Self.item(
                false, #"{"type":"vtcode:command_execution","id":"x1","status":"in_progress","data":{"command":"make","arguments":[]}}"#),
            Self.item(
                true,
                #"{"type":"vtcode:command_execution","id":"x1","status":"completed","data":{"command":"make","aggregated_output":"Error 2","exit_code":2}}"#
            ),
            Self.completed(),
        ]).items.map(\.event)
        let tool = try Self.event(events, "openresp:tool:\(Self.r1)/c", .scopeEnd)
        #expect(tool.status == .error && tool.error == ErrorInfo(type: "tool_error", message: "permission denied"))
        let command = try Self.event(events, "openresp:tool:\(Self.r1)/x1", .scopeEnd)
        #expect(command.name == "command_execution" && command.status == .error && command.error?.message == "exit code 2")
        #expect(command.output == "Error 2")
        let commandStart = try Self.event(events, "openresp:tool:\(Self.r1)/x1", .scopeStart)
        #expect(commandStart.input?["command"] == "make")
        let mark = try #require(events.first { $0.kind == .mark })
        #expect(mark.name == "error" && mark.parentUUID == "openresp:resp:\(Self.r1)" && mark.data?["message"] == "boom")
    }

    @Test("an unknown response.* type is a mark open-responses.<type> with the object, one warning per type and a count at the end")
    func unknownType() throws {
        let unknown = #"{"type":"response.refusal.delta","response_id":"\#(Self.r1)","delta":"no"}"#
        let output = try F.translate([Self.created(), unknown, unknown, Self.completed()])
        let marks = output.items.map(\.event).filter { $0.kind == .mark }
        #expect(marks.count == 2)
        #expect(marks.allSatisfy { $0.name == "open-responses.response.refusal.delta" && $0.data?["delta"] == "no" })
        #expect(marks.first?.parentUUID == "openresp:resp:\(Self.r1)")
        #expect(Set(marks.map(\.uuid)).count == 2)
        #expect(output.notes.filter { $0.line != nil }.count == 1)
        #expect(output.notes.contains { $0.line == nil && $0.message.contains("response.refusal.delta (2)") })
    }

    @Test("vtcode.thread_completed ends the thread with its outcome and session; session_id reaches the scopes after it")
    func threadCompleted() throws {
        let done =
            #"{"type":"response.custom_event","response_id":"\#(Self.r1)","event_type":"vtcode.thread_completed","sequence_number":3,"data":{"thread_id":"t-1","session_id":"s-1","subtype":"success","outcome_code":"success","result":"ok!","num_turns":1}}"#
        let events = try F.translate([Self.created(), Self.completed(), done]).items.map(\.event)
        let thread = try Self.event(events, "openresp:thread:\(Self.r1)", .scopeEnd)
        #expect(thread.status == .ok && thread.output == "ok!")
        #expect(thread.metadata?["session_id"] == "s-1" && thread.metadata?["thread_id"] == "t-1")
        #expect(thread.metadata?["num_turns"]?.int64Value == 1)
        #expect(Self.inferred(thread).isEmpty)
        #expect(events.filter { $0.uuid == thread.uuid }.count == 2)
    }

    @Test("a response after vtcode.thread_completed starts another thread, with its own root and session")
    func threadAfterCompletion() throws {
        func done(_ id: String, session: String) -> String {
            #"{"type":"response.custom_event","response_id":"\#(id)","event_type":"vtcode.thread_completed","data":{"session_id":"\#(session)","subtype":"success"}}"#
        }
        let output = try F.translate([
            Self.created(), Self.completed(), done(Self.r1, session: "s-1"),
            Self.created(Self.r2), Self.completed(Self.r2), done(Self.r2, session: "s-2"),
        ])
        let events = output.items.map(\.event)
        let first = try Self.event(events, "openresp:thread:\(Self.r1)", .scopeEnd)
        let second = try Self.event(events, "openresp:thread:\(Self.r2)", .scopeEnd)
        #expect(first.status == .ok && second.status == .ok)
        #expect(first.metadata?["session_id"] == "s-1" && second.metadata?["session_id"] == "s-2")
        #expect(try Self.event(events, "openresp:resp:\(Self.r2)", .scopeStart).parentUUID == second.uuid)
        #expect(output.notes.isEmpty)
    }

    @Test("a thread_completed naming an error fails the thread with the subtype and outcome code")
    func threadCompletedWithError() throws {
        let done =
            #"{"type":"response.custom_event","response_id":"\#(Self.r1)","event_type":"vtcode.thread_completed","sequence_number":3,"data":{"subtype":"error_max_turns","outcome_code":"max_turns_reached"}}"#
        let events = try F.translate([Self.created(), Self.completed(), done]).items.map(\.event)
        let thread = try Self.event(events, "openresp:thread:\(Self.r1)", .scopeEnd)
        #expect(thread.status == .error && thread.error == ErrorInfo(type: "error_max_turns", message: "max_turns_reached"))
    }

    @Test("the session_id in a response's metadata goes on every scope from then on")
    func sessionFromResponseMetadata() throws {
        let created = Self.created().replacingOccurrences(of: #""usage":null"#, with: #""usage":null,"metadata":{"session_id":"s-9"}"#)
        let events = try F.translate([created, Self.item(true, Self.message("m", "x")), Self.completed()]).items.map(\.event)
        #expect(events.filter(\.isScope).allSatisfy { $0.metadata?["session_id"] == "s-9" })
    }

    @Test("a completed_at earlier than the millisecond start is raised to the start and flagged")
    func completedBeforeStart() throws {
        let early = Self.completed().replacingOccurrences(of: #""completed_at":\#(Self.base + 3)"#, with: #""completed_at":\#(Self.base)"#)
        let events = try F.translate([Self.created(), early]).items.map(\.event)
        let start = try Self.event(events, "openresp:resp:\(Self.r1)", .scopeStart)
        let end = try Self.event(events, "openresp:resp:\(Self.r1)", .scopeEnd)
        #expect(end.timestamp == start.timestamp && Self.inferred(end) == ["end_time"])
    }

    @Test("response ids that are not vtcode's fall back to created_at seconds; a model given by --model is flagged")
    func otherIDsAndModelOption() throws {
        let id = "resp_abc"
        let output = try F.translate(
            [Self.item(false, Self.message("m", "x"), response: id), Self.created(id)], options: AdapterOptions(model: "local-llm"))
        let turn = try #require(output.items.first { $0.event.uuid == "openresp:resp:\(id)" })
        #expect(!turn.timeKnown)
        let llm = try Self.event(output.items.map(\.event), "openresp:llm:\(id)/1", .scopeStart)
        // The later response.created named the model.
        #expect(llm.name == "chat gpt-5" && Self.inferred(llm).isEmpty)
        let bare = try F.translate([Self.item(false, Self.message("m", "x"), response: id)], options: AdapterOptions(model: "local-llm"))
        let guessed = try Self.event(bare.items.map(\.event), "openresp:llm:\(id)/1", .scopeStart)
        #expect(guessed.name == "chat local-llm" && Self.inferred(guessed) == ["model"])
    }

    @Test("response ids encode milliseconds (vtcode), or micro- or nanoseconds (other servers); other ids encode nothing")
    func idTimes() {
        let milliseconds: Int64 = 1_796_464_800_250
        #expect(
            OpenResponsesAdapter.idTime("resp_\(String(milliseconds, radix: 16))_0001")?.nanosecondsSinceEpoch == milliseconds * 1_000_000)
        let nanoseconds = milliseconds * 1_000_000 + 123
        #expect(OpenResponsesAdapter.idTime("resp_\(String(nanoseconds, radix: 16))_9a8b7c6d")?.nanosecondsSinceEpoch == nanoseconds)
        #expect(
            OpenResponsesAdapter.idTime("resp_\(String(milliseconds * 1_000, radix: 16))_01")?.nanosecondsSinceEpoch == milliseconds
                * 1_000_000)
        for other in ["resp_1", "resp_zz_1", "resp_68c1f0a2b3", "msg_\(String(milliseconds, radix: 16))_0001", "resp_ff_0001"] {
            #expect(OpenResponsesAdapter.idTime(other) == nil, "\(other)")
        }
    }

    @Test("an OpenAI Responses stream, whose item events carry no response_id, is read as the response opened last")
    func eventsWithoutResponseID() throws {
        let events = try F.translate([
            #"{"type":"response.created","sequence_number":0,"response":{"id":"resp_68c1","object":"response","created_at":\#(Self.base),"status":"in_progress","model":"gpt-4.1","output":[]}}"#,
            #"{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"type":"function_call","id":"fc_1","status":"in_progress","name":"get_weather","arguments":"","call_id":"call_1"}}"#,
            #"{"type":"response.function_call_arguments.delta","sequence_number":2,"item_id":"fc_1","output_index":0,"delta":"{}"}"#,
            #"{"type":"response.completed","sequence_number":3,"response":{"id":"resp_68c1","object":"response","created_at":\#(Self.base),"status":"completed","model":"gpt-4.1","output":[],"usage":{"input_tokens":9,"output_tokens":3,"total_tokens":12}}}"#,
        ]).items.map(\.event)
        let tool = try Self.event(events, "openresp:tool:resp_68c1/call_1", .scopeStart)
        #expect(tool.name == "get_weather" && tool.parentUUID == "openresp:resp:resp_68c1")
        let llm = try Self.event(events, "openresp:llm:resp_68c1/1", .scopeEnd)
        #expect(llm.name == "chat gpt-4.1" && llm.profile?["usage"]?["prompt_tokens"]?.int64Value == 9)
    }

    @Test("unexpected shapes are warnings naming the line, never a crash or a silent drop")
    func unexpectedShapes() throws {
        let output = try F.translate([
            #"{"type":"response.created"}"#,
            #"{"type":"response.output_item.added","response_id":"r"}"#,
            #"{"type":"response.output_text.delta","item_id":"m"}"#,
            Self.created(), Self.completed(),
            Self.item(false, Self.message("late", "x")),
        ])
        #expect(output.notes.compactMap(\.line) == [1, 2, 3, 6])
        #expect(output.notes.allSatisfy { $0.severity == .warning })
    }

    @Test("the example files raise warnings only for the unknown types and items of unknown.jsonl")
    func exampleWarnings() throws {
        let names = ForeignFixtureTests.withSpans.filter { $0.format == .openResponses }.map(\.name)
        #expect(names.contains("unknown"))
        for name in names {
            let notes = try ForeignFixture.translate(name, .openResponses).notes
            #expect(name == "unknown" ? notes.count == 3 : notes.isEmpty, "\(name): \(notes.map(\.message))")
        }
    }

    @Test("e2e.jsonl gives 10 to 40 spans for the Phoenix test")
    func e2eSize() throws {
        let spans = ForeignFixture.spans(try ForeignFixture.translate("e2e", .openResponses).items)
        #expect((10...40).contains(spans.count))
    }
}
