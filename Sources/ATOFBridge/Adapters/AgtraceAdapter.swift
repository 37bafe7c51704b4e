import ATOF

/// Translates agtrace session events (`AgentEvent` lines of `agtrace lab export`) into ATOF 0.2
/// events, reconstructing what the format leaves implicit (adapters.md §5.2):
///
/// - one root scope `agtrace.session` per `session_id` (the session's UUID), from its first to its
///   last event; the end is implied (`end`, `end_time`), emitted by `finish`;
/// - one `agent.turn` per main-stream `user` event (its UUID), to the last event before the next
///   one, or to a newer `turn_end`, which states the outcome (`completed` → ok, `interrupted` →
///   cancelled, `failed` → error);
/// - one LLM scope `chat <model>` per generation: a run of `reasoning`/`message`/`tool_call`/
///   `token_usage` events of one stream, grouped by `metadata.message.id` when present. It starts at
///   the request trigger (the event its first event's `parent_id` names, flagged `start_time`),
///   ends at its last event, and carries the sidecar usage (duplicates dropped, normalized);
/// - one tool scope per `tool_call` (its UUID), ended by the `tool_result` whose `tool_call_id`
///   names it; `is_error` gives status error. A call without a result stays unended;
/// - one agent scope per sidechain or subagent stream, child of the tool whose result names its
///   `agent_id` (else the only agent-spawning tool open when it began, else the session; flagged
///   `parent`);
/// - `notification`, `slash_command`, `queue_operation`, `summary` and the newer informational
///   payloads become marks named by their type on the open turn; unknown types become marks
///   `agtrace.<type>` with one warning per type.
///
/// `parent_id` is the previous event of the stream (a linked list), never the span parent. Every
/// event carries `session_id` in its metadata.
struct AgtraceAdapter: ForeignEventAdapter {
    static let format = ForeignFormat.agtrace

    /// Payload types that become marks named by their type: the snapshot's informational ones and
    /// the newer revision's (adapters.md §5.1), whose content is kept as the mark's data.
    static let markTypes: Set<String> = [
        "notification", "slash_command", "queue_operation", "summary", "agent_spawn", "agent_lifecycle", "agent_message",
        "compaction", "model_change", "context_window_hint", "agent_attribute", "tool_sub_action", "plan",
    ]

    /// Tool names that start a sidechain or subagent (the live fallback for a stream's parent).
    static let spawningTools: Set<String> = ["Task", "Agent"]

    let options: AdapterOptions
    var sessions: [String: AgtraceSession] = [:]
    var sessionOrder: [String] = []
    /// Unknown payload types and how many lines had each, in order of first sight.
    var unknownTypes = UnknownTypeTally()

    init(options: AdapterOptions) {
        self.options = options
    }

    /// Detection row 6 (adapters.md §1.2, §5.3): `session_id` and `id` members, a `content`
    /// object and a `type` string, plus a `parent_id` member or a `stream_id` object with a
    /// `stream_type` (it has a serde default, so it may be missing); `type` alone is too generic.
    static func recognizes(_ object: JSONObject) -> Bool {
        guard object["session_id"] != nil, object["id"] != nil, case .object? = object["content"],
            case .string? = object["type"]
        else { return false }
        if object["parent_id"] != nil { return true }
        guard case .object(let stream)? = object["stream_id"] else { return false }
        return stream["stream_type"] != nil
    }

    mutating func translate(_ object: JSONObject, line: Int, into output: inout AdapterOutput) {
        var problems: [String] = []
        let record = AgtraceRecord(object, line: line, problems: &problems)
        for problem in problems { output.warn(problem, line: line) }
        guard let record else { return }

        var session: AgtraceSession
        if let known = sessions.removeValue(forKey: record.sessionID) {
            session = known
        } else {
            session = AgtraceSession(
                id: record.sessionID,
                first: AgtraceSession.When(time: record.time ?? Timestamp(nanosecondsSinceEpoch: 0), known: record.time != nil),
                line: line)
            sessionOrder.append(record.sessionID)
            Self.emitStart(
                record.sessionID, parent: nil, at: session.last, name: "agtrace.session", category: "agent",
                metadata: session.metadata, line: line, into: &output)
        }
        let when = AgtraceSession.When(time: record.time ?? session.last.time, known: record.time != nil)
        if session.streams[record.stream] == nil {
            session.streams[record.stream] = AgtraceSession.StreamState()
            session.streamOrder.append(record.stream)
        }
        if !record.stream.isMain { openStream(record, at: when, line: line, session: &session) }

        switch record.type {
        case "user":
            user(record, at: when, line: line, session: &session, into: &output)
        case "reasoning", "message", "tool_call", "token_usage":
            assistant(record, at: when, line: line, session: &session, into: &output)
        case "tool_result":
            toolResult(record, at: when, line: line, session: &session, into: &output)
        case "turn_end" where record.stream.isMain:
            turnEnd(record, at: when, line: line, session: &session, into: &output)
        default:
            mark(record, at: when, line: line, session: &session, into: &output)
        }

        session.streams[record.stream]?.record(record, at: when, line: line)
        if when.known, !session.last.known || session.last.time < when.time { session.last = when }
        session.lastLine = line
        if !record.stream.isMain { startStreamIfLinked(record.stream, session: &session, into: &output) }
        sessions[record.sessionID] = session
    }

    mutating func finish(into output: inout AdapterOutput) {
        for id in sessionOrder {
            guard var session = sessions[id] else { continue }
            for stream in session.streamOrder {
                flushGenerations(of: stream, session: &session, into: &output)
                closeStream(stream, session: &session, into: &output)
            }
            closeTurn(session: &session, into: &output)
            let inferred = Self.endFlags([.end, .endTime], startKnown: session.startKnown)
            Self.emitEnd(
                id, parent: nil, at: session.last, name: "agtrace.session", category: "agent", metadata: session.metadata,
                inferred: inferred, line: session.lastLine, into: &output)
        }
        for (type, count) in unknownTypes.counts where count > 1 {
            output.warn("\(count) agtrace events of unknown type \"\(type)\" were kept as marks agtrace.\(type)", line: nil)
        }
        sessions = [:]
        sessionOrder = []
        unknownTypes = UnknownTypeTally()
    }

    // MARK: - Payloads

    /// A `user` event: in the main stream it ends the open turn and opens the next one.
    private mutating func user(
        _ record: AgtraceRecord, at when: AgtraceSession.When, line: Int, session: inout AgtraceSession, into output: inout AdapterOutput
    ) {
        let text = record.text("text")
        if text == nil { output.warn("agtrace user event without a \"text\"", line: line) }
        breakGeneration(in: record.stream, session: &session, into: &output)
        session.streams[record.stream]?.inputs.append(
            .object(JSONObject(["role": "user", "content": text.map(JSONValue.string) ?? .null])))
        guard record.stream.isMain else {
            if session.streams[record.stream]?.agent?.input == nil { session.streams[record.stream]?.agent?.input = text }
            return
        }
        flushGenerations(of: record.stream, session: &session, into: &output)
        closeTurn(session: &session, into: &output)
        session.turn = AgtraceSession.Turn(uuid: record.id, startKnown: when.known)
        Self.emitStart(
            record.id, parent: session.id, at: when, name: "agent.turn", category: "function", input: text.map(JSONValue.string),
            metadata: session.metadata, line: line, into: &output)
    }

    /// Ends the open turn where the input implies it: at the session's latest time before now.
    mutating func closeTurn(session: inout AgtraceSession, into output: inout AdapterOutput) {
        guard let turn = session.turn else { return }
        session.turn = nil
        Self.emitEnd(
            turn.uuid, parent: session.id, at: session.last, name: "agent.turn", category: "function",
            output: turn.lastMessage.map(JSONValue.string), metadata: session.metadata,
            inferred: Self.endFlags([.end, .endTime], startKnown: turn.startKnown),
            line: session.lastLine, into: &output)
    }

    /// A newer `turn_end`: the turn ends here with the outcome it states.
    private mutating func turnEnd(
        _ record: AgtraceRecord, at when: AgtraceSession.When, line: Int, session: inout AgtraceSession, into output: inout AdapterOutput
    ) {
        guard let turn = session.turn else {
            output.warn("agtrace turn_end without an open turn; kept as a mark", line: line)
            mark(record, at: when, line: line, session: &session, into: &output)
            return
        }
        breakGeneration(in: record.stream, session: &session, into: &output)
        session.turn = nil
        let outcome = TurnOutcome(record)
        if let problem = outcome.problem { output.warn(problem, line: line) }
        var metadata = session.metadata
        if let turnID = JSONRead.identifier(record.content["turn_id"]) { metadata["turn_id"] = .string(turnID) }
        if let duration = JSONRead.present(record.content["duration_ms"]) { metadata["duration_ms"] = duration }
        Self.emitEnd(
            turn.uuid, parent: session.id, at: when, name: "agent.turn", category: "function",
            output: turn.lastMessage.map(JSONValue.string), status: outcome.status, error: outcome.error, metadata: metadata,
            inferred: Self.endFlags([], startKnown: turn.startKnown), line: line, into: &output)
    }

    /// A `tool_result`: ends the `tool_call` event it names.
    private mutating func toolResult(
        _ record: AgtraceRecord, at when: AgtraceSession.When, line: Int, session: inout AgtraceSession, into output: inout AdapterOutput
    ) {
        breakGeneration(in: record.stream, session: &session, into: &output)
        guard let callID = JSONRead.identifier(record.content["tool_call_id"]) else {
            output.warn("agtrace tool_result without a \"tool_call_id\"; kept as a mark", line: line)
            mark(record, at: when, line: line, session: &session, into: &output)
            return
        }
        let text = record.text("output")
        let tool = session.openTools.removeValue(forKey: callID)
        session.openSpawners.removeAll { $0 == callID }
        if tool == nil {
            output.warn("agtrace tool_result for the tool call \(callID), which was not seen (or already ended)", line: line)
        }
        session.streams[record.stream]?.inputs.append(
            .object(
                JSONObject([
                    "role": "tool", "tool_call_id": .string(tool?.providerCallID ?? callID), "content": text.map(JSONValue.string) ?? .null,
                ])))
        var metadata = session.metadata
        let isError = record.content["is_error"]?.boolValue ?? false
        if let agentID = JSONRead.identifier(record.content["agent_id"]) {
            metadata["agent_id"] = .string(agentID)
            linkStream(agentID: agentID, to: callID, session: &session, into: &output)
        }
        let message = text.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) }
        Self.emitEnd(
            callID, parent: tool?.parent ?? session.parent(in: record.stream), at: when, name: tool?.name ?? "tool_result",
            category: "tool", output: text.map(JSONValue.string), profile: Self.toolProfile(tool?.providerCallID),
            status: isError ? .error : .ok,
            error: isError ? ErrorInfo(type: "tool_error", message: message ?? "the tool reported an error") : nil,
            metadata: metadata, inferred: Self.endFlags([], startKnown: tool?.startKnown ?? true), line: line, into: &output)
    }

    /// A `tool_call`'s own scope: opened at the call (the issue time, which includes any queueing).
    mutating func toolCall(
        _ record: AgtraceRecord, at when: AgtraceSession.When, line: Int, session: inout AgtraceSession, into output: inout AdapterOutput
    ) {
        let name = JSONRead.nonEmptyString(record.content["name"]) ?? "tool"
        if JSONRead.nonEmptyString(record.content["name"]) == nil {
            output.warn("agtrace tool_call without a \"name\"; named \"tool\"", line: line)
        }
        let providerCallID = JSONRead.identifier(record.content["provider_call_id"])
        let parent = session.parent(in: record.stream)
        session.openTools[record.id] = AgtraceSession.Tool(
            name: name, parent: parent, providerCallID: providerCallID, startKnown: when.known)
        if Self.spawningTools.contains(name) { session.openSpawners.append(record.id) }
        Self.emitStart(
            record.id, parent: parent, at: when, name: name, category: "tool", input: JSONRead.present(record.content["arguments"]),
            profile: Self.toolProfile(providerCallID), metadata: session.metadata, line: line, into: &output)
    }

    /// Any other payload: a mark on the open turn (or stream agent, or session).
    private mutating func mark(
        _ record: AgtraceRecord, at when: AgtraceSession.When, line: Int, session: inout AgtraceSession, into output: inout AdapterOutput
    ) {
        var metadata = session.metadata
        for key in ["level", "kind"] {
            if let value = JSONRead.present(record.content[key]) { metadata[key] = value }
        }
        let name: String
        let data: JSONValue
        if Self.markTypes.contains(record.type) || record.type == "turn_end" || record.type == "tool_result" {
            name = record.type
            data = .object(record.content)
        } else {
            name = "agtrace.\(record.type)"
            var object = record.object
            object["metadata"] = nil
            data = .object(object)
            if unknownTypes.record(record.type) {
                output.warn(
                    "agtrace event type \"\(record.type)\" is not known to this reader; kept as the mark \(name) (warned once per type)",
                    line: line)
            }
        }
        let event = Event(
            family: .v0_2, kind: .mark, uuid: record.id, parentUUID: session.parent(in: record.stream), timestamp: when.time, name: name,
            data: data, metadata: Self.metadata(metadata))
        output.emit(event, line: line, timeKnown: when.known)
    }

    static func toolProfile(_ providerCallID: String?) -> JSONValue? {
        providerCallID.map { .object(JSONObject(["tool_call_id": .string($0)])) }
    }
}

extension AgtraceSession.StreamState {
    /// Remembers the latest event of the stream (the next event's `parent_id` names it). A late
    /// usage sidecar (one that found no open generation) is not a request trigger: the next
    /// generation still starts at the event before it.
    mutating func record(_ record: AgtraceRecord, at when: AgtraceSession.When, line: Int) {
        let lateUsage = record.type == "token_usage" && current == nil && lastEvent != nil
        lastEventID = record.id
        if !lateUsage { lastEvent = when }
        if when.known, last.map({ !$0.known || $0.time < when.time }) ?? true { last = when }
        lastLine = line
    }
}
