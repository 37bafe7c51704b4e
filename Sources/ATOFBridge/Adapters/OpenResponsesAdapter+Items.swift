import ATOF

extension OpenResponsesAdapter {
    /// `response.output_item.added` / `.done`.
    mutating func itemEvent(_ object: JSONObject, done: Bool, line: Int, into output: inout AdapterOutput) {
        let eventType = object["type"]?.stringValue ?? ""
        guard let item = object["item"]?.objectValue, let itemType = JSONRead.nonEmptyString(item["type"]) else {
            output.warn("\(eventType) without an \"item\" object with a \"type\"; line skipped", line: line)
            return
        }
        guard let responseID = turnID(for: object, line: line, into: &output), var turn = turns[responseID] else { return }
        let itemID = JSONRead.identifier(item["id"]) ?? "output_index:\(JSONRead.identifier(object["output_index"]) ?? "?")"
        if turn.items[itemID] == nil {
            addItem(item, id: itemID, type: itemType, to: &turn, line: line, into: &output)
        }
        if done {
            finishItem(item, id: itemID, type: itemType, in: &turn, line: line, into: &output)
        }
        turns[responseID] = turn
    }

    /// A new item of a turn: model items join the open LLM call; harness items end it.
    mutating func addItem(_ item: JSONObject, id: String, type: String, to turn: inout Turn, line: Int, into output: inout AdapterOutput) {
        switch type {
        case "message":
            let generation = turn.openGeneration()
            turn.items[id] = .message(generation: generation)
            turn.generations[generation].messages.append((id, Self.messageText(item)))
        case "reasoning":
            let generation = turn.openGeneration()
            turn.items[id] = .reasoning(generation: generation)
            turn.generations[generation].reasoning.append((id, Self.reasoningText(item)))
        case "function_call":
            let generation = turn.openGeneration()
            let callID = JSONRead.identifier(item["call_id"]) ?? id
            let name = JSONRead.nonEmptyString(item["name"]) ?? "function"
            let arguments = Self.argumentsText(item["arguments"])
            turn.generations[generation].toolCalls.append((id, callID, name, arguments))
            var tool = turn.tools[callID] ?? Tool(uuid: "openresp:tool:\(turn.responseID)/\(callID)", name: name, category: "tool")
            tool.name = name
            tool.callID = callID
            tool.input = Self.argumentsValue(arguments)
            tool.waitsForCall = true
            turn.items[id] = .functionCall(generation: generation, tool: callID)
            addTool(tool, key: callID, to: &turn)
            if !arguments.isEmpty { startTool(callID, in: &turn, line: line, into: &output) }
        case "function_call_output":
            turn.generationOpen = false
            let callID = JSONRead.identifier(item["call_id"]) ?? id
            if turn.tools[callID] == nil {
                output.warn("function_call_output for call \(callID) without its function_call; the tool is named \"tool\"", line: line)
                addTool(
                    Tool(uuid: "openresp:tool:\(turn.responseID)/\(callID)", name: "tool", category: "tool", callID: callID), key: callID,
                    to: &turn)
            }
            turn.items[id] = .functionOutput(tool: callID)
            if let text = JSONRead.nonEmptyString(item["output"]) { turn.tools[callID]?.stdout = text }
            startTool(callID, in: &turn, line: line, into: &output)
        case "vtcode:command_execution", "vtcode:file_change", "vtcode:web_search":
            turn.generationOpen = false
            let data = item["data"]?.objectValue ?? JSONObject()
            let key = "item:\(id)"
            let name = String(type.dropFirst("vtcode:".count))
            var input: JSONValue? = JSONRead.present(data["changes"])
            if type == "vtcode:command_execution" {
                input = .object(JSONObject(["command": data["command"] ?? .null, "arguments": data["arguments"] ?? .null]))
            } else if type == "vtcode:web_search" {
                input = .object(JSONObject(["query": data["query"] ?? .null, "provider": data["provider"] ?? .null]))
            }
            let category = type == "vtcode:web_search" ? "retriever" : "tool"
            addTool(Tool(uuid: "openresp:tool:\(turn.responseID)/\(id)", name: name, category: category, input: input), key: key, to: &turn)
            turn.items[id] = .customTool(tool: key)
            startTool(key, in: &turn, line: line, into: &output)
        default:
            if type.hasPrefix("vtcode:") { turn.generationOpen = false }
            if !Self.markItemTypes.contains(type), unknownItemTypes.insert(type).inserted {
                output.warn("unknown Open Responses item type \"\(type)\" kept as a mark", line: line)
            }
            turn.items[id] = .mark
            turn.pendingMarks.append((id, item))
        }
    }

    /// Custom item types that become marks (adapters.md §4.2).
    static let markItemTypes: Set<String> = ["vtcode:plan", "vtcode:harness_event", "vtcode:error"]

    /// An item's `done`: its final content, and the end of the tool it completes.
    mutating func finishItem(_ item: JSONObject, id: String, type: String, in turn: inout Turn, line: Int, into output: inout AdapterOutput)
    {
        let failed = JSONRead.string(item["status"]) == "failed"
        switch turn.items[id] {
        case .message?, .reasoning?:
            turn.updateModelItem(item)
        case .functionCall(let generation, let key)?:
            if let arguments = JSONRead.present(item["arguments"]) {
                setArguments(Self.argumentsText(arguments), itemID: id, generation: generation, tool: key, in: &turn)
            }
            turn.tools[key]?.waitsForCall = false
            if failed { turn.tools[key]?.failed = true }
            startTool(key, in: &turn, line: line, into: &output)
            endToolIfComplete(key, in: &turn, line: line, into: &output)
        case .functionOutput(let key)?:
            if let text = JSONRead.nonEmptyString(item["output"]) { turn.tools[key]?.output = .string(text) }
            turn.tools[key]?.waitsForOutput = false
            if failed { turn.tools[key]?.failed = true }
            endToolIfComplete(key, in: &turn, line: line, into: &output)
        case .customTool(let key)?:
            finishCustomTool(item, type: type, key: key, failed: failed, in: &turn)
            endToolIfComplete(key, in: &turn, line: line, into: &output)
        case .mark?:
            turn.pendingMarks.removeAll { $0.itemID == id }
            itemMark(item, type: type, parent: turn.uuid, responseID: turn.responseID, line: line, into: &output)
        case nil:
            break
        }
    }

    /// The outcome of a `vtcode:command_execution`, `file_change` or `web_search` item.
    func finishCustomTool(_ item: JSONObject, type: String, key: String, failed: Bool, in turn: inout Turn) {
        guard var tool = turn.tools[key] else { return }
        let data = item["data"]?.objectValue ?? JSONObject()
        tool.waitsForOutput = false
        tool.failed = failed || JSONRead.string(data["status"]) == "failed"
        switch type {
        case "vtcode:command_execution":
            tool.output = JSONRead.present(data["aggregated_output"])
            if let exitCode = data["exit_code"]?.int64Value, exitCode != 0 {
                tool.failed = true
                tool.error = ErrorInfo(type: "tool_error", message: "exit code \(exitCode)")
            }
        case "vtcode:web_search":
            tool.output = JSONRead.present(data["results"]) ?? .object(data)
        default:
            tool.output = .object(data)
        }
        turn.tools[key] = tool
    }

    /// `output_text`, `reasoning` and `function_call_arguments` deltas and dones.
    mutating func contentEvent(_ object: JSONObject, type: String, line: Int, into output: inout AdapterOutput) {
        guard let responseID = turnID(for: object, line: line, into: &output), var turn = turns[responseID] else { return }
        let itemID = JSONRead.identifier(object["item_id"]) ?? "output_index:\(JSONRead.identifier(object["output_index"]) ?? "?")"
        let isDelta = type.hasSuffix(".delta")
        let text = JSONRead.string(isDelta ? object["delta"] : type == "response.output_text.done" ? object["text"] : object["arguments"])
        guard let text else {
            output.warn("\(type) without its text; line skipped", line: line)
            return
        }
        if turn.items[itemID] == nil, type != "response.function_call_arguments.delta", type != "response.function_call_arguments.done" {
            // Text for an item never added: an implied message or reasoning item.
            let implied = JSONObject([
                "type": .string(type.hasPrefix("response.reasoning") ? "reasoning" : "message"), "id": .string(itemID),
            ])
            addItem(implied, id: itemID, type: implied["type"]?.stringValue ?? "message", to: &turn, line: line, into: &output)
        }
        switch (turn.items[itemID], isDelta) {
        case (.message(let generation)?, _):
            turn.generations[generation].appendText(text, itemID: itemID, replacing: !isDelta, reasoning: false)
            if isDelta { turn.generations[generation].chunkCount += 1 }
        case (.reasoning(let generation)?, _):
            turn.generations[generation].appendText(text, itemID: itemID, replacing: !isDelta, reasoning: true)
            if isDelta { turn.generations[generation].chunkCount += 1 }
        case (.functionCall(let generation, let key)?, true):
            let current = turn.generations[generation].toolCalls.first { $0.itemID == itemID }?.arguments ?? ""
            setArguments(current + text, itemID: itemID, generation: generation, tool: key, in: &turn)
            turn.generations[generation].chunkCount += 1
        case (.functionCall(let generation, let key)?, false):
            setArguments(text, itemID: itemID, generation: generation, tool: key, in: &turn)
            startTool(key, in: &turn, line: line, into: &output)
        case (.functionOutput(let key)?, true):
            // Tool stdout, never the model's text.
            turn.tools[key]?.stdout += text
        case (.functionOutput(let key)?, false):
            if turn.tools[key]?.output == nil { turn.tools[key]?.output = .string(text) }
        default:
            output.warn("\(type) for item \(itemID), which is not a message, reasoning or function call; line skipped", line: line)
        }
        turns[responseID] = turn
    }

    /// `response.custom_event`: `vtcode.thread_completed` ends the thread; any other is a mark.
    mutating func customEvent(_ object: JSONObject, line: Int, into output: inout AdapterOutput) {
        let responseID = JSONRead.nonEmptyString(object["response_id"])
        guard let eventType = JSONRead.nonEmptyString(object["event_type"]) else {
            output.warn("response.custom_event without an \"event_type\"; kept as a mark", line: line)
            mark(name: "open-responses.response.custom_event", data: .object(object), responseID: responseID, line: line, into: &output)
            return
        }
        if eventType == "vtcode.thread_completed" {
            endThread(object["data"]?.objectValue ?? JSONObject(), responseID: responseID, line: line, into: &output)
        } else {
            mark(name: eventType, data: object["data"] ?? .null, responseID: responseID, line: line, into: &output)
        }
    }

    /// A `response.*` type this adapter does not know: a mark with the object, one warning per type.
    mutating func unknownType(_ type: String, object: JSONObject, line: Int, into output: inout AdapterOutput) {
        if unknownTypes.record(type) {
            output.warn("unknown Open Responses event type \"\(type)\" kept as a mark open-responses.\(type)", line: line)
        }
        let responseID = JSONRead.nonEmptyString(object["response_id"]) ?? JSONRead.nonEmptyString(object["response"]?["id"])
        mark(name: "open-responses.\(type)", data: .object(object), responseID: responseID, line: line, into: &output)
    }

    /// `vtcode.thread_completed`: the thread's end, with its outcome.
    mutating func endThread(_ data: JSONObject, responseID: String?, line: Int, into output: inout AdapterOutput) {
        startThread(responseID ?? "input", at: nil, line: line, into: &output)
        guard !thread.ended else {
            output.warn("vtcode.thread_completed after the thread ended; line skipped", line: line)
            return
        }
        if let session = JSONRead.identifier(data["session_id"]) { sessionID = session }
        for key in ["thread_id", "subtype", "outcome_code", "stop_reason", "num_turns", "total_cost_usd"] {
            if let value = JSONRead.present(data[key]) { thread.details[key] = value }
        }
        let subtype = JSONRead.nonEmptyString(data["subtype"])
        let outcomeCode = JSONRead.identifier(data["outcome_code"])
        var status = Status.ok
        var error: ErrorInfo?
        let word = (subtype ?? "").lowercased()
        if word.contains("cancel") || word.contains("interrupt") || word.contains("abort") {
            status = .cancelled
        } else if let subtype, !["success", "completed", "ok"].contains(word) {
            status = .error
            error = ErrorInfo(type: subtype, message: outcomeCode ?? subtype)
        } else if let lastError = thread.lastTurnError {
            status = .error
            error = lastError
        }
        var profile: JSONValue?
        if let usage = Self.normalizedUsage(data["usage"]) { profile = .object(JSONObject(["usage": usage])) }
        let time = Self.time(data["completed_at"])
        var event = scopeEvent(
            .scopeEnd, uuid: thread.uuid, parent: nil, name: "vtcode.thread", category: "agent", time: time, profile: profile,
            payload: JSONRead.present(data["result"]), metadata: threadMetadata())
        event.status = status
        event.error = error
        output.emit(event, line: line, timeKnown: time != nil)
        thread.ended = true
    }
}
