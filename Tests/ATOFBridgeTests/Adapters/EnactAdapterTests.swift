import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// The enact translator (adapters.md §2): the tricky cases of the format (held LLM ends,
/// unanchored tool and text events, lenient errors) behave as the contract says. (The example
/// streams' goldens and spans: ``ForeignFixtureTests``.)
@Suite struct EnactAdapterTests {
    // MARK: Helpers

    /// The enact objects of an example file with their 1-based line numbers (``ForeignFixture``).
    static func objects(_ name: String) throws -> [(object: JSONObject, line: Int)] {
        try ForeignFixture.objects(name, .enact)
    }

    /// The adapter's output for `objects`, with `finish`.
    static func translate(_ objects: [(object: JSONObject, line: Int)], model: String? = nil) -> AdapterOutput {
        ForeignFixture.output(EnactAdapter.self, objects, options: AdapterOptions(model: model))
    }

    /// One object per line of JSON text.
    static func translate(lines: [String], model: String? = nil) throws -> AdapterOutput {
        translate(try ForeignFixture.objects(lines), model: model)
    }

    static func event(_ output: AdapterOutput, _ kind: Event.Kind, _ uuid: String) throws -> AdapterOutput.Item {
        try #require(output.items.first { $0.event.kind == kind && $0.event.uuid == uuid })
    }

    // MARK: The example streams in detail

    @Test("a nested run: executions nest by parent_id, the LLM end gets streamed text, tool calls and merged usage")
    func nestedRun() throws {
        let output = Self.translate(try Self.objects("nested"))
        #expect(output.notes.isEmpty)
        let child = try Self.event(output, .scopeStart, "enact:exec:exec_child")
        #expect(child.event.parentUUID == "enact:step:exec_root/step_sub")
        #expect(child.event.category == "agent" && child.event.name == "execution")
        #expect(child.event.timestamp.nanosecondsSinceEpoch == 1_796_461_201_155_000_000)

        let start = try Self.event(output, .scopeStart, "enact:llm:exec_root/step_plan/1").event
        #expect(start.parentUUID == "enact:step:exec_root/step_plan")
        #expect(start.name == "chat gpt-4o" && start.category == "llm")
        #expect(start.profile?["model_name"] == "gpt-4o")
        #expect(start.input == ["history_length": 3])

        let end = try Self.event(output, .scopeEnd, "enact:llm:exec_root/step_plan/1").event
        #expect(end.status == .ok)
        #expect(end.profile?["usage"] == ["prompt_tokens": 412, "completion_tokens": 38, "total_tokens": 450])
        #expect(end.metadata?["cost_usd"] == 0.00141)
        #expect(end.metadata?["adapter.text_deltas"] == 2)
        let message = end.output?["choices"]?.arrayValue?.first?["message"]
        #expect(message?["content"] == "Checking the weather in Lyon and Paris.")
        let calls = message?["tool_calls"]?.arrayValue ?? []
        #expect(calls.map { $0["id"] } == ["call_lyon", "call_paris"])
        #expect(calls.first?["function"]?["arguments"] == "{\"city\":\"Lyon\"}")
        // The token usage line made no mark of its own.
        #expect(!output.items.contains { $0.event.name == "token_usage" })

        let tool = try Self.event(output, .scopeStart, "enact:tool:exec_root/call_paris")
        #expect(!tool.timeKnown)
        #expect(tool.event.parentUUID == "enact:step:exec_root/step_tools")
        #expect(tool.event.profile?["tool_call_id"] == "call_paris")
        #expect(ForeignFixture.inferred(tool.event) == ["parent"])
        let toolEnd = try Self.event(output, .scopeEnd, "enact:tool:exec_root/call_paris")
        #expect(!toolEnd.timeKnown && toolEnd.event.output == ["temp_c": 9, "sky": "rain"])

        let rootEnd = try Self.event(output, .scopeEnd, "enact:exec:exec_root").event
        #expect(rootEnd.metadata?["message_id"] == "msg_1")
        #expect(rootEnd.output == "Lyon 11 C, clouds; Paris 9 C, rain")
    }

    @Test("tool events without times take the nearest known times and are flagged")
    func toolTimesAreInferred() throws {
        let timed = ForeignFixture.settled(Self.translate(try Self.objects("nested")))
        let start = try #require(timed.first { $0.event.kind == .scopeStart && $0.event.uuid == "enact:tool:exec_root/call_lyon" })
        let end = try #require(timed.first { $0.event.kind == .scopeEnd && $0.event.uuid == "enact:tool:exec_root/call_lyon" })
        #expect(start.event.timestamp.nanosecondsSinceEpoch == 1_796_461_200_853_000_000)  // the tools step's start
        #expect(end.event.timestamp.nanosecondsSinceEpoch == 1_796_461_201_153_000_000)  // the tools step's end
        #expect(ForeignFixture.inferred(start.event) == ["parent", "start_time"])
        #expect(ForeignFixture.inferred(end.event) == ["parent", "start_time", "end_time"])
    }

    @Test("errors: a failed LLM call, a tool cut by its failing step, a data-error mark and structured ExecutionErrors")
    func failures() throws {
        let output = Self.translate(try Self.objects("failure"))
        #expect(output.notes.isEmpty)
        let failed = try Self.event(output, .scopeEnd, "enact:llm:exec_fail/step_fetch/1").event
        #expect(failed.status == .error)
        #expect(failed.error == ErrorInfo(type: "llm_error", message: "rate limited (429)"))
        #expect(failed.name == "chat")

        let tool = try Self.event(output, .scopeEnd, "enact:tool:exec_fail/call_get")
        #expect(tool.timeKnown && tool.event.status == .error)
        #expect(tool.event.error?.message == "enclosing step failed")
        #expect(ForeignFixture.inferred(tool.event) == ["parent", "start_time", "end", "end_time"])

        let mark = try #require(output.items.first { $0.event.kind == .mark && $0.event.name == "error" })
        #expect(mark.event.parentUUID == "enact:step:exec_fail/step_fetch")
        #expect(!mark.timeKnown && ForeignFixture.inferred(mark.event).isEmpty)
        #expect(mark.event.data?["message"] == "connection reset")

        let step = try Self.event(output, .scopeEnd, "enact:step:exec_fail/step_fetch").event
        #expect(step.status == .error)
        #expect(step.error?.type == "ToolError" && step.error?.message == "connection reset")
        #expect(step.error?.unknownFields["code"] == "ECONNRESET")
        let execution = try Self.event(output, .scopeEnd, "enact:exec:exec_fail").event
        #expect(execution.error?.type == "ToolError" && execution.error?.message == "step fetch failed")
    }

    @Test("an ExecutionError of another shape is read leniently, with a warning naming the line")
    func lenientErrors() throws {
        let output = try Self.translate(lines: [
            #"{"type":"data-execution-start","execution_id":"e","timestamp":1000}"#,
            #"{"type":"data-step-start","execution_id":"e","step_id":"s","step_type":"x","name":"n","timestamp":1001}"#,
            #"{"type":"data-step-failed","execution_id":"e","step_id":"s","error":"plain text","timestamp":1002}"#,
            #"{"type":"data-execution-failed","execution_id":"e","error":{"Category":"Timeout","msg":"slow"},"timestamp":1003}"#,
        ])
        let step = try Self.event(output, .scopeEnd, "enact:step:e/s").event
        #expect(step.error == ErrorInfo(type: "ExecutionError", message: "plain text"))
        let execution = try Self.event(output, .scopeEnd, "enact:exec:e").event
        #expect(execution.status == .error && execution.error?.type == "ExecutionError")
        #expect(execution.error?.unknownFields["msg"] == "slow")
        #expect(output.notes.map(\.line) == [4])
    }

    @Test("pause, resume and cancellation; an unknown type becomes marks with one warning and a count")
    func cancellationAndUnknownType() throws {
        let output = Self.translate(try Self.objects("cancelled"))
        let end = try Self.event(output, .scopeEnd, "enact:exec:exec_c").event
        #expect(end.status == .cancelled)
        #expect(end.error == ErrorInfo(type: "execution_cancelled", message: "user pressed stop"))
        #expect(end.metadata?["session_id"] == "sess_42")
        let marks = output.items.filter { $0.event.kind == .mark }.map(\.event)
        #expect(
            marks.map(\.name) == [
                "policy_decision", "execution.paused", "execution.resumed", "enact.data-agent-handoff", "enact.data-agent-handoff",
            ])
        #expect(marks[0].category == "guardrail" && marks[0].parentUUID == "enact:step:exec_c/step_r")
        #expect(marks[1].data == ["reason": "awaiting approval"] && marks[1].parentUUID == "enact:exec:exec_c")
        #expect(marks[3].data?["target"] == "travel_agent")
        #expect(Set(marks.map(\.uuid)).count == marks.count)
        let warnings = output.notes.filter { $0.message.contains("data-agent-handoff") }
        #expect(warnings.count == 2)
        #expect(warnings.first?.line == 13)
        #expect(warnings.last?.line == nil && warnings.last?.message.contains("2 line(s)") == true)
        // The step the cancellation left open stays unended: no end is invented.
        #expect(!output.items.contains { $0.event.kind == .scopeEnd && $0.event.uuid == "enact:step:exec_c/step_r" })
        let memory = try Self.event(output, .scopeStart, "enact:memory:exec_c/1796461320025#1").event
        #expect(memory.category == "retriever" && memory.timestamp.nanosecondsSinceEpoch == 1_796_461_320_005_000_000)
    }

    // MARK: The token-usage hold

    @Test("an LLM end is held for one line: usage of another step becomes a mark, and the hold ends at finish")
    func tokenHoldIsOneLine() throws {
        let output = try Self.translate(lines: [
            #"{"type":"data-execution-start","execution_id":"e","timestamp":1000}"#,
            #"{"type":"data-llm-call-start","execution_id":"e","callable_name":"c","history_length":0,"timestamp":1001}"#,
            #"{"type":"data-llm-call-end","execution_id":"e","duration_ms":1,"timestamp":1002}"#,
            #"{"type":"data-token-usage","execution_id":"e","step_id":"other","prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"cumulative_tokens":3,"timestamp":1003}"#,
            #"{"type":"data-llm-call-start","execution_id":"e","callable_name":"c","history_length":0,"timestamp":1004}"#,
            #"{"type":"data-llm-call-end","execution_id":"e","duration_ms":1,"timestamp":1005}"#,
        ])
        let kinds = output.items.map {
            "\($0.event.kind == .mark ? "mark" : $0.event.kind == .scopeStart ? "start" : "end") \($0.event.name)"
        }
        #expect(kinds == ["start execution", "start chat", "end chat", "mark token_usage", "start chat", "end chat"])
        #expect(output.items[2].event.profile == nil)
        #expect(output.items[3].event.category == "llm")
    }

    @Test("the hold is finite in event time: a later line of another execution releases the end")
    func tokenHoldIsBounded() throws {
        let output = try Self.translate(lines: [
            #"{"type":"data-execution-start","execution_id":"a","timestamp":1000}"#,
            #"{"type":"data-llm-call-start","execution_id":"a","callable_name":"c","history_length":0,"timestamp":1001}"#,
            #"{"type":"data-llm-call-end","execution_id":"a","duration_ms":1,"timestamp":1002}"#,
            #"{"type":"data-execution-start","execution_id":"b","timestamp":1003}"#,
            #"{"type":"data-execution-start","execution_id":"c","timestamp":7003}"#,
        ])
        let names = output.items.map(\.event.uuid)
        #expect(names == ["enact:exec:a", "enact:llm:a/_/1", "enact:exec:b", "enact:llm:a/_/1", "enact:exec:c"])
    }

    // MARK: Edge cases

    @Test("an end without its start gets a start at timestamp minus duration_ms, flagged")
    func missingStart() throws {
        let output = try Self.translate(lines: [
            #"{"type":"data-step-end","execution_id":"e","step_id":"s","duration_ms":40,"timestamp":1000}"#
        ])
        let start = try Self.event(output, .scopeStart, "enact:step:e/s").event
        #expect(start.timestamp.nanosecondsSinceEpoch == 960_000_000)
        #expect(ForeignFixture.inferred(start) == ["start_time"])
        #expect(ForeignFixture.inferred(try Self.event(output, .scopeEnd, "enact:step:e/s").event) == ["start_time"])
    }

    @Test("--model names the model where the stream does not, flagged")
    func modelFromOptions() throws {
        let output = try Self.translate(
            lines: [#"{"type":"data-llm-call-start","execution_id":"e","callable_name":"c","history_length":0,"timestamp":1}"#],
            model: "m1")
        let start = try Self.event(output, .scopeStart, "enact:llm:e/_/1").event
        #expect(start.name == "chat m1" && start.profile?["model_name"] == "m1")
        #expect(ForeignFixture.inferred(start).contains("model"))
    }

    @Test("lines of an unexpected shape are warnings and marks, never dropped")
    func unexpectedShapes() throws {
        let output = try Self.translate(lines: [
            #"{"type":"data-step-start","step_id":"s","timestamp":1}"#,
            #"{"type":"data-tool-output-available","tool_call_id":"nope","output":1}"#,
        ])
        #expect(output.items.first?.event.name == "enact.data-step-start")
        #expect(output.items.contains { $0.event.kind == .scopeEnd && $0.event.uuid == "enact:tool:_/nope" })
        #expect(output.notes.compactMap(\.line) == [1, 2])
        // Text that never ends is kept as a mark at the end of input, even while an LLM call is open.
        let unfinished = try Self.translate(lines: [
            #"{"type":"data-llm-call-start","execution_id":"e","callable_name":"c","history_length":0,"timestamp":1}"#,
            #"{"type":"data-text-start","id":"t","execution_id":"e"}"#,
            #"{"type":"data-text-delta","id":"t","delta":"half"}"#,
        ])
        let text = try #require(unfinished.items.last)
        #expect(text.event.name == "text" && text.event.data?["text"] == "half" && text.line == 3)
        #expect(unfinished.notes.count == 1)
        let controlOnly = try Self.translate(lines: [
            #"{"type":"data-execution-paused","execution_id":"e","reason":"r","timestamp":2}"#,
            #"{"type":"data-execution-resumed","execution_id":"e","timestamp":3}"#,
        ])
        #expect(controlOnly.items.count == 2)
        #expect(controlOnly.notes.map(\.message) == ["enact: stream captured in control_only mode: no spans possible"])
        // A second finish (end of input after `data: [DONE]`) repeats nothing.
        var adapter = EnactAdapter(options: AdapterOptions())
        var twice = AdapterOutput()
        adapter.translate(try #require(try JSONParser.parse(#"{"type":"data-x"}"#).objectValue), line: 1, into: &twice)
        adapter.finish(into: &twice)
        adapter.finish(into: &twice)
        #expect(twice.notes.count == 2 && twice.items.count == 1)
    }

    @Test("a finished run leaves only its root's record behind")
    func finishedRunsAreForgotten() throws {
        var adapter = EnactAdapter(options: AdapterOptions())
        var output = AdapterOutput()
        for (object, line) in try Self.objects("e2e") { adapter.translate(object, line: line, into: &output) }
        #expect(adapter.executions.keys.sorted() == ["exec_trip"])
        #expect(adapter.steps.isEmpty && adapter.callOrdinals.isEmpty && adapter.markOrdinals.isEmpty)
        #expect(adapter.open.isEmpty && adapter.openCalls.isEmpty && adapter.tools.isEmpty && adapter.texts.isEmpty)
    }

    @Test("every enact type without its fields, or with fields of the wrong type, is a warning or a mark, never a crash")
    func bareAndMistypedObjects() throws {
        for type in EnactAdapter.knownTypes.sorted() where type != "data-start" && type != "data-finish" {
            let bare = try Self.translate(lines: [#"{"type":"\#(type)"}"#])
            #expect(!bare.items.isEmpty || !bare.notes.isEmpty, "\(type)")
            let mistyped = try Self.translate(lines: [
                #"{"type":"\#(type)","execution_id":7,"step_id":[],"timestamp":"soon","id":{},"tool_call_id":null,"error":3,"duration_ms":-1}"#
            ])
            #expect(!mistyped.items.isEmpty || !mistyped.notes.isEmpty, "\(type)")
        }
    }

    @Test("UI steps make function scopes only when the stream has no kernel steps")
    func uiSteps() throws {
        let output = try Self.translate(lines: [
            #"{"type":"data-execution-start","execution_id":"e","timestamp":1}"#,
            #"{"type":"data-start-step"}"#,
            #"{"type":"data-tool-input-available","tool_call_id":"t","tool_name":"x","input":{}}"#,
            #"{"type":"data-tool-output-available","tool_call_id":"t","output":{}}"#,
            #"{"type":"data-finish-step"}"#,
            #"{"type":"data-execution-end","execution_id":"e","duration_ms":1,"timestamp":2}"#,
        ])
        let step = try Self.event(output, .scopeStart, "enact:step:e/ui:1")
        #expect(!step.timeKnown && step.event.name == "step")
        #expect(try Self.event(output, .scopeStart, "enact:tool:e/t").event.parentUUID == "enact:step:e/ui:1")
        #expect(ForeignFixture.inferred(try Self.event(output, .scopeEnd, "enact:step:e/ui:1").event) == ["parent", "start_time"])
        // A UI step followed by a kernel step is the same step: only the kernel's is kept.
        let both = try Self.translate(lines: [
            #"{"type":"data-execution-start","execution_id":"e","timestamp":1}"#,
            #"{"type":"data-start-step","step_id":"s"}"#,
            #"{"type":"data-step-start","execution_id":"e","step_id":"s","step_type":"x","name":"kernel","timestamp":2}"#,
            #"{"type":"data-finish-step","step_id":"s"}"#,
            #"{"type":"data-step-end","execution_id":"e","step_id":"s","duration_ms":1,"timestamp":3}"#,
        ])
        #expect(both.items.map(\.event.name) == ["execution", "kernel", "kernel"])
        #expect(both.notes.isEmpty)
    }

    @Test("detection: enact data-* types, and other data-* objects only without a data member")
    func detection() throws {
        func recognizes(_ text: String) throws -> Bool {
            EnactAdapter.recognizes(try #require(try JSONParser.parse(text).objectValue))
        }
        #expect(try recognizes(#"{"type":"data-text-delta","id":"a","delta":"b"}"#))
        #expect(try recognizes(#"{"type":"data-agent-handoff","execution_id":"e"}"#))
        #expect(try !recognizes(#"{"type":"data-weather","data":{"city":"Lyon"}}"#))
        #expect(try !recognizes(#"{"type":"start","messageId":"m"}"#))
        #expect(EnactAdapter.knownTypes.count == 39)
    }
}
