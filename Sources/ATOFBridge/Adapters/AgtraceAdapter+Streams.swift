import ATOF

/// Sidechain and subagent streams (adapters.md §5.4 case 4): one agent scope over all events of a
/// `stream_id`, child of the tool whose `tool_result.agent_id` names the stream. That link arrives
/// only after the stream, so when exactly one agent-spawning tool (`Task`, `Agent`) is open as the
/// stream begins, the scope starts under it at once, flagged `parent` unless the link confirms it.
/// Otherwise (none, or parallel ones) the start waits for the link, or for the end of input (then
/// under the session, flagged `parent`). Live and offline input thus give the same spans.
extension AgtraceAdapter {
    /// The first event of a stream other than main: remembers its agent scope.
    func openStream(_ record: AgtraceRecord, at when: AgtraceSession.When, line: Int, session: inout AgtraceSession) {
        let stream = record.stream
        guard session.streams[stream]?.agent == nil else { return }
        let label = stream.label ?? ""
        var agent = AgtraceSession.StreamAgent(
            uuid: "agtrace:stream:\(session.id)/\(stream.type)/\(label)",
            name: label.isEmpty ? "agtrace.\(stream.type)" : "agtrace.\(stream.type) \(label)", first: when, line: line)
        if let tool = stream.agentID.flatMap({ session.spawnedBy[$0] }) {
            agent.parent = tool
            agent.parentIsExact = true
        } else if session.openSpawners.count == 1 {
            agent.parent = session.openSpawners.first
        }
        session.streams[stream]?.agent = agent
    }

    /// Emits the stream's start once it has a parent. Whether that parent is inferred is known only
    /// at the end, so the end alone carries the `parent` flag.
    func startStreamIfLinked(_ stream: AgtraceRecord.Stream, session: inout AgtraceSession, into output: inout AdapterOutput) {
        guard let agent = session.streams[stream]?.agent, !agent.started, let parent = agent.parent else { return }
        Self.emitStart(
            agent.uuid, parent: parent, at: agent.first, name: agent.name, category: "agent", input: agent.input.map(JSONValue.string),
            metadata: Self.streamMetadata(stream, session: session), line: agent.line, into: &output)
        session.streams[stream]?.agent?.started = true
    }

    /// A `tool_result` naming `agent_id`: the stream of that agent is the tool's child, and done.
    mutating func linkStream(agentID: String, to tool: String, session: inout AgtraceSession, into output: inout AdapterOutput) {
        session.spawnedBy[agentID] = tool
        guard let stream = session.streamOrder.first(where: { $0.agentID == agentID }),
            let agent = session.streams[stream]?.agent, !agent.ended
        else { return }
        if !agent.started || agent.parent == tool {
            session.streams[stream]?.agent?.parent = tool
            session.streams[stream]?.agent?.parentIsExact = true
        }
        startStreamIfLinked(stream, session: &session, into: &output)
        flushGenerations(of: stream, session: &session, into: &output)
        closeStream(stream, session: &session, into: &output)
    }

    /// Ends a stream's agent scope at its last event (an implied end), starting it first, under the
    /// session, if it never got a parent.
    mutating func closeStream(_ stream: AgtraceRecord.Stream, session: inout AgtraceSession, into output: inout AdapterOutput) {
        guard let state = session.streams[stream], var agent = state.agent, !agent.ended else { return }
        if !agent.started {
            agent.parent = session.id
            session.streams[stream]?.agent = agent
            startStreamIfLinked(stream, session: &session, into: &output)
        }
        let inferred = Self.endFlags((agent.parentIsExact ? [] : [.parent]) + [.end, .endTime], startKnown: agent.first.known)
        Self.emitEnd(
            agent.uuid, parent: agent.parent, at: state.last ?? agent.first, name: agent.name, category: "agent",
            output: agent.lastMessage.map(JSONValue.string), metadata: Self.streamMetadata(stream, session: session), inferred: inferred,
            line: state.lastLine, into: &output)
        session.streams[stream]?.agent?.started = true
        session.streams[stream]?.agent?.ended = true
    }

    /// A stream agent's metadata: the session, and the stream's type and agent id or name.
    private static func streamMetadata(_ stream: AgtraceRecord.Stream, session: AgtraceSession) -> JSONObject {
        var metadata = session.metadata
        metadata["stream_type"] = .string(stream.type)
        if let agentID = stream.agentID {
            metadata["agent_id"] = .string(agentID)
        } else if let label = stream.label {
            metadata["stream_name"] = .string(label)
        }
        return metadata
    }
}
