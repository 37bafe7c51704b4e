import ATOF

extension OpenResponsesAdapter {
    /// How a terminal response event ends its turn.
    struct Outcome: Sendable {
        var status: Status?
        var error: ErrorInfo?
        /// The finish reason of an incomplete response (`max_output_tokens`, …).
        var finishReason: String?
        var data: JSONValue?

        init(type: String, response: JSONObject) {
            switch type {
            case "response.completed":
                status = .ok
            case "response.failed":
                status = .error
                let details = response["error"]?.objectValue
                error = ErrorInfo(
                    type: JSONRead.nonEmptyString(details?["type"]) ?? "response_failed",
                    message: JSONRead.nonEmptyString(details?["message"]) ?? "response failed")
                if let code = JSONRead.present(details?["code"]) { data = .object(JSONObject(["code": code])) }
            default:
                let reason = JSONRead.nonEmptyString(response["incomplete_details"]?["reason"])
                if reason == "cancelled" {
                    status = .cancelled
                } else {
                    status = .other("incomplete")
                    finishReason = reason
                }
                if let reason { data = .object(JSONObject(["reason": .string(reason)])) }
            }
        }

        /// The status of an item or LLM call still open when the response ended: unknown for a
        /// completed response, else the response's.
        var openItemStatus: Status? {
            status == .ok ? nil : status
        }
    }

    /// The `response` object of a lifecycle event and its id.
    func responseObject(in object: JSONObject, line: Int, into output: inout AdapterOutput) -> (id: String, object: JSONObject)? {
        guard let response = object["response"]?.objectValue, let id = JSONRead.nonEmptyString(response["id"]) else {
            output.warn("\(object["type"]?.stringValue ?? "") without a \"response\" object with an \"id\"; line skipped", line: line)
            return nil
        }
        return (id, response)
    }

    /// The open turn an item or content event belongs to: its `response_id` (opening the turn when
    /// unseen), else the turn opened last. Nil, with a warning, when there is none or it has ended.
    mutating func turnID(for object: JSONObject, line: Int, into output: inout AdapterOutput) -> String? {
        let type = object["type"]?.stringValue ?? ""
        guard let responseID = JSONRead.nonEmptyString(object["response_id"]) ?? currentResponseID else {
            output.warn("\(type) without a \"response_id\" before any response; line skipped", line: line)
            return nil
        }
        guard let turn = turns[responseID] else {
            openTurn(responseID, response: nil, line: line, into: &output)
            return responseID
        }
        guard !turn.ended else {
            output.warn("\(type) for response \(responseID) after it ended; line skipped", line: line)
            return nil
        }
        return responseID
    }

    /// Opens the turn of `responseID` (and the thread before the first turn), or updates an open
    /// turn from a later copy of its response object.
    mutating func openTurn(_ responseID: String, response: (id: String, object: JSONObject)?, line: Int, into output: inout AdapterOutput) {
        if let session = JSONRead.nonEmptyString(response?.object["metadata"]?["session_id"]) { sessionID = session }
        if var turn = turns[responseID] {
            if let response { turn.update(from: response.object) }
            turns[responseID] = turn
            return
        }
        if thread.ended {
            // A response after `vtcode.thread_completed`: the input goes on with another thread.
            thread = ThreadState()
            runKey = nil
            sessionID = nil
        }
        let start = Self.startTime(responseID: responseID, createdAt: response?.object["created_at"])
        startThread(responseID, at: start, line: line, into: &output)
        var turn = Turn(responseID: responseID, uuid: "openresp:resp:\(responseID)")
        if let response { turn.update(from: response.object) }
        turn.startTime = start
        output.emit(
            scopeEvent(
                .scopeStart, uuid: turn.uuid, parent: thread.uuid, name: "agent.turn", category: "function", time: start,
                metadata: turnMetadata(turn)),
            line: line, timeKnown: start != nil)
        turns[responseID] = turn
        turnOrder.append(responseID)
        currentResponseID = responseID
    }

    /// Emits the thread's start before the first turn.
    mutating func startThread(_ responseID: String, at time: Timestamp?, line: Int, into output: inout AdapterOutput) {
        guard !thread.started else { return }
        let key = runKey ?? responseID
        runKey = key
        thread.uuid = "openresp:thread:\(key)"
        thread.started = true
        output.emit(
            scopeEvent(
                .scopeStart, uuid: thread.uuid, parent: nil, name: "vtcode.thread", category: "agent", time: time,
                metadata: threadMetadata()),
            line: line, timeKnown: time != nil)
    }

    /// Ends a turn on `response.completed`, `.failed` or `.incomplete`: closes what is still open
    /// in it, emits its LLM calls, then the turn's end.
    mutating func endTurn(_ response: (id: String, object: JSONObject), type: String, line: Int, into output: inout AdapterOutput) {
        openTurn(response.id, response: response, line: line, into: &output)
        guard var turn = turns[response.id], !turn.ended else {
            output.warn("\(type) for response \(response.id) after it ended; line skipped", line: line)
            return
        }
        let outcome = Outcome(type: type, response: response.object)
        let usage = Self.normalizedUsage(response.object["usage"])
        closeOpenItems(&turn, outcome: outcome, line: line, into: &output)
        emitGenerations(turn, outcome: outcome, usage: usage, line: line, into: &output)

        var metadata = turnMetadata(turn)
        if usage != nil, turn.generations.count > 1 { metadata["usage_per_turn"] = true }
        var inferred: [InferredField] = []
        var end = Self.seconds(response.object["completed_at"])
        if let start = turn.startTime, let known = end, known < start {
            end = start
            inferred.append(.endTime)
        }
        var result = JSONObject()
        if let status = JSONRead.nonEmptyString(response.object["status"]) { result["status"] = .string(status) }
        if let usage { result["usage"] = usage }
        var event = scopeEvent(
            .scopeEnd, uuid: turn.uuid, parent: thread.uuid, name: "agent.turn", category: "function", time: end,
            payload: result.isEmpty ? nil : .object(result), metadata: metadata, inferred: inferred)
        event.status = outcome.status
        event.error = outcome.error
        event.data = outcome.data
        output.emit(event, line: line, timeKnown: end != nil)

        turn.ended = true
        turns[response.id] = turn
        thread.lastTurnError = outcome.status == .error ? outcome.error : nil
        if let model = turn.model { lastModel = model }
    }

    /// The end of input inside a turn that never got its terminal event: its LLM calls and marks are
    /// emitted (the calls' ends flagged `end`, status unknown); its tools and the turn stay unended.
    mutating func flushUnfinishedTurn(_ responseID: String, into output: inout AdapterOutput) {
        guard var turn = turns[responseID] else { return }
        for key in turn.toolOrder where turn.tools[key]?.started == false {
            startTool(key, in: &turn, line: lastLine, into: &output)
        }
        emitPendingMarks(&turn, line: lastLine, into: &output)
        emitGenerations(turn, outcome: nil, usage: nil, line: lastLine, into: &output)
        turn.ended = true
        turns[responseID] = turn
    }

    /// Closes the tools and marks a response left open when it ended (vtcode drops item events
    /// once a response is terminal): ends flagged `end`, with the response's outcome.
    mutating func closeOpenItems(_ turn: inout Turn, outcome: Outcome, line: Int, into output: inout AdapterOutput) {
        for key in turn.toolOrder {
            guard let tool = turn.tools[key], !tool.ended else { continue }
            if !tool.started { startTool(key, in: &turn, line: line, into: &output) }
            endTool(key, in: &turn, status: tool.failed ? .error : outcome.openItemStatus, implied: true, line: line, into: &output)
        }
        emitPendingMarks(&turn, line: line, into: &output)
    }

    /// Emits the turn's LLM calls (start and end each; no times: inside the turn). `outcome` is nil
    /// at the end of input.
    func emitGenerations(_ turn: Turn, outcome: Outcome?, usage: JSONValue?, line: Int, into output: inout AdapterOutput) {
        var modelInferred: [InferredField] = []
        var model = turn.model
        if model == nil, let fallback = lastModel ?? options.model {
            model = fallback
            modelInferred = [.model]
        }
        let name = model.map { "chat \($0)" } ?? "chat"
        for (index, generation) in turn.generations.enumerated() {
            let uuid = "openresp:llm:\(turn.responseID)/\(index + 1)"
            let isOpen = index == turn.generations.count - 1 && turn.generationOpen
            var metadata = JSONObject()
            metadata["response_id"] = .string(turn.responseID)
            if let sessionID { metadata["session_id"] = .string(sessionID) }
            var startProfile = JSONObject()
            if let model { startProfile["model_name"] = .string(model) }
            var input: JSONValue?
            if let instructions = turn.instructions {
                input = [
                    "model": model.map(JSONValue.string) ?? .null,
                    "messages": [["role": "system", "content": .string(instructions)]],
                ]
            }
            output.emit(
                scopeEvent(
                    .scopeStart, uuid: uuid, parent: turn.uuid, name: name, category: "llm",
                    profile: startProfile.isEmpty ? nil : .object(startProfile), payload: input, metadata: metadata,
                    inferred: modelInferred),
                line: line, timeKnown: false)

            var endProfile = startProfile
            if turn.generations.count == 1, let usage { endProfile["usage"] = usage }
            if generation.chunkCount > 0 { endProfile["chunk_count"] = .number(JSONNumber(generation.chunkCount)) }
            let status: Status? = outcome.map { isOpen ? ($0.status ?? .ok) : .ok }
            var finishReason: String? = "stop"
            if !generation.toolCalls.isEmpty {
                finishReason = "tool_calls"
            } else if isOpen {
                finishReason = outcome?.finishReason ?? (status == .ok ? "stop" : nil)
            }
            var end = scopeEvent(
                .scopeEnd, uuid: uuid, parent: turn.uuid, name: name, category: "llm",
                profile: endProfile.isEmpty ? nil : .object(endProfile),
                payload: Self.chatOutput(generation, responseID: turn.responseID, model: model, finishReason: finishReason),
                metadata: metadata, inferred: modelInferred + (outcome == nil ? [.end] : []))
            end.status = status
            if isOpen, status == .error { end.error = outcome?.error }
            output.emit(end, line: line, timeKnown: false)
        }
    }

    /// The LLM end `output` in the chat-completion shape the mapper reads (contract rule 7).
    static func chatOutput(_ generation: Generation, responseID: String, model: String?, finishReason: String?) -> JSONValue {
        var message = JSONObject(["role": "assistant"])
        let text = generation.messages.map { $0.text }.joined(separator: "\n\n")
        message["content"] = generation.messages.isEmpty ? .null : .string(text)
        if !generation.reasoning.isEmpty {
            message["reasoning_content"] = .string(generation.reasoning.map { $0.text }.joined(separator: "\n\n"))
        }
        if !generation.toolCalls.isEmpty {
            message["tool_calls"] = .array(
                generation.toolCalls.map { call -> JSONValue in
                    [
                        "id": .string(call.callID), "type": "function",
                        "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
                    ]
                })
        }
        var choice = JSONObject(["message": .object(message)])
        if let finishReason { choice["finish_reason"] = .string(finishReason) }
        var result = JSONObject(["id": .string(responseID)])
        if let model { result["model"] = .string(model) }
        result["choices"] = .array([.object(choice)])
        return .object(result)
    }
}

extension OpenResponsesAdapter.Turn {
    init(responseID: String, uuid: String) {
        self.responseID = responseID
        self.uuid = uuid
    }

    /// Takes the model, instructions and previous response id from a copy of the response object.
    mutating func update(from response: JSONObject) {
        if let model = JSONRead.nonEmptyString(response["model"]) { self.model = model }
        if let instructions = JSONRead.nonEmptyString(response["instructions"]) { self.instructions = instructions }
        if let previous = JSONRead.nonEmptyString(response["previous_response_id"]) { previousResponseID = previous }
    }
}
