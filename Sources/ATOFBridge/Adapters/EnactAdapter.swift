import ATOF

/// Translates an enact-core `StreamEvent` stream (objects with `"type": "data-…"`, usually SSE) into
/// ATOF 0.2 events (adapters.md §2).
///
/// Executions, kernel steps and LLM calls are explicit start/end pairs with epoch-millisecond
/// times; executions nest by `parent_id`. Tool, text and error events carry neither a time nor an
/// execution id: they are emitted with `timeKnown: false` (``InferredTimes`` dates them) and hang
/// on the innermost open step or execution in arrival order, flagged `parent`. An LLM end is held
/// until the next line (at most ``tokenMergeWindow`` of event time), so that a `data-token-usage`
/// of the same step that follows it merges into its usage.
struct EnactAdapter: ForeignEventAdapter {
    static let format = ForeignFormat.enact

    /// How long (event time) an LLM end waits for its `data-token-usage`: the live assembler's hold.
    static let tokenMergeWindow: Int64 = 5_000_000_000

    /// The 39 `type` values of the enact-core `StreamEvent` enum.
    static let knownTypes: Set<String> = [
        "data-text-start", "data-text-delta", "data-text-end", "data-start-step", "data-finish-step",
        "data-tool-input-start", "data-tool-input-delta", "data-tool-input-available", "data-tool-output-available",
        "data-permission-request", "data-start", "data-finish", "data-error", "data-execution-start", "data-execution-end",
        "data-execution-failed", "data-execution-paused", "data-execution-resumed", "data-execution-cancelled",
        "data-step-start", "data-step-end", "data-step-failed", "data-step-discovered", "data-artifact-created",
        "data-state-snapshot", "data-checkpoint-saved", "data-goal-evaluated", "data-inbox-message", "data-policy-decision",
        "data-llm-call-start", "data-llm-call-end", "data-llm-call-failed", "data-token-usage", "data-memory-recalled",
        "data-memory-stored", "data-guardrail-evaluated", "data-reasoning-trace", "data-context-snapshot",
        "data-feedback-received",
    ]

    /// Detection row 3: a `data-*` type that enact defines, or another `data-*` type on an object
    /// without a `data` member (AI SDK UI custom parts carry `data`).
    static func recognizes(_ object: JSONObject) -> Bool {
        guard let type = object["type"]?.stringValue, type.hasPrefix("data-") else { return false }
        return knownTypes.contains(type) || object["data"] == nil
    }

    /// An execution seen in the stream.
    struct Execution {
        var uuid: String
        /// The `execution_id` of the root of its `parent_id` tree.
        var root: String
        /// Facts that go into a root's end metadata (`message_id`, `final_output`, `session_id`).
        var rootFacts = JSONObject()
        var ended = false
    }

    /// A kernel step (`data-step-start`).
    struct Step {
        var uuid: String
        var executionID: String
        var stepID: String
        var name: String
        var ended = false
    }

    /// A tool call `{id, name, arguments}` the model streamed inside an LLM call.
    struct RequestedTool {
        var id: String
        var name: String
        var arguments: String
    }

    /// An LLM call between its start and its (possibly held) end.
    struct LLMCall {
        var uuid: String
        var executionID: String
        var stepID: String?
        var model: String?
        var content: String?
        var textDeltas = 0
        var toolCalls: [RequestedTool] = []
    }

    /// An LLM end waiting for its `data-token-usage`.
    struct HeldEnd {
        var call: LLMCall
        var end: Event
        var line: Int
    }

    /// A tool scope opened by `data-tool-input-available`.
    struct Tool {
        var uuid: String
        var name: String
        var parentUUID: String?
        /// The step key (`<execution>/<step>`) of the step it hangs on, if any.
        var stepKey: String?
        var inferred: [InferredField]
    }

    /// Text accumulated from `data-text-*` by its `id`.
    struct Text {
        var executionID: String?
        var parentInferred: Bool
        var content = ""
        var deltas = 0
    }

    /// An open execution or step (kernel or UI), the context of unanchored events.
    struct OpenScope {
        var isStep: Bool
        /// The execution id, or the step key `<execution>/<step>`.
        var key: String
        var uuid: String
        var executionID: String
        /// What was inferred about a UI step (its parent).
        var inferred: [InferredField] = []
    }

    /// A `data-start-step` waiting for a use (see `uiStep`).
    struct PendingUIStep {
        var scope: OpenScope
        var parent: String?
        var stepID: String?
        var line: Int
    }

    let options: AdapterOptions
    var executions: [String: Execution] = [:]
    var steps: [String: Step] = [:]
    /// Open executions and steps in arrival order: the innermost is the last.
    var open: [OpenScope] = []
    /// Open LLM calls in arrival order; pairing is FIFO per (execution, step).
    var openCalls: [LLMCall] = []
    var callOrdinals: [String: Int] = [:]
    var held: [HeldEnd] = []
    /// Open tools by `tool_call_id`.
    var tools: [String: Tool] = [:]
    var texts: [String: Text] = [:]
    var markOrdinals: [String: Int] = [:]
    var unanchoredMarks = 0
    /// Root facts seen before any execution (`data-start` first).
    var pendingRootFacts = JSONObject()
    /// The most recently started root execution (for a `data-finish` after everything ended).
    var lastRootID: String?
    var sawKernelStep = false
    var uiStepOrdinal = 0
    var sawUIStep = false
    var pendingUISteps: [PendingUIStep] = []
    var scopeEvents = 0
    /// The last line read (where `finish` places what it emits).
    var lastLine = 0
    var controlEvents = 0
    /// Unknown types in order of first appearance, with their counts.
    var unknownTypes = UnknownTypeTally()

    init(options: AdapterOptions) {
        self.options = options
    }

    mutating func translate(_ object: JSONObject, line: Int, into output: inout AdapterOutput) {
        let type = object["type"]?.stringValue ?? ""
        lastLine = line
        let read = Read(object: object, line: line)
        releaseHeldEnds(before: type, read: read, into: &output)
        switch type {
        case "data-execution-start": executionStart(read, into: &output)
        case "data-execution-end", "data-execution-failed", "data-execution-cancelled": executionEnd(type, read, into: &output)
        case "data-execution-paused", "data-execution-resumed": controlMark(type, read, into: &output)
        case "data-step-start": stepStart(read, into: &output)
        case "data-step-end", "data-step-failed": stepEnd(type, read, into: &output)
        case "data-llm-call-start": llmStart(read, into: &output)
        case "data-llm-call-end", "data-llm-call-failed": llmEnd(type, read, into: &output)
        case "data-token-usage": tokenUsage(read, into: &output)
        case "data-memory-recalled": memoryRecalled(read, into: &output)
        case "data-tool-input-start", "data-tool-input-delta": toolInputStreamed(type, read, into: &output)
        case "data-tool-input-available": toolInput(read, into: &output)
        case "data-tool-output-available": toolOutput(read, into: &output)
        case "data-text-start", "data-text-delta", "data-text-end": text(type, read, into: &output)
        case "data-start", "data-finish": messageBoundary(type, read, into: &output)
        case "data-start-step", "data-finish-step": uiStep(type, read, into: &output)
        case "data-error": errorMark(read, into: &output)
        default:
            if Self.knownTypes.contains(type) {
                plainMark(type, read, into: &output)
            } else {
                unknownType(type, read, into: &output)
            }
        }
    }

    /// Emits the held LLM ends, unused UI steps and unfinished text, and reports unknown types (with their counts)
    /// and a stream without pairs. Open scopes stay open: their ends are missing, not implied.
    mutating func finish(into output: inout AdapterOutput) {
        releaseAllHeld(into: &output)
        openPendingUISteps(into: &output)
        for (id, text) in texts.sorted(by: { $0.key < $1.key }) where !text.content.isEmpty {
            output.warn("enact: text \(id) has no data-text-end; its text is kept as a mark", line: nil)
            textMark(textID: id, text, line: lastLine, into: &output)
        }
        texts.removeAll()
        for unknown in unknownTypes.counts {
            output.warn("enact: \(unknown.count) line(s) of unknown type \(unknown.type) kept as marks enact.\(unknown.type)", line: nil)
        }
        if scopeEvents == 0 && controlEvents > 0 {
            output.warn("enact: stream captured in control_only mode: no spans possible", line: nil)
        }
        // A later stream in the same input (after `data: [DONE]`) is reported on its own.
        unknownTypes = UnknownTypeTally()
        scopeEvents = 0
        controlEvents = 0
    }
}
