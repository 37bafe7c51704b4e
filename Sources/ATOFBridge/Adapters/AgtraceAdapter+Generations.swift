import ATOF

/// LLM generations: runs of assistant-side events (`reasoning`, `message`, `tool_call`,
/// `token_usage`) of one stream, grouped by Claude's `message.id` when present, else by contiguity
/// (adapters.md §5.2, §5.4 cases 2 and 3).
extension AgtraceAdapter {
    /// An assistant-side event: joins the open generation of its stream or begins the next one.
    mutating func assistant(
        _ record: AgtraceRecord, at when: AgtraceSession.When, line: Int, session: inout AgtraceSession, into output: inout AdapterOutput
    ) {
        let stream = record.stream
        if record.type == "token_usage" {
            usage(record, at: when, line: line, session: &session, into: &output)
            return
        }
        if record.type == "tool_call" { toolCall(record, at: when, line: line, session: &session, into: &output) }
        if record.type == "message", let text = record.text("text") {
            if stream.isMain {
                session.turn?.lastMessage = text
            } else {
                session.streams[stream]?.agent?.lastMessage = text
            }
        }
        guard var state = session.streams[stream] else { return }
        if var generation = state.current, Self.accepts(generation, record) {
            Self.add(record, at: when, to: &generation)
            state.current = generation
        } else if state.current == nil, var generation = state.pending, let id = record.messageID, generation.messageID == id {
            // The same response, after an interruption (a notification): reopen it.
            Self.add(record, at: when, to: &generation)
            state.pending = nil
            state.current = generation
        } else {
            flush(&state.pending, session: session, into: &output)
            flush(&state.current, session: session, into: &output)
            state.current = begin(record, at: when, line: line, state: &state, session: session)
        }
        session.streams[stream] = state
    }

    /// A `token_usage` sidecar: attached to the open generation, else (late) to the one just broken
    /// off, else it begins a generation of its own. Repeats of the same record are dropped.
    private mutating func usage(
        _ record: AgtraceRecord, at when: AgtraceSession.When, line: Int, session: inout AgtraceSession, into output: inout AdapterOutput
    ) {
        guard var state = session.streams[record.stream] else { return }
        guard let usage = record.normalizedUsage else {
            output.warn("agtrace token_usage without readable counts (input.uncached/cached/cache_read, output.generated)", line: line)
            return
        }
        if var generation = state.current {
            Self.add(record, at: when, to: &generation)
            attach(usage, of: record, to: &generation, line: line, into: &output)
            state.current = generation
        } else if var generation = state.pending {
            attach(usage, of: record, to: &generation, line: line, into: &output)
            state.pending = generation
        } else {
            var generation = begin(record, at: when, line: line, state: &state, session: session)
            attach(usage, of: record, to: &generation, line: line, into: &output)
            state.current = generation
        }
        session.streams[record.stream] = state
    }

    private func attach(
        _ usage: JSONObject, of record: AgtraceRecord, to generation: inout AgtraceSession.Generation, line: Int,
        into output: inout AdapterOutput
    ) {
        if generation.model == nil { generation.model = record.namedModel }
        if let previous = generation.usage {
            if previous == usage || (record.usageKey != nil && record.usageKey == generation.usageKey) { return }
            if record.isPartialUsage && !generation.usageIsPartial { return }
            if !generation.usageIsPartial {
                output.warn(
                    "agtrace token_usage differs from the one already read for the LLM call \(generation.uuid); the later one is kept",
                    line: line)
            }
        }
        generation.usage = usage
        generation.usageKey = record.usageKey
        generation.usageIsPartial = record.isPartialUsage
    }

    /// A non-assistant event of the stream ends the run: the open generation waits (for a late
    /// usage record) until the next one begins.
    mutating func breakGeneration(in stream: AgtraceRecord.Stream, session: inout AgtraceSession, into output: inout AdapterOutput) {
        guard var state = session.streams[stream], state.current != nil else { return }
        flush(&state.pending, session: session, into: &output)
        state.pending = state.current
        state.current = nil
        session.streams[stream] = state
    }

    /// Emits every generation of the stream still held.
    mutating func flushGenerations(of stream: AgtraceRecord.Stream, session: inout AgtraceSession, into output: inout AdapterOutput) {
        guard var state = session.streams[stream] else { return }
        flush(&state.pending, session: session, into: &output)
        flush(&state.current, session: session, into: &output)
        session.streams[stream] = state
    }

    private static func accepts(_ generation: AgtraceSession.Generation, _ record: AgtraceRecord) -> Bool {
        guard let id = record.messageID, let open = generation.messageID else { return true }
        return id == open
    }

    /// A generation beginning with `record`. It starts at the request trigger: the event that
    /// `parent_id` names, when that is the stream's previous event (else at its own time).
    private func begin(
        _ record: AgtraceRecord, at when: AgtraceSession.When, line: Int, state: inout AgtraceSession.StreamState,
        session: AgtraceSession
    ) -> AgtraceSession.Generation {
        var start = when
        if let parent = record.parentID, parent == state.lastEventID, let trigger = state.lastEvent, trigger.time <= when.time {
            start = trigger
        }
        var generation = AgtraceSession.Generation(
            uuid: "agtrace:llm:\(record.id)", parent: session.parent(in: record.stream), start: start, end: when, line: line,
            inputs: state.inputs)
        state.inputs = []
        Self.add(record, at: when, to: &generation)
        return generation
    }

    private static func add(_ record: AgtraceRecord, at when: AgtraceSession.When, to generation: inout AgtraceSession.Generation) {
        if when.known, !generation.end.known || generation.end.time < when.time { generation.end = when }
        if generation.messageID == nil { generation.messageID = record.messageID }
        if generation.requestID == nil { generation.requestID = record.requestID }
        if generation.model == nil { generation.model = record.namedModel }
        switch record.type {
        case "message":
            if let text = record.text("text") { generation.texts.append(text) }
        case "reasoning":
            if let text = record.text("text") { generation.reasoning.append(text) }
        case "tool_call":
            let arguments = JSONRead.present(record.content["arguments"]) ?? .object(JSONObject())
            let function = JSONObject([
                "name": JSONRead.nonEmptyString(record.content["name"]).map(JSONValue.string) ?? .string("tool"),
                "arguments": .string(arguments.stringValue ?? arguments.compactJSON),
            ])
            let id = JSONRead.identifier(record.content["provider_call_id"]) ?? record.id
            generation.toolCalls.append(.object(JSONObject(["id": .string(id), "type": "function", "function": .object(function)])))
        default:
            break
        }
    }

    /// Emits a held generation's start and end, and forgets it.
    private func flush(_ held: inout AgtraceSession.Generation?, session: AgtraceSession, into output: inout AdapterOutput) {
        guard let generation = held else { return }
        held = nil
        var inferred: [InferredField] = [.startTime]
        var model = generation.model
        if model == nil, let given = options.model {
            model = given
            inferred.append(.model)
        }
        var metadata = session.metadata
        if let id = generation.messageID { metadata["message_id"] = .string(id) }
        if let id = generation.requestID { metadata["request_id"] = .string(id) }
        let name = model.map { "chat \($0)" } ?? "chat"
        let modelValue = model.map(JSONValue.string)

        var input: JSONValue?
        if !generation.inputs.isEmpty {
            var request = JSONObject()
            request["model"] = modelValue
            request["messages"] = .array(generation.inputs)
            input = .object(request)
        }
        var startProfile = JSONObject()
        startProfile["model_name"] = modelValue
        Self.emitStart(
            generation.uuid, parent: generation.parent, at: generation.start, name: name, category: "llm", input: input,
            profile: startProfile.isEmpty ? nil : .object(startProfile), metadata: metadata, inferred: inferred, line: generation.line,
            into: &output)

        var message = JSONObject(["role": "assistant"])
        if !generation.texts.isEmpty { message["content"] = .string(generation.texts.joined(separator: "\n")) }
        if !generation.reasoning.isEmpty { message["reasoning_content"] = .string(generation.reasoning.joined(separator: "\n")) }
        if !generation.toolCalls.isEmpty { message["tool_calls"] = .array(generation.toolCalls) }
        var response: JSONValue?
        if message.count > 1 {
            var body = JSONObject()
            body["model"] = modelValue
            body["choices"] = .array([.object(JSONObject(["message": .object(message)]))])
            response = .object(body)
        }
        var endProfile = startProfile
        endProfile["usage"] = generation.usage.map(JSONValue.object)
        Self.emitEnd(
            generation.uuid, parent: generation.parent, at: generation.end, name: name, category: "llm", output: response,
            profile: endProfile.isEmpty ? nil : .object(endProfile), metadata: metadata, inferred: inferred, line: generation.line,
            into: &output)
    }
}
