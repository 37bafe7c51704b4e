import ATOF

/// Translates agent-sdk `AgentEventEnvelope` lines (crate `agent-sdk-foundation`, `events.rs`;
/// contract: adapters.md §3) into ATOF 0.2 events.
///
/// - A run (`user_input`/`start` → `done` ok, `cancelled`, `refusal` or a non-recoverable
///   `error`) is an `invoke_agent` agent scope with uuid R = `agent-sdk:<thread_id>:<event_id of
///   its first event>`; `thread_id` goes into every scope's metadata (the session).
/// - `start{turn:N}` → `turn_complete{turn:N}` is an `agent.turn` function scope `R/turn/N`
///   (`R/turn/N#k` when turn N starts again: the earlier attempt ends `error` `retried`).
/// - The LLM call, which the format does not delimit, is inferred inside the turn: `chat` (or
///   `chat <model>` with `AdapterOptions.model`, flagged `model`), `R/llm/N.a`, from `start` (or
///   a retry's `timestamp + delay_ms`, flagged `start_time`) to the first post-stream event, with
///   the deltas as `llm.chunk` marks, `thinking`/`text` and the turn's tool calls as its chat
///   output and `turn_complete.usage` (normalized, rule 6) as `profile.usage`.
///   `auto_retry_start` ends an attempt `error` `retryable_error`.
/// - `tool_call_start` → `tool_call_end` (paired by `id`, so interleaved parallel calls pair) is
///   a tool scope `R/tool/<id>`; `result.success == false` is `error` `tool_error`.
/// - `cancelled` closes every open span `cancelled`; a run left at `tool_requires_confirmation`
///   ends `awaiting_confirmation` (UNSET). A run whose thread differs from the open run's is
///   nested: under the tool whose `subagent_progress` named that child thread, else under the
///   innermost open tool (flagged `parent`).
/// - A new run starts at `user_input`, at `start` after a terminal event or with `sequence` 0,
///   and (with a warning, `start_time` flagged) at any other event outside a run. A run without a
///   terminal event leaves its open spans unended, with a warning.
/// - Unknown types become marks `agent-sdk.<type>` with one warning per type; repeated
///   `event_id`s are skipped with a warning.
struct AgentSDKAdapter: ForeignEventAdapter {
    static let format = ForeignFormat.agentSDK

    /// The `AgentEvent` variants at agent-sdk commit 78b7aec; other types are newer variants.
    static let knownTypes: Set<String> = [
        "start", "user_input", "thinking", "thinking_delta", "text_delta", "text", "tool_call_start", "tool_call_end",
        "tool_progress", "tool_requires_confirmation", "turn_complete", "done", "error", "auto_retry_start", "auto_retry_end",
        "refusal", "cancelled", "context_compacted", "subagent_progress",
    ]

    /// Detection row 4, the envelope: `event_id` (a UUID, either case), an integer `sequence`, a
    /// string `timestamp` and a string `type`. A bare `AgentEvent` (no envelope) is not recognized; it is read only when the
    /// format is forced.
    static func recognizes(_ object: JSONObject) -> Bool {
        guard case .string(let id)? = object["event_id"], UUIDValue(canonical: id, acceptingUppercase: true) != nil,
            case .number(let sequence)? = object["sequence"], sequence.isInteger,
            case .string? = object["timestamp"], case .string? = object["type"]
        else { return false }
        return true
    }

    /// Where a child thread's run nests: the tool call that spawned it, and the subagent's model.
    private struct ChildLink: Sendable {
        var tool: String
        var model: String?
    }

    private let model: String?
    private let maximumHold: Int64?
    /// Open runs, the innermost (a nested subagent run) last.
    private var runs: [Run] = []
    private var lastThread: String?
    private var childLinks: [String: ChildLink] = [:]
    /// Tool call ids per thread whose run stopped at `tool_requires_confirmation`.
    private var awaitingConfirmation: [String: Set<String>] = [:]
    private var seenEventIDs: Set<String> = []
    private var unknownTypes = UnknownTypeTally()
    private var warnedNoEnvelope = false
    private var lastLine = 0

    init(options: AdapterOptions) {
        model = options.model
        maximumHold = options.maximumHold
    }

    mutating func translate(_ object: JSONObject, line: Int, into output: inout AdapterOutput) {
        lastLine = line
        let envelope = read(object, line: line, into: &output)
        if case .string(let id)? = object["event_id"], !seenEventIDs.insert(id).inserted {
            output.warn("agent-sdk event_id \(id) was already read (a repeated delivery); this copy is skipped", line: line)
            return
        }
        if let maximumHold, envelope.when.known {
            for index in runs.indices { runs[index].releaseHeldAttempt(at: envelope.time, after: maximumHold, line: line, into: &output) }
        }
        switch envelope.type {
        case "user_input", "start":
            begin(envelope, into: &output)
        default:
            continueRun(envelope, into: &output)
        }
    }

    mutating func finish(into output: inout AdapterOutput) {
        while var run = runs.popLast() {
            if run.suspension != nil {
                run.endAwaitingConfirmation(into: &output)
            } else {
                output.warn(
                    "agent-sdk run \(run.key) has no terminal event (done, cancelled, refusal or error) at the end of the input; its open spans are left unended",
                    line: lastLine)
                run.abandon(line: lastLine, into: &output)
            }
        }
        for (type, count) in unknownTypes.counts {
            output.warn("agent-sdk: \(count) event(s) of unknown type \"\(type)\" kept as marks named agent-sdk.\(type)", line: nil)
        }
    }

    // MARK: Reading

    private mutating func read(_ object: JSONObject, line: Int, into output: inout AdapterOutput) -> Envelope {
        let type = object["type"]?.stringValue ?? ""
        let eventID = object["event_id"]?.stringValue ?? "line\(line)"
        var when = When(time: Timestamp(nanosecondsSinceEpoch: 0), known: false)
        if let text = object["timestamp"]?.stringValue {
            if let time = try? Timestamp(rfc3339: text), time.nanosecondsSinceEpoch >= 0 {
                when = When(time: time, known: true)
            } else {
                output.warn("agent-sdk timestamp \"\(text)\" is not an RFC 3339 time after 1970; the event's time is inferred", line: line)
            }
        } else if object["event_id"] == nil, !warnedNoEnvelope {
            warnedNoEnvelope = true
            output.warn("agent-sdk event without its envelope (event_id, sequence, timestamp): order and times inferred", line: line)
        }
        return Envelope(object: object, line: line, type: type, eventID: eventID, sequence: object["sequence"]?.int64Value, when: when)
    }

    // MARK: Runs

    /// `user_input` or `start`: a new run, a nested run of another thread, or a turn of the open run.
    private mutating func begin(_ envelope: Envelope, into output: inout AdapterOutput) {
        let thread = envelope.string("thread_id") ?? runs.last?.thread ?? lastThread
        while var top = runs.last, top.suspension != nil {
            runs.removeLast()
            top.endAwaitingConfirmation(into: &output)
        }
        if var top = runs.last {
            if let thread, let topThread = top.thread, thread != topThread {
                let link = childLinks[thread]
                let tool = top.tools.last?.scope.uuid
                openRun(
                    envelope, thread: thread, parent: link?.tool ?? tool ?? top.root.uuid, inferred: link == nil ? [.parent] : [],
                    model: link?.model ?? model, into: &output)
                return
            }
            if envelope.type == "start", envelope.sequence != 0 || (top.turnStarts.isEmpty && top.turn == nil) {
                runs[runs.count - 1].startTurn(envelope, into: &output)
                return
            }
            output.warn(
                "agent-sdk run \(top.key) has no terminal event (done, cancelled, refusal or error) before the next run starts; its open spans are left unended",
                line: envelope.line)
            runs.removeLast()
            top.abandon(line: envelope.line, into: &output)
        }
        let link = thread.flatMap { childLinks[$0] }
        openRun(envelope, thread: thread, parent: link?.tool, inferred: [], model: link?.model ?? model, into: &output)
    }

    private mutating func openRun(
        _ envelope: Envelope, thread: String?, parent: String?, inferred: [InferredField], model: String?, into output: inout AdapterOutput
    ) {
        lastThread = thread ?? lastThread
        var run = Run(
            key: "agent-sdk:\(thread ?? "_"):\(envelope.eventID)", thread: thread, model: model, parent: parent,
            inferred: inferred)
        run.begin(envelope, into: &output)
        runs.append(run)
    }

    /// Any type but `user_input`/`start`: routed to the run it belongs to.
    private mutating func continueRun(_ envelope: Envelope, into output: inout AdapterOutput) {
        let type = envelope.type
        let isKnown = Self.knownTypes.contains(type)
        let unknownName = "agent-sdk.\(type.isEmpty ? "untyped" : type)"
        if !isKnown {
            let name = type.isEmpty ? "untyped" : type
            if unknownTypes.record(name) {
                output.warn(
                    "agent-sdk event of unknown type \"\(name)\" (a newer AgentEvent variant?) kept as a mark named agent-sdk.\(name)",
                    line: envelope.line)
            }
        }
        if runs.isEmpty {
            // A run whose user_input/start is missing (a capture that starts late, or events after a terminal event).
            output.warn(
                "agent-sdk \(type) outside a run (no user_input or start before it): a run is opened at this event", line: envelope.line)
            openRun(envelope, thread: lastThread, parent: nil, inferred: [.startTime], model: model, into: &output)
        }
        // Tool events go to the run whose tool call they name, `done` to the run of its thread
        // (a nested run may be on top).
        var index = runs.count - 1
        let toolID = type == "subagent_progress" ? envelope.string("subagent_id") : envelope.string("id")
        if type.hasPrefix("tool_") || type == "subagent_progress", let toolID,
            let owner = runs.lastIndex(where: { $0.hasOpenTool(toolID) })
        {
            index = owner
        } else if type == "done", let thread = envelope.string("thread_id"), let owner = runs.lastIndex(where: { $0.thread == thread }) {
            index = owner
        }
        guard isKnown else {
            let parent = runs[index].innermost(line: envelope.line, into: &output)
            runs[index].mark(envelope, name: unknownName, on: parent, data: .object(envelope.object), into: &output)
            return
        }
        if handle(envelope, run: index, into: &output) {
            runs.remove(at: index)
        }
    }

    /// Translates one event of run `index`; `true` when it was the run's terminal event.
    private mutating func handle(_ envelope: Envelope, run index: Int, into output: inout AdapterOutput) -> Bool {
        switch envelope.type {
        case "thinking_delta", "text_delta":
            guard let messageID = envelope.string("message_id"), let delta = envelope.string("delta") else {
                return keepAsMark(envelope, run: index, missing: "message_id and delta", into: &output)
            }
            runs[index].chunk(envelope, messageID: messageID, delta: delta, thinking: envelope.type == "thinking_delta", into: &output)
        case "thinking", "text":
            guard let messageID = envelope.string("message_id"), let text = envelope.string("text") else {
                return keepAsMark(envelope, run: index, missing: "message_id and text", into: &output)
            }
            runs[index].content(envelope, messageID: messageID, text: text, thinking: envelope.type == "thinking")
        case "tool_call_start":
            guard let id = envelope.string("id"), let name = envelope.string("name") else {
                return keepAsMark(envelope, run: index, missing: "id and name", into: &output)
            }
            let thread = runs[index].thread ?? "_"
            let resumed = awaitingConfirmation[thread]?.remove(id) != nil
            runs[index].startTool(envelope, id: id, name: name, resumed: resumed, into: &output)
        case "tool_call_end":
            guard let id = envelope.string("id") else { return keepAsMark(envelope, run: index, missing: "id", into: &output) }
            runs[index].endTool(envelope, id: id, into: &output)
        case "tool_progress":
            let id = envelope.string("id")
            let parent =
                runs[index].tools.last { $0.id == id }?.scope.uuid ?? runs[index].innermost(line: envelope.line, into: &output)
            runs[index].mark(envelope, name: "tool.progress", on: parent, into: &output)
        case "tool_requires_confirmation":
            guard let id = envelope.string("id"), let name = envelope.string("name") else {
                return keepAsMark(envelope, run: index, missing: "id and name", into: &output)
            }
            awaitingConfirmation[runs[index].thread ?? "_", default: []].insert(id)
            runs[index].requireConfirmation(envelope, id: id, name: name, into: &output)
        case "subagent_progress":
            subagentProgress(envelope, run: index, into: &output)
        case "turn_complete":
            runs[index].completeTurn(envelope, into: &output)
        case "auto_retry_start":
            runs[index].retryStart(envelope, into: &output)
        case "auto_retry_end":
            runs[index].retryEnd(envelope, into: &output)
        case "context_compacted":
            runs[index].mark(envelope, name: "context_compacted", on: runs[index].container.uuid, into: &output)
        case "error":
            guard envelope.bool("recoverable") == false else {
                if envelope.bool("recoverable") == nil {
                    output.warn("agent-sdk error without a boolean recoverable; taken as recoverable (a mark)", line: envelope.line)
                }
                let parent = runs[index].innermost(line: envelope.line, into: &output)
                runs[index].mark(envelope, name: "error", on: parent, into: &output)
                return false
            }
            let error = ErrorInfo(type: "agent_error", message: envelope.string("message") ?? "non-recoverable error")
            runs[index].end(envelope, status: .error, error: error, runOutput: nil, extra: JSONObject(), into: &output)
            return true
        case "refusal":
            let text = envelope.string("text")
            let error = ErrorInfo(type: "refusal", message: text ?? "the model refused the request")
            runs[index].refuse(envelope, text: text, error: error, into: &output)
            runs[index].end(
                envelope, status: .error, error: error, runOutput: text.map(JSONValue.string), extra: JSONObject(), into: &output)
            return true
        case "cancelled":
            var extra = JSONObject()
            if let turn = envelope.value("turn") { extra["turn"] = turn }
            if let usage = Self.normalizedUsage(envelope.value("usage")) { extra["total_usage"] = .object(usage) }
            let lastText = runs[index].lastText.map(JSONValue.string)
            runs[index].end(envelope, status: .cancelled, error: nil, runOutput: lastText, extra: extra, into: &output)
            return true
        case "done":
            done(envelope, run: index, into: &output)
            return true
        default:
            break
        }
        return false
    }

    private mutating func done(_ envelope: Envelope, run index: Int, into output: inout AdapterOutput) {
        let run = runs[index]
        if let thread = envelope.string("thread_id"), let runThread = run.thread, thread != runThread {
            output.warn(
                "agent-sdk done names thread \(thread) but the open run is of thread \(runThread); it ends that run", line: envelope.line)
        }
        var extra = JSONObject()
        if let turns = envelope.value("total_turns") { extra["total_turns"] = turns }
        if let usage = Self.normalizedUsage(envelope.value("total_usage")) { extra["total_usage"] = .object(usage) }
        if let duration = envelope.integer("duration_ms") {
            extra["duration_ms"] = .number(JSONNumber(duration))
            if envelope.when.known, let start = run.startTime, start.known {
                let elapsed = (envelope.time.nanosecondsSinceEpoch - start.time.nanosecondsSinceEpoch) / 1_000_000
                let (difference, overflow) = elapsed.subtractingReportingOverflow(duration)
                if overflow || difference.magnitude > 1_000 {
                    output.warn(
                        "agent-sdk done says the run took \(duration) ms but its first event is \(elapsed) ms earlier; the events' times are kept",
                        line: envelope.line)
                }
            }
        }
        runs[index].end(envelope, status: .ok, error: nil, runOutput: run.lastText.map(JSONValue.string), extra: extra, into: &output)
    }

    private mutating func subagentProgress(_ envelope: Envelope, run index: Int, into output: inout AdapterOutput) {
        guard let id = envelope.string("subagent_id") else {
            _ = keepAsMark(envelope, run: index, missing: "subagent_id", into: &output)
            return
        }
        let tool = runs[index].tools.last { $0.id == id }?.scope.uuid
        if let child = envelope.string("child_thread_id") {
            childLinks[child] = ChildLink(tool: tool ?? "\(runs[index].key)/tool/\(id)", model: envelope.string("model"))
        }
        if case .object(let snapshot) = envelope.payload { runs[index].subagents[id] = snapshot }
        let parent = tool ?? runs[index].innermost(line: envelope.line, into: &output)
        runs[index].mark(envelope, name: "subagent.progress", on: parent, into: &output)
    }

    /// A known type without the members it needs: a warning and a mark `agent-sdk.<type>`.
    private mutating func keepAsMark(_ envelope: Envelope, run index: Int, missing: String, into output: inout AdapterOutput) -> Bool {
        output.warn(
            "agent-sdk \(envelope.type) without the string \(missing) it should have; kept as a mark named agent-sdk.\(envelope.type)",
            line: envelope.line)
        let parent = runs[index].innermost(line: envelope.line, into: &output)
        runs[index].mark(envelope, name: "agent-sdk.\(envelope.type)", on: parent, data: .object(envelope.object), into: &output)
        return false
    }
}
