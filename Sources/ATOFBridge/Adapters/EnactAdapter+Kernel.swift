import ATOF

/// The kernel events: executions, steps, LLM calls and their token usage (explicit pairs with times).
extension EnactAdapter {
    /// A kernel event's time; a missing one is inferred, with a warning.
    func kernelTime(_ read: Read, into output: inout AdapterOutput) -> Int64? {
        guard let time = read.time else {
            output.warn("enact \(read.type) has no integer timestamp (epoch ms); its time is inferred", line: read.line)
            return nil
        }
        return time
    }

    mutating func executionStart(_ read: Read, into output: inout AdapterOutput) {
        guard let id = read.executionID else { return malformed(read, "has no execution_id", into: &output) }
        let time = kernelTime(read, into: &output)
        var parent: String?
        var root = id
        var metadata = JSONObject(["execution_id": .string(id)])
        if let parentID = read.string("parent_id") {
            metadata["parent_id"] = .string(parentID)
            if let known = executions[parentID] {
                parent = known.uuid
                root = known.root
            } else if let step = findStep(named: parentID) {
                parent = step.uuid
                root = executions[step.executionID]?.root ?? step.executionID
            } else {
                parent = "enact:exec:\(parentID)"
            }
        }
        if let parentType = read.string("parent_type") { metadata["parent_type"] = .string(parentType) }
        if executions[id] != nil {
            output.warn("enact: execution \(id) starts a second time", line: read.line)
        }
        var execution = Execution(uuid: "enact:exec:\(id)", root: root)
        if root == id {
            lastRootID = id
            execution.rootFacts = pendingRootFacts
            pendingRootFacts = JSONObject()
        }
        executions[id] = execution
        open.append(OpenScope(isStep: false, key: id, uuid: execution.uuid, executionID: id))
        emit(
            .scopeStart, uuid: execution.uuid, parent: parent, time: time, name: "execution", line: read.line, into: &output,
            category: "agent", metadata: metadata)
    }

    mutating func executionEnd(_ type: String, _ read: Read, into output: inout AdapterOutput) {
        guard let id = read.executionID else { return malformed(read, "has no execution_id", into: &output) }
        let time = kernelTime(read, into: &output)
        var inferred: [InferredField] = []
        if executions[id] == nil {
            executions[id] = Execution(uuid: "enact:exec:\(id)", root: id)
            if let start = read.impliedStart {
                inferred = [.startTime]
                emit(
                    .scopeStart, uuid: "enact:exec:\(id)", parent: nil, time: start, name: "execution", line: read.line,
                    into: &output, category: "agent", metadata: JSONObject(["execution_id": .string(id)]), inferred: inferred)
            } else {
                output.warn("enact \(type): execution \(id) never started; its end stays unmatched", line: read.line)
            }
        }
        if type == "data-execution-cancelled" { controlEvents += 1 }
        close(id, isStep: false)
        for scope in open where scope.isStep && scope.executionID == id { close(scope.key, isStep: true) }
        executions[id]?.ended = true
        let execution = executions[id] ?? Execution(uuid: "enact:exec:\(id)", root: id)
        var metadata = JSONObject(["execution_id": .string(id)])
        if execution.root == id {
            for member in execution.rootFacts { metadata[member.key] = member.value }
        }
        var payload: JSONValue?
        var status = Status.ok
        var error: ErrorInfo?
        switch type {
        case "data-execution-failed":
            status = .error
            error = readError(read, into: &output)
        case "data-execution-cancelled":
            status = .cancelled
            error = ErrorInfo(type: "execution_cancelled", message: read.string("reason") ?? "")
        default:
            payload = read.object["final_output"].flatMap { $0.isNull ? nil : $0 }
        }
        emit(
            .scopeEnd, uuid: execution.uuid, parent: nil, time: time, name: "execution", line: read.line, into: &output,
            category: "agent", payload: payload, status: status, error: error, metadata: metadata, inferred: inferred)
        if execution.root == id { forgetRun(id) }
    }

    /// `error` as an `ErrorInfo`, warning about an unexpected shape.
    func readError(_ read: Read, into output: inout AdapterOutput) -> ErrorInfo {
        let (info, unexpected) = Self.errorInfo(read.object["error"])
        if unexpected {
            output.warn(
                "enact \(read.type): error is not an ExecutionError with category and message; read as far as possible", line: read.line)
        }
        return info
    }

    mutating func stepStart(_ read: Read, into output: inout AdapterOutput) {
        guard let executionID = read.executionID, let stepID = read.stepID else {
            return malformed(read, "needs execution_id and step_id", into: &output)
        }
        sawKernelStep = true
        pendingUISteps.removeAll()
        if sawUIStep {
            output.warn("enact: kernel steps after data-start-step steps; both are kept", line: read.line)
            sawUIStep = false
        }
        let time = kernelTime(read, into: &output)
        let key = "\(executionID)/\(stepID)"
        let name = read.string("name") ?? stepID
        let step = Step(uuid: "enact:step:\(key)", executionID: executionID, stepID: stepID, name: name)
        steps[key] = step
        open.append(OpenScope(isStep: true, key: key, uuid: step.uuid, executionID: executionID))
        var metadata = JSONObject(["execution_id": .string(executionID), "step_id": .string(stepID)])
        if let stepType = read.string("step_type") { metadata["step_type"] = .string(stepType) }
        emit(
            .scopeStart, uuid: step.uuid, parent: executionUUID(executionID), time: time, name: name,
            line: read.line, into: &output, category: "function", metadata: metadata)
    }

    mutating func stepEnd(_ type: String, _ read: Read, into output: inout AdapterOutput) {
        guard let executionID = read.executionID, let stepID = read.stepID else {
            return malformed(read, "needs execution_id and step_id", into: &output)
        }
        sawKernelStep = true
        let time = kernelTime(read, into: &output)
        let key = "\(executionID)/\(stepID)"
        let uuid = "enact:step:\(key)"
        let metadata = JSONObject(["execution_id": .string(executionID), "step_id": .string(stepID)])
        var inferred: [InferredField] = []
        if steps[key] == nil {
            steps[key] = Step(uuid: uuid, executionID: executionID, stepID: stepID, name: stepID)
            if let start = read.impliedStart {
                inferred = [.startTime]
                emit(
                    .scopeStart, uuid: uuid, parent: executionUUID(executionID), time: start, name: stepID, line: read.line,
                    into: &output, category: "function", metadata: metadata, inferred: inferred)
            } else {
                output.warn("enact \(type): step \(key) never started; its end stays unmatched", line: read.line)
            }
        }
        steps[key]?.ended = true
        let name = steps[key]?.name ?? stepID
        close(key, isStep: true)
        if type == "data-step-failed" {
            closeTools(onStep: key, time: time, line: read.line, into: &output)
            let error = readError(read, into: &output)
            emit(
                .scopeEnd, uuid: uuid, parent: nil, time: time, name: name, line: read.line, into: &output, category: "function",
                status: .error, error: error, metadata: metadata, inferred: inferred)
        } else {
            emit(
                .scopeEnd, uuid: uuid, parent: nil, time: time, name: name, line: read.line, into: &output, category: "function",
                payload: read.object["output"].flatMap { $0.isNull ? nil : $0 }, status: .ok, metadata: metadata, inferred: inferred)
        }
    }

    /// Closes the tools still open on a failed step: error "enclosing step failed", an inferred end.
    mutating func closeTools(onStep key: String, time: Int64?, line: Int, into output: inout AdapterOutput) {
        for (callID, tool) in tools.sorted(by: { $0.key < $1.key }) where tool.stepKey == key {
            tools[callID] = nil
            emit(
                .scopeEnd, uuid: tool.uuid, parent: nil, time: time, name: tool.name, line: line, into: &output, category: "tool",
                profile: JSONObject(["tool_call_id": .string(callID)]), status: .error,
                error: ErrorInfo(type: "tool_error", message: "enclosing step failed"),
                inferred: tool.inferred + [.startTime, .end, .endTime])
        }
    }

    mutating func llmStart(_ read: Read, into output: inout AdapterOutput) {
        guard let executionID = read.executionID else { return malformed(read, "has no execution_id", into: &output) }
        let time = kernelTime(read, into: &output)
        var inferred: [InferredField] = []
        var model = read.string("model")
        if model == nil, let fallback = options.model {
            model = fallback
            inferred.append(.model)
        }
        let call = newCall(executionID: executionID, stepID: read.stepID, model: model)
        let (parent, parentInferred) = callParent(executionID: executionID, stepID: read.stepID)
        if parentInferred { inferred.append(.parent) }
        openCalls.append(call)
        var metadata = JSONObject(["execution_id": .string(executionID)])
        if let stepID = read.stepID { metadata["step_id"] = .string(stepID) }
        if let callable = read.string("callable_name") { metadata["callable_name"] = .string(callable) }
        var input = JSONObject()
        if let history = read.object["history_length"] { input["history_length"] = history }
        emit(
            .scopeStart, uuid: call.uuid, parent: parent, time: time, name: Self.callName(model), line: read.line, into: &output,
            category: "llm", profile: model.map { JSONObject(["model_name": .string($0)]) }, payload: .object(input), metadata: metadata,
            inferred: inferred)
    }

    static func callName(_ model: String?) -> String {
        model.map { "chat \($0)" } ?? "chat"
    }

    mutating func newCall(executionID: String, stepID: String?, model: String?) -> LLMCall {
        let key = "\(executionID)/\(stepID ?? "_")"
        let ordinal = nextOrdinal(key, in: \.callOrdinals)
        return LLMCall(uuid: "enact:llm:\(key)/\(ordinal)", executionID: executionID, stepID: stepID, model: model)
    }

    /// An LLM call's parent: its step when the step is known, else its execution (flagged when a
    /// named step was not seen).
    func callParent(executionID: String, stepID: String?) -> (String, Bool) {
        guard let stepID else { return (executionUUID(executionID), false) }
        if let step = steps["\(executionID)/\(stepID)"] { return (step.uuid, false) }
        return (executionUUID(executionID), true)
    }

    mutating func llmEnd(_ type: String, _ read: Read, into output: inout AdapterOutput) {
        guard let executionID = read.executionID else { return malformed(read, "has no execution_id", into: &output) }
        let time = kernelTime(read, into: &output)
        let stepID = read.stepID
        var inferred: [InferredField] = []
        let call: LLMCall
        if let index = openCalls.firstIndex(where: { $0.executionID == executionID && $0.stepID == stepID }) {
            call = openCalls.remove(at: index)
        } else {
            call = newCall(executionID: executionID, stepID: stepID, model: options.model)
            if call.model != nil { inferred.append(.model) }
            if let start = read.impliedStart {
                inferred.append(.startTime)
                let (parent, parentInferred) = callParent(executionID: executionID, stepID: stepID)
                if parentInferred { inferred.append(.parent) }
                emit(
                    .scopeStart, uuid: call.uuid, parent: parent, time: start, name: Self.callName(call.model), line: read.line,
                    into: &output, category: "llm", profile: call.model.map { JSONObject(["model_name": .string($0)]) },
                    metadata: JSONObject(["execution_id": .string(executionID)]), inferred: inferred)
            } else {
                output.warn("enact \(type): no open LLM call in \(executionID)/\(stepID ?? "_"); its end stays unmatched", line: read.line)
            }
        }
        var metadata = JSONObject(["execution_id": .string(executionID)])
        if let stepID { metadata["step_id"] = .string(stepID) }
        var usage = JSONObject()
        for key in ["prompt_tokens", "completion_tokens", "total_tokens"] {
            if let count = read.object[key], count.int64Value != nil { usage[key] = count }
        }
        let failed = type == "data-llm-call-failed"
        var error: ErrorInfo?
        if failed {
            let message = read.object["error"]?.stringValue ?? Self.errorInfo(read.object["error"]).info.message
            error = ErrorInfo(type: "llm_error", message: message)
        }
        let end = Event(
            family: .v0_2, kind: .scopeEnd, uuid: call.uuid, timestamp: Timestamp(nanosecondsSinceEpoch: time ?? 0),
            name: Self.callName(call.model), category: "llm", profile: usage.isEmpty ? nil : ["usage": .object(usage)],
            status: failed ? .error : .ok, error: error, metadata: Self.metadata(metadata, inferred: inferred))
        if time == nil {
            output.emit(end, line: read.line, timeKnown: false)
            scopeEvents += 1
        } else {
            held.append(HeldEnd(call: call, end: end, line: read.line))
        }
    }

    /// `data-token-usage`: merged into the held end of the same step, else a `token_usage` mark.
    mutating func tokenUsage(_ read: Read, into output: inout AdapterOutput) {
        guard let executionID = read.executionID else { return malformed(read, "has no execution_id", into: &output) }
        if let index = held.firstIndex(where: { $0.call.executionID == executionID && $0.call.stepID == read.stepID }) {
            var merged = held.remove(at: index)
            var profile = merged.end.profile?.objectValue ?? JSONObject()
            var usage = profile["usage"]?.objectValue ?? JSONObject()
            for key in ["prompt_tokens", "completion_tokens", "total_tokens"] where usage[key] == nil {
                if let count = read.object[key], count.int64Value != nil { usage[key] = count }
            }
            if !usage.isEmpty { profile["usage"] = .object(usage) }
            merged.end.profile = profile.isEmpty ? nil : .object(profile)
            var metadata = merged.end.metadata?.objectValue ?? JSONObject()
            for key in ["cost_usd", "cumulative_tokens", "cumulative_cost_usd"] {
                if let value = read.object[key], !value.isNull { metadata[key] = value }
            }
            merged.end.metadata = .object(metadata)
            release(merged, into: &output)
            return
        }
        releaseHeld(where: { $0.call.executionID == executionID }, into: &output)
        mark(name: "token_usage", category: "llm", read, into: &output)
    }

    /// Emits a held LLM end with the output the call gathered.
    mutating func release(_ held: HeldEnd, into output: inout AdapterOutput) {
        var end = held.end
        let call = held.call
        if call.content != nil || !call.toolCalls.isEmpty {
            var message = JSONObject(["role": "assistant"])
            if let content = call.content { message["content"] = .string(content) }
            if !call.toolCalls.isEmpty {
                message["tool_calls"] = .array(
                    call.toolCalls.map { tool in
                        [
                            "id": .string(tool.id), "type": "function",
                            "function": ["name": .string(tool.name), "arguments": .string(tool.arguments)],
                        ]
                    })
            }
            var response = JSONObject()
            if let model = call.model { response["model"] = .string(model) }
            response["choices"] = [["message": .object(message)]]
            end.output = .object(response)
        }
        if call.textDeltas > 0 {
            var metadata = end.metadata?.objectValue ?? JSONObject()
            metadata["adapter.text_deltas"] = .number(JSONNumber(Int64(call.textDeltas)))
            end.metadata = .object(metadata)
        }
        scopeEvents += 1
        output.emit(end, line: held.line, timeKnown: true)
    }

    mutating func releaseHeld(where condition: (HeldEnd) -> Bool, into output: inout AdapterOutput) {
        guard held.contains(where: condition) else { return }
        let releasing = held.filter(condition)
        held.removeAll(where: condition)
        for end in releasing { release(end, into: &output) }
    }

    mutating func releaseAllHeld(into output: inout AdapterOutput) {
        releaseHeld(where: { _ in true }, into: &output)
    }

    /// The hold is one line of the same execution, and at most ``tokenMergeWindow`` of event time.
    /// Lines that only add text or tool arguments to the call keep it; a line without a time (its
    /// events are dated from the last known time) releases every held end first.
    mutating func releaseHeldEnds(before type: String, read: Read, into output: inout AdapterOutput) {
        guard !held.isEmpty else { return }
        if let time = read.time {
            releaseHeld(where: { $0.end.timestamp.nanosecondsSinceEpoch < time - Self.tokenMergeWindow }, into: &output)
        }
        switch type {
        case "data-token-usage", "data-text-start", "data-text-delta", "data-text-end", "data-tool-input-start",
            "data-tool-input-delta":
            return
        default:
            break
        }
        if read.time == nil {
            releaseAllHeld(into: &output)
        } else if let executionID = read.executionID {
            releaseHeld(where: { $0.call.executionID == executionID }, into: &output)
        }
    }

    /// `data-memory-recalled`: a retriever scope over [`timestamp` − `duration_ms`, `timestamp`].
    mutating func memoryRecalled(_ read: Read, into output: inout AdapterOutput) {
        guard let executionID = read.executionID, let time = read.time else {
            return malformed(read, "needs execution_id and timestamp", into: &output)
        }
        noteSession(read, executionID: executionID)
        let key = "\(executionID)/\(read.timestampText)"
        let ordinal = nextOrdinal(key, in: \.markOrdinals)
        let uuid = "enact:memory:\(key)#\(ordinal)"
        let parent = markParent(executionID: executionID, stepID: read.stepID).uuid
        var metadata = JSONObject(["execution_id": .string(executionID)])
        if let stepID = read.stepID { metadata["step_id"] = .string(stepID) }
        emit(
            .scopeStart, uuid: uuid, parent: parent, time: read.impliedStart ?? time, name: "memory_recalled", line: read.line,
            into: &output, category: "retriever", payload: read.object["query"], metadata: metadata, inferred: [.startTime])
        var result = JSONObject()
        if let count = read.object["memories_count"] { result["memories_count"] = count }
        emit(
            .scopeEnd, uuid: uuid, parent: nil, time: time, name: "memory_recalled", line: read.line, into: &output,
            category: "retriever", payload: .object(result), status: .ok, metadata: metadata, inferred: [.startTime])
    }

    /// A `session_id` (memory events) goes into the root execution's metadata.
    mutating func noteSession(_ read: Read, executionID: String) {
        guard let session = read.string("session_id") else { return }
        let root = executions[executionID]?.root ?? executionID
        executions[root]?.rootFacts["session_id"] = .string(session)
    }
}
