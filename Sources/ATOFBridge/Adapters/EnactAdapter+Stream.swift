import ATOF

/// The AI-SDK-style events: tools, text and UI steps, with no time and (mostly) no execution id.
extension EnactAdapter {
    /// The requested tool `id` in an open or held LLM call: (held?, call index, tool index).
    func requestedTool(_ id: String) -> (held: Bool, call: Int, tool: Int)? {
        for (index, call) in openCalls.enumerated().reversed() {
            if let tool = call.toolCalls.firstIndex(where: { $0.id == id }) { return (false, index, tool) }
        }
        for (index, end) in held.enumerated().reversed() {
            if let tool = end.call.toolCalls.firstIndex(where: { $0.id == id }) { return (true, index, tool) }
        }
        return nil
    }

    /// Adds a tool call to the innermost open LLM call (else the last held one); false when none.
    mutating func request(_ tool: RequestedTool) -> Bool {
        if !openCalls.isEmpty {
            openCalls[openCalls.count - 1].toolCalls.append(tool)
        } else if !held.isEmpty {
            held[held.count - 1].call.toolCalls.append(tool)
        } else {
            return false
        }
        return true
    }

    mutating func setArguments(_ id: String, _ update: (inout String) -> Void) -> Bool {
        guard let found = requestedTool(id) else { return false }
        if found.held {
            update(&held[found.call].call.toolCalls[found.tool].arguments)
        } else {
            update(&openCalls[found.call].toolCalls[found.tool].arguments)
        }
        return true
    }

    /// `data-tool-input-start`/`-delta`: the model streams a tool call into the open LLM call's output.
    mutating func toolInputStreamed(_ type: String, _ read: Read, into output: inout AdapterOutput) {
        guard let id = read.string("tool_call_id") else { return malformed(read, "has no tool_call_id", into: &output) }
        if type == "data-tool-input-start" {
            _ = request(RequestedTool(id: id, name: read.string("tool_name") ?? "", arguments: ""))
            return
        }
        let delta = read.object["input_text_delta"]?.stringValue ?? ""
        if !setArguments(id, { $0 += delta }) {
            output.warn("enact data-tool-input-delta for tool call \(id) outside any LLM call; the delta is not kept", line: read.line)
        }
    }

    /// `data-tool-input-available`: a tool scope on the innermost open step (else execution).
    mutating func toolInput(_ read: Read, into output: inout AdapterOutput) {
        guard let id = read.string("tool_call_id"), let name = read.string("tool_name") else {
            return malformed(read, "needs tool_call_id and tool_name", into: &output)
        }
        let input = read.object["input"] ?? .null
        let arguments = input.stringValue ?? input.compactJSON
        if !setArguments(id, { $0 = arguments }) {
            _ = request(RequestedTool(id: id, name: name, arguments: arguments))
        }
        openPendingUISteps(into: &output)
        guard tools[id] == nil else {
            output.warn("enact data-tool-input-available repeats open tool call \(id); kept the first", line: read.line)
            return
        }
        let context = innermostStepOrExecution
        if context == nil {
            output.warn("enact data-tool-input-available for \(id) outside any execution; the tool is a root", line: read.line)
        }
        let root = context.map { executions[$0.executionID]?.root ?? $0.executionID } ?? "_"
        let tool = Tool(
            uuid: "enact:tool:\(root)/\(id)", name: name, parentUUID: context?.uuid, stepKey: context.flatMap { $0.isStep ? $0.key : nil },
            inferred: context == nil ? [] : [.parent])
        tools[id] = tool
        emit(
            .scopeStart, uuid: tool.uuid, parent: tool.parentUUID, time: nil, name: name, line: read.line, into: &output,
            category: "tool", profile: JSONObject(["tool_call_id": .string(id)]), payload: input, inferred: tool.inferred)
    }

    /// `data-tool-output-available`: the end of the tool scope with that `tool_call_id`.
    mutating func toolOutput(_ read: Read, into output: inout AdapterOutput) {
        guard let id = read.string("tool_call_id") else { return malformed(read, "has no tool_call_id", into: &output) }
        var tool: Tool
        if let open = tools.removeValue(forKey: id) {
            tool = open
        } else {
            output.warn(
                "enact data-tool-output-available for tool call \(id) without data-tool-input-available; its end stays unmatched",
                line: read.line)
            let context = innermostStepOrExecution
            let root = context.map { executions[$0.executionID]?.root ?? $0.executionID } ?? "_"
            tool = Tool(uuid: "enact:tool:\(root)/\(id)", name: "tool", parentUUID: nil, stepKey: nil, inferred: [])
        }
        emit(
            .scopeEnd, uuid: tool.uuid, parent: nil, time: nil, name: tool.name, line: read.line, into: &output, category: "tool",
            profile: JSONObject(["tool_call_id": .string(id)]), payload: read.object["output"], status: .ok,
            inferred: tool.inferred + [.startTime])
    }

    /// `data-text-*`: text gathered by `id`, given to the open LLM call of its execution at the end.
    mutating func text(_ type: String, _ read: Read, into output: inout AdapterOutput) {
        guard let id = read.string("id") else { return malformed(read, "has no id", into: &output) }
        switch type {
        case "data-text-start":
            let executionID = read.executionID ?? innermostExecution?.executionID
            texts[id] = Text(executionID: executionID, parentInferred: read.executionID == nil)
        case "data-text-delta":
            if texts[id] == nil {
                output.warn("enact data-text-delta for text \(id) without data-text-start", line: read.line)
                texts[id] = Text(executionID: innermostExecution?.executionID, parentInferred: true)
            }
            texts[id]?.content += read.object["delta"]?.stringValue ?? ""
            texts[id]?.deltas += 1
        default:
            let text = texts.removeValue(forKey: id) ?? Text(executionID: innermostExecution?.executionID, parentInferred: true)
            attachOrMark(textID: id, text, line: read.line, into: &output)
        }
    }

    /// Gives finished text to the open (else held) LLM call of its execution, else makes a `text` mark.
    mutating func attachOrMark(textID: String, _ text: Text, line: Int, into output: inout AdapterOutput) {
        func add(_ call: inout LLMCall) {
            call.content = (call.content ?? "") + text.content
            call.textDeltas += text.deltas
        }
        let executionID = text.executionID
        if let index = openCalls.lastIndex(where: { executionID == nil || $0.executionID == executionID }) {
            return add(&openCalls[index])
        }
        if let index = held.lastIndex(where: { executionID == nil || $0.call.executionID == executionID }) {
            return add(&held[index].call)
        }
        textMark(textID: textID, text, line: line, into: &output)
    }

    /// Text no LLM call can take: a `text` mark on its execution.
    mutating func textMark(textID: String, _ text: Text, line: Int, into output: inout AdapterOutput) {
        releaseAllHeld(into: &output)
        let executionID = text.executionID
        let parent = executionID.map { executionUUID($0) }
        let uuid = markUUID(executionID, "-", "data-text-end")
        emit(
            .mark, uuid: uuid, parent: parent, time: nil, name: "text",
            line: line, into: &output, data: ["id": .string(textID), "text": .string(text.content)],
            metadata: JSONObject(["adapter.text_deltas": .number(JSONNumber(Int64(text.deltas)))]),
            inferred: text.parentInferred && parent != nil ? [.parent] : [])
    }

    /// `data-start`/`data-finish`: `message_id` and `final_output` go into the root execution's metadata.
    mutating func messageBoundary(_ type: String, _ read: Read, into output: inout AdapterOutput) {
        var facts = JSONObject()
        if let message = read.object["message_id"] { facts["message_id"] = message }
        if let final = read.object["final_output"], !final.isNull { facts["final_output"] = final }
        let executionID = read.executionID ?? innermostExecution?.executionID ?? lastRootID
        guard let executionID, let root = executions[executionID]?.root else {
            for member in facts { pendingRootFacts[member.key] = member.value }
            return
        }
        if executions[root]?.ended == false {
            for member in facts { executions[root]?.rootFacts[member.key] = member.value }
            return
        }
        let uuid = markUUID(root, "-", type)
        emit(
            .mark, uuid: uuid, parent: executionUUID(root), time: nil,
            name: String(type.dropFirst("data-".count)), line: read.line, into: &output, data: read.markData,
            inferred: read.executionID == nil ? [.parent] : [])
    }

    /// `data-start-step`/`data-finish-step`: AI-SDK step boundaries, which duplicate the kernel's
    /// steps when both are sent. A UI step therefore waits until something needs it (a tool, its
    /// `data-finish-step`) and is dropped when a kernel step starts first; once kernel steps are
    /// seen, UI steps are ignored. Otherwise it is a `function` scope named `step` with inferred
    /// times (and parent).
    mutating func uiStep(_ type: String, _ read: Read, into output: inout AdapterOutput) {
        guard !sawKernelStep else { return }
        if type == "data-start-step" {
            let context = innermostExecution
            let executionID = context?.executionID ?? "_"
            uiStepOrdinal += 1
            let key = "\(executionID)/ui:\(read.stepID ?? String(uiStepOrdinal))"
            pendingUISteps.append(
                PendingUIStep(
                    scope: OpenScope(isStep: true, key: key, uuid: "enact:step:\(key)", executionID: executionID),
                    parent: context?.uuid, stepID: read.stepID, line: read.line))
            return
        }
        openPendingUISteps(into: &output)
        let match = open.lastIndex { scope in
            scope.isStep && scope.key.contains("/ui:") && (read.stepID.map { scope.key.hasSuffix("/ui:\($0)") } ?? true)
        }
        guard let match else {
            output.warn("enact data-finish-step without an open data-start-step", line: read.line)
            return
        }
        let scope = open.remove(at: match)
        emit(
            .scopeEnd, uuid: scope.uuid, parent: nil, time: nil, name: "step", line: read.line, into: &output, category: "function",
            status: .ok, inferred: scope.inferred + [.startTime])
    }

    /// Emits the starts of the UI steps waiting for a use.
    mutating func openPendingUISteps(into output: inout AdapterOutput) {
        guard !pendingUISteps.isEmpty else { return }
        sawUIStep = true
        let pending = pendingUISteps
        pendingUISteps.removeAll()
        for step in pending {
            var scope = step.scope
            scope.inferred = step.parent == nil ? [] : [.parent]
            open.append(scope)
            var metadata = JSONObject()
            if let stepID = step.stepID { metadata["step_id"] = .string(stepID) }
            emit(
                .scopeStart, uuid: scope.uuid, parent: step.parent, time: nil, name: "step", line: step.line, into: &output,
                category: "function", metadata: metadata, inferred: scope.inferred)
        }
    }
}
