import ATOF

extension OpenResponsesAdapter {
    /// An ATOF 0.2 scope event of this adapter; without `time` its timestamp is a placeholder for
    /// `InferredTimes`.
    func scopeEvent(
        _ kind: Event.Kind, uuid: String, parent: String?, name: String, category: String, time: Timestamp? = nil,
        profile: JSONValue? = nil, payload: JSONValue? = nil, metadata: JSONObject, inferred: [InferredField] = []
    ) -> Event {
        Event(
            family: .v0_2, kind: kind, uuid: uuid, parentUUID: parent, timestamp: time ?? Timestamp(nanosecondsSinceEpoch: 0),
            name: name, category: category, profile: profile, input: kind == .scopeStart ? payload : nil,
            output: kind == .scopeEnd ? payload : nil, metadata: Self.metadata(metadata, inferred: inferred))
    }

    /// A turn's metadata: its response id, model, previous response and the session.
    func turnMetadata(_ turn: Turn) -> JSONObject {
        var metadata = JSONObject(["response_id": .string(turn.responseID)])
        if let model = turn.model { metadata["model"] = .string(model) }
        if let previous = turn.previousResponseID { metadata["previous_response_id"] = .string(previous) }
        if let sessionID { metadata["session_id"] = .string(sessionID) }
        return metadata
    }

    /// The thread's metadata: the session and what `vtcode.thread_completed` said.
    func threadMetadata() -> JSONObject {
        var metadata = JSONObject()
        if let sessionID { metadata["session_id"] = .string(sessionID) }
        metadata.members.append(contentsOf: thread.details.members)
        return metadata
    }

    /// Metadata of the scopes and marks inside a turn.
    func itemMetadata(responseID: String?, itemID: String? = nil) -> JSONObject {
        var metadata = JSONObject()
        if let responseID { metadata["response_id"] = .string(responseID) }
        if let itemID { metadata["item_id"] = .string(itemID) }
        if let sessionID { metadata["session_id"] = .string(sessionID) }
        return metadata
    }

    // MARK: Tools

    func addTool(_ tool: Tool, key: String, to turn: inout Turn) {
        if turn.tools[key] == nil { turn.toolOrder.append(key) }
        turn.tools[key] = tool
    }

    /// Emits a tool's start once (a function call's start waits for its arguments).
    func startTool(_ key: String, in turn: inout Turn, line: Int, into output: inout AdapterOutput) {
        guard var tool = turn.tools[key], !tool.started else { return }
        tool.started = true
        turn.tools[key] = tool
        output.emit(
            scopeEvent(
                .scopeStart, uuid: tool.uuid, parent: turn.uuid, name: tool.name, category: tool.category,
                profile: tool.callID.map { .object(JSONObject(["tool_call_id": .string($0)])) }, payload: tool.input,
                metadata: itemMetadata(responseID: turn.responseID)),
            line: line, timeKnown: false)
    }

    /// Ends a tool once nothing it waits for is missing.
    func endToolIfComplete(_ key: String, in turn: inout Turn, line: Int, into output: inout AdapterOutput) {
        guard let tool = turn.tools[key], tool.started, !tool.ended, !tool.waitsForCall, !tool.waitsForOutput else { return }
        endTool(key, in: &turn, status: tool.failed ? .error : .ok, implied: false, line: line, into: &output)
    }

    /// Emits a tool's end; `implied` flags an end the response's end implies.
    func endTool(_ key: String, in turn: inout Turn, status: Status?, implied: Bool, line: Int, into output: inout AdapterOutput) {
        guard var tool = turn.tools[key], !tool.ended else { return }
        tool.ended = true
        turn.tools[key] = tool
        let result = tool.output ?? (tool.stdout.isEmpty ? nil : .string(tool.stdout))
        var event = scopeEvent(
            .scopeEnd, uuid: tool.uuid, parent: turn.uuid, name: tool.name, category: tool.category,
            profile: tool.callID.map { .object(JSONObject(["tool_call_id": .string($0)])) }, payload: result,
            metadata: itemMetadata(responseID: turn.responseID), inferred: implied ? [.end] : [])
        event.status = status
        if status == .error {
            event.error = tool.error ?? ErrorInfo(type: "tool_error", message: JSONRead.nonEmptyString(result) ?? "tool failed")
        }
        output.emit(event, line: line, timeKnown: false)
    }

    /// A function call's complete arguments (JSON text): its LLM tool call and its tool's input.
    func setArguments(_ arguments: String, itemID: String, generation: Int, tool key: String, in turn: inout Turn) {
        if let index = turn.generations[generation].toolCalls.firstIndex(where: { $0.itemID == itemID }) {
            turn.generations[generation].toolCalls[index].arguments = arguments
        }
        if turn.tools[key]?.started == false { turn.tools[key]?.input = Self.argumentsValue(arguments) }
    }

    // MARK: Marks

    /// A mark on the open turn of `responseID`, else on the thread.
    mutating func mark(name: String, data: JSONValue, responseID: String?, line: Int, into output: inout AdapterOutput) {
        startThread(responseID ?? "input", at: nil, line: line, into: &output)
        let turn = responseID.flatMap { turns[$0] }.flatMap { $0.ended ? nil : $0 }
        emitMark(
            name: name, data: data, parent: turn?.uuid ?? thread.uuid, metadata: itemMetadata(responseID: responseID), line: line,
            into: &output)
    }

    /// A plan, harness event or error item (or an item of unknown type) as a mark on its turn.
    mutating func itemMark(
        _ item: JSONObject, type: String, parent: String, responseID: String, line: Int, into output: inout AdapterOutput
    ) {
        var metadata = itemMetadata(responseID: responseID, itemID: JSONRead.identifier(item["id"]))
        if let status = JSONRead.nonEmptyString(item["status"]) { metadata["status"] = .string(status) }
        let name = type == "vtcode:error" ? "error" : type
        emitMark(name: name, data: item["data"] ?? .object(item), parent: parent, metadata: metadata, line: line, into: &output)
    }

    /// The marks of items that never got their `done`.
    mutating func emitPendingMarks(_ turn: inout Turn, line: Int, into output: inout AdapterOutput) {
        for pending in turn.pendingMarks {
            itemMark(
                pending.item, type: pending.item["type"]?.stringValue ?? "item", parent: turn.uuid, responseID: turn.responseID, line: line,
                into: &output)
        }
        turn.pendingMarks.removeAll()
    }

    mutating func emitMark(name: String, data: JSONValue, parent: String, metadata: JSONObject, line: Int, into output: inout AdapterOutput)
    {
        markCount += 1
        let event = Event(
            family: .v0_2, kind: .mark, uuid: "openresp:mark:\(runKey ?? "input")/\(markCount)", parentUUID: parent,
            timestamp: Timestamp(nanosecondsSinceEpoch: 0), name: name, data: data, metadata: Self.metadata(metadata))
        output.emit(event, line: line, timeKnown: false)
    }
}

extension OpenResponsesAdapter.Turn {
    /// The index of the LLM call model items join now, opening one after a harness item.
    mutating func openGeneration() -> Int {
        if !generationOpen || generations.isEmpty {
            generations.append(OpenResponsesAdapter.Generation())
            generationOpen = true
        }
        return generations.count - 1
    }

    /// Takes a message or reasoning item's complete text (from its `done` or `reasoning.done`).
    mutating func updateModelItem(_ item: JSONObject) {
        guard let id = JSONRead.identifier(item["id"]) else { return }
        switch items[id] {
        case .message(let generation):
            let text = OpenResponsesAdapter.messageText(item)
            if !text.isEmpty { generations[generation].appendText(text, itemID: id, replacing: true, reasoning: false) }
        case .reasoning(let generation):
            let text = OpenResponsesAdapter.reasoningText(item)
            if !text.isEmpty { generations[generation].appendText(text, itemID: id, replacing: true, reasoning: true) }
        default:
            break
        }
    }
}

extension OpenResponsesAdapter.Generation {
    /// Appends a delta to (or, `replacing`, sets) the text of one message or reasoning item.
    mutating func appendText(_ text: String, itemID: String, replacing: Bool, reasoning: Bool) {
        if reasoning {
            guard let index = self.reasoning.firstIndex(where: { $0.itemID == itemID }) else { return }
            self.reasoning[index].text = replacing ? text : self.reasoning[index].text + text
        } else {
            guard let index = messages.firstIndex(where: { $0.itemID == itemID }) else { return }
            messages[index].text = replacing ? text : messages[index].text + text
        }
    }
}
