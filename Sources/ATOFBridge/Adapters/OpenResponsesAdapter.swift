import ATOF

/// Translates Open Responses stream events (`"type": "response.…"`, as vtcode writes them) into
/// ATOF 0.2 events (adapters.md §4).
///
/// The input is one vtcode thread: a `vtcode.thread` agent root, one `agent.turn` per response (a
/// turn opens on `response.created` or on the first event of an unseen `response_id`), the model's
/// items of a turn grouped into `chat <model>` LLM calls (a harness item — a
/// `function_call_output` or a `vtcode:*` item — ends a group), one tool scope per function call
/// (paired with its output by `call_id`) and per tool-like custom item, and marks for plans,
/// harness events, errors, other custom events and unknown `response.*` types.
///
/// The events carry no times. Turn starts take the milliseconds encoded in vtcode response ids
/// (`resp_<hex ms>_<hex>`), else `created_at`; turn ends take `completed_at` (seconds); everything
/// else is emitted without a time for `InferredTimes`. LLM calls are held until their turn ends,
/// since the model and the usage arrive with the final response object.
struct OpenResponsesAdapter: ForeignEventAdapter {
    static let format = ForeignFormat.openResponses

    /// Detection row 5: a `type` string that starts with `response.`.
    static func recognizes(_ object: JSONObject) -> Bool {
        object["type"]?.stringValue?.hasPrefix("response.") == true
    }

    let options: AdapterOptions
    /// The first response id of the input: the run key of every id.
    var runKey: String?
    var thread = ThreadState()
    var turns: [String: Turn] = [:]
    /// Response ids in the order their turns opened.
    var turnOrder: [String] = []
    /// The response id of the turn that opened last (for events without a `response_id`).
    var currentResponseID: String?
    var sessionID: String?
    var lastModel: String?
    var markCount = 0
    var lastLine = 0
    /// Unknown `type` values and how often each was seen, in first-seen order.
    var unknownTypes = UnknownTypeTally()
    /// Item types this adapter does not know, warned about once each.
    var unknownItemTypes: Set<String> = []

    init(options: AdapterOptions) {
        self.options = options
    }

    mutating func translate(_ object: JSONObject, line: Int, into output: inout AdapterOutput) {
        lastLine = line
        guard let type = object["type"]?.stringValue else {
            output.warn("open-responses event without a string \"type\"; kept as a mark", line: line)
            mark(name: "open-responses.untyped", data: .object(object), responseID: nil, line: line, into: &output)
            return
        }
        switch type {
        case "response.created", "response.in_progress", "response.queued":
            guard let response = responseObject(in: object, line: line, into: &output) else { return }
            openTurn(response.id, response: response, line: line, into: &output)
        case "response.completed", "response.failed", "response.incomplete":
            guard let response = responseObject(in: object, line: line, into: &output) else { return }
            endTurn(response, type: type, line: line, into: &output)
        case "response.output_item.added", "response.output_item.done":
            itemEvent(object, done: type.hasSuffix(".done"), line: line, into: &output)
        case "response.output_text.delta", "response.output_text.done", "response.reasoning.delta",
            "response.function_call_arguments.delta", "response.function_call_arguments.done":
            contentEvent(object, type: type, line: line, into: &output)
        case "response.reasoning.done":
            if let item = object["item"]?.objectValue, let responseID = turnID(for: object, line: line, into: &output) {
                turns[responseID]?.updateModelItem(item)
            }
        case "response.content_part.added", "response.content_part.done":
            // The text arrives again in `output_text.done` and `output_item.done`.
            _ = turnID(for: object, line: line, into: &output)
        case "response.custom_event":
            customEvent(object, line: line, into: &output)
        default:
            unknownType(type, object: object, line: line, into: &output)
        }
    }

    mutating func finish(into output: inout AdapterOutput) {
        for responseID in turnOrder where turns[responseID]?.ended == false {
            flushUnfinishedTurn(responseID, into: &output)
        }
        if thread.started, !thread.ended {
            // An implied end: the outcome is unknown (UNSET), whatever the last turn did.
            let event = scopeEvent(
                .scopeEnd, uuid: thread.uuid, parent: nil, name: "vtcode.thread", category: "agent",
                metadata: threadMetadata(), inferred: [.end])
            output.emit(event, line: lastLine, timeKnown: false)
            thread.ended = true
        }
        if !unknownTypes.isEmpty {
            let list = unknownTypes.counts.map { "\($0.type) (\($0.count))" }.joined(separator: ", ")
            output.warn("open-responses events of unknown type kept as marks: \(list)", line: nil)
        }
    }
}

extension OpenResponsesAdapter {
    /// The root scope of the input.
    struct ThreadState: Sendable {
        var uuid = ""
        var started = false
        var ended = false
        /// What `vtcode.thread_completed` said (`thread_id`, `subtype`, `outcome_code`, …).
        var details = JSONObject()
        /// The error of the last turn when it failed: a `vtcode.thread_completed` then fails the thread.
        var lastTurnError: ErrorInfo?
    }

    /// One response: a turn.
    struct Turn: Sendable {
        var responseID: String
        var uuid: String
        var model: String?
        var previousResponseID: String?
        var instructions: String?
        /// The start time the input gave (response id or `created_at`), if any.
        var startTime: Timestamp?
        var ended = false
        var generations: [Generation] = []
        /// Whether the last generation still takes model items (no harness item since).
        var generationOpen = false
        var tools: [String: Tool] = [:]
        var toolOrder: [String] = []
        var items: [String: ItemRole] = [:]
        /// Plan, harness and error items waiting for their `done` (emitted as marks).
        var pendingMarks: [(itemID: String, item: JSONObject)] = []
    }

    /// A run of model items inside a turn: one LLM call.
    struct Generation: Sendable {
        var messages: [(itemID: String, text: String)] = []
        var reasoning: [(itemID: String, text: String)] = []
        var toolCalls: [(itemID: String, callID: String, name: String, arguments: String)] = []
        var chunkCount: Int64 = 0
    }

    /// A tool scope: a `function_call` with its `function_call_output`, or a tool-like custom item.
    struct Tool: Sendable {
        var uuid: String
        var name: String
        var category: String
        var callID: String?
        var input: JSONValue?
        var started = false
        var ended = false
        /// Whether the end waits for a `function_call` item's `done`.
        var waitsForCall = false
        /// Whether the end waits for a `function_call_output` item's `done`.
        var waitsForOutput = true
        var failed = false
        var output: JSONValue?
        var stdout = ""
        var error: ErrorInfo?
    }

    /// What an item id stands for inside its turn.
    enum ItemRole: Sendable {
        case message(generation: Int)
        case reasoning(generation: Int)
        case functionCall(generation: Int, tool: String)
        case functionOutput(tool: String)
        case customTool(tool: String)
        case mark
    }
}
