import ATOF

/// Marks: the point-in-time kernel events, errors, unknown types and lines of an unexpected shape.
extension EnactAdapter {
    /// Mark categories by enact type (others have none).
    static let markCategories: [String: String] = [
        "data-permission-request": "guardrail", "data-policy-decision": "guardrail", "data-guardrail-evaluated": "guardrail",
        "data-goal-evaluated": "evaluator", "data-feedback-received": "evaluator",
    ]

    /// A mark on the step (if `step_id` names a known one) or the execution of the line; without an
    /// execution id, on the innermost open execution (flagged `parent`). Its time is the line's.
    mutating func mark(
        name: String, category: String? = nil, _ read: Read, data: JSONValue? = nil, metadata: JSONObject = JSONObject(),
        into output: inout AdapterOutput
    ) {
        let parent = markParent(executionID: read.executionID, stepID: read.stepID)
        var metadata = metadata
        if let executionID = read.executionID { metadata["execution_id"] = .string(executionID) }
        if let stepID = read.stepID { metadata["step_id"] = .string(stepID) }
        let uuid = markUUID(parent.executionID, read.timestampText, read.type)
        emit(
            .mark, uuid: uuid, parent: parent.uuid, time: read.time,
            name: name, line: read.line, into: &output, category: category, data: data ?? read.markData, metadata: metadata,
            inferred: parent.inferred ? [.parent] : [])
    }

    /// The kernel's point-in-time events: `policy_decision`, `token_usage`, … on their step or execution.
    mutating func plainMark(_ type: String, _ read: Read, into output: inout AdapterOutput) {
        if read.time == nil {
            output.warn("enact \(type) has no integer timestamp (epoch ms); its time is inferred", line: read.line)
        }
        var metadata = JSONObject()
        if let user = read.object["user_id"], !user.isNull { metadata["user_id"] = user }
        if let executionID = read.executionID { noteSession(read, executionID: executionID) }
        let name = String(type.dropFirst("data-".count).map { $0 == "-" ? "_" : $0 })
        mark(name: name, category: Self.markCategories[type], read, metadata: metadata, into: &output)
    }

    /// `data-execution-paused`/`-resumed`: `execution.paused` (with the reason) and `execution.resumed` marks.
    mutating func controlMark(_ type: String, _ read: Read, into output: inout AdapterOutput) {
        guard read.executionID != nil else { return malformed(read, "has no execution_id", into: &output) }
        controlEvents += 1
        let paused = type == "data-execution-paused"
        var data = JSONObject()
        if paused, let reason = read.object["reason"] { data["reason"] = reason }
        mark(name: paused ? "execution.paused" : "execution.resumed", read, data: .object(data), into: &output)
    }

    /// `data-error`: an `error` mark on the step its `error.step_id` names (or that step's
    /// execution once the step has ended), else on the innermost open execution.
    mutating func errorMark(_ read: Read, into output: inout AdapterOutput) {
        let error = read.object["error"] ?? .null
        if Self.errorInfo(error).unexpected {
            output.warn("enact data-error: error is not an ExecutionError with category and message; kept as written", line: read.line)
        }
        var parent: String?
        var executionID: String?
        var inferred: [InferredField] = []
        if let stepID = error["step_id"]?.stringValue, let step = findStep(named: stepID) {
            parent = step.ended ? executionUUID(step.executionID) : step.uuid
            executionID = step.executionID
        } else if let context = innermostExecution {
            parent = context.uuid
            executionID = context.executionID
            inferred = [.parent]
        }
        let uuid = markUUID(executionID, "-", "data-error")
        emit(
            .mark, uuid: uuid, parent: parent, time: nil, name: "error",
            line: read.line, into: &output, data: error, inferred: inferred)
    }

    /// A `data-*` type enact-core does not define: a mark `enact.<type>` with the whole object; one
    /// warning per type here, a count at the end.
    mutating func unknownType(_ type: String, _ read: Read, into output: inout AdapterOutput) {
        if unknownTypes.record(type) {
            output.warn("enact: unknown type \(type); kept as a mark enact.\(type)", line: read.line)
        }
        mark(name: "enact.\(type)", read, data: .object(read.object), into: &output)
    }

    /// A known type missing a field it needs: a warning and a mark `enact.<type>` with the whole object.
    mutating func malformed(_ read: Read, _ problem: String, into output: inout AdapterOutput) {
        output.warn("enact \(read.type) \(problem); kept as a mark enact.\(read.type)", line: read.line)
        mark(name: "enact.\(read.type)", read, data: .object(read.object), into: &output)
    }
}
