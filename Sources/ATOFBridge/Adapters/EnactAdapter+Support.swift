import ATOF

extension EnactAdapter {
    /// Lenient accessors on one enact object.
    struct Read {
        let object: JSONObject
        let line: Int

        var type: String { object["type"]?.stringValue ?? "" }

        /// A non-empty string member.
        func string(_ key: String) -> String? {
            guard let value = object[key]?.stringValue, !value.isEmpty else { return nil }
            return value
        }

        var executionID: String? { string("execution_id") }
        var stepID: String? { string("step_id") }

        /// `timestamp` (epoch milliseconds) in nanoseconds, when it is a whole number in range.
        var time: Int64? {
            guard let milliseconds = object["timestamp"]?.int64Value, milliseconds >= 0 else { return nil }
            let (nanoseconds, overflow) = milliseconds.multipliedReportingOverflow(by: 1_000_000)
            return overflow ? nil : nanoseconds
        }

        /// `duration_ms` in nanoseconds.
        var duration: Int64? {
            guard let milliseconds = object["duration_ms"]?.int64Value, milliseconds >= 0 else { return nil }
            let (nanoseconds, overflow) = milliseconds.multipliedReportingOverflow(by: 1_000_000)
            return overflow ? nil : nanoseconds
        }

        /// The start a `duration_ms` implies for an end at `time`.
        var impliedStart: Int64? {
            guard let time, let duration else { return nil }
            return max(0, time - duration)
        }

        /// The timestamp as written, for mark ids (`-` when absent).
        var timestampText: String {
            object["timestamp"]?.int64Value.map { String($0) } ?? "-"
        }

        /// The object without `type`, `execution_id`, `step_id` and `timestamp`: a mark's data.
        var markData: JSONValue {
            var data = object
            for key in ["type", "execution_id", "step_id", "timestamp"] { data[key] = nil }
            return .object(data)
        }
    }

    /// Reads an `ExecutionError` (or a plain string) leniently: type = `category` (else `code`,
    /// else `ExecutionError`), message = `message` (else the compact JSON of the value); the other
    /// members are kept. The second value says whether the shape was unexpected.
    static func errorInfo(_ value: JSONValue?) -> (info: ErrorInfo, unexpected: Bool) {
        switch value {
        case .string(let message):
            return (ErrorInfo(type: "ExecutionError", message: message), false)
        case .object(let object):
            let type = object["category"]?.stringValue ?? object["code"]?.stringValue
            let message = object["message"]?.stringValue
            var rest = object
            rest["category"] = nil
            rest["message"] = nil
            return (
                ErrorInfo(
                    type: type ?? "ExecutionError", message: message ?? JSONValue.object(rest).compactJSON, unknownFields: rest),
                type == nil || message == nil
            )
        case let other:
            return (ErrorInfo(type: "ExecutionError", message: other.map(\.compactJSON) ?? ""), true)
        }
    }

    /// Emits one event; `time == nil` leaves it to ``InferredTimes``.
    mutating func emit(
        _ kind: Event.Kind, uuid: String, parent: String?, time: Int64?, name: String, line: Int, into output: inout AdapterOutput,
        category: String? = nil, profile: JSONObject? = nil, payload: JSONValue? = nil, data: JSONValue? = nil,
        status: Status? = nil, error: ErrorInfo? = nil, metadata: JSONObject = JSONObject(), inferred: [InferredField] = []
    ) {
        let event = Event(
            family: .v0_2, kind: kind, uuid: uuid, parentUUID: parent, timestamp: Timestamp(nanosecondsSinceEpoch: time ?? 0),
            name: name, category: category, profile: profile.map(JSONValue.object), data: data,
            input: kind == .scopeStart ? payload : nil, output: kind == .scopeEnd ? payload : nil,
            status: status, error: error, metadata: Self.metadata(metadata, inferred: inferred))
        if kind != .mark { scopeEvents += 1 }
        output.emit(event, line: line, timeKnown: time != nil)
    }

    /// The innermost open step (else execution) in arrival order: the context of unanchored events.
    var innermostStepOrExecution: OpenScope? {
        open.last(where: \.isStep) ?? open.last(where: { !$0.isStep })
    }

    /// The innermost open execution.
    var innermostExecution: OpenScope? {
        open.last(where: { !$0.isStep })
    }

    /// The uuid of an execution, known or not (an unknown one stays an unknown parent).
    func executionUUID(_ id: String) -> String {
        executions[id]?.uuid ?? "enact:exec:\(id)"
    }

    /// A step by its `step_id` alone (for `parent_id` and `error.step_id`): an open one first, then
    /// the one with the smallest uuid.
    func findStep(named stepID: String) -> Step? {
        if let scope = open.last(where: { $0.isStep && steps[$0.key]?.stepID == stepID }), let step = steps[scope.key] {
            return step
        }
        return steps.values.filter { $0.stepID == stepID }.min { $0.uuid < $1.uuid }
    }

    /// Where a mark of `execution`/`step` goes: the step when known, else the execution; with no
    /// execution id, the innermost open execution (inferred).
    func markParent(executionID: String?, stepID: String?) -> (uuid: String?, executionID: String?, inferred: Bool) {
        if let executionID {
            if let stepID, let step = steps["\(executionID)/\(stepID)"] { return (step.uuid, executionID, false) }
            return (executionUUID(executionID), executionID, false)
        }
        let context = innermostExecution
        return (context?.uuid, context?.executionID, context != nil)
    }

    /// A fresh ordinal for `key` (1, 2, …).
    mutating func nextOrdinal(_ key: String, in table: WritableKeyPath<EnactAdapter, [String: Int]>) -> Int {
        let ordinal = self[keyPath: table][key, default: 0] + 1
        self[keyPath: table][key] = ordinal
        return ordinal
    }

    /// A mark's uuid, `enact:mark:<execution>/<timestamp>/<type>#<k>`: k counts the marks of that
    /// key, or (`-`, no timestamp) all unanchored marks of the input, so no two marks share a uuid.
    mutating func markUUID(_ executionID: String?, _ timestamp: String, _ type: String) -> String {
        let key = "\(executionID ?? "_")/\(timestamp)/\(type)"
        let ordinal: Int
        if timestamp == "-" {
            unanchoredMarks += 1
            ordinal = unanchoredMarks
        } else {
            ordinal = nextOrdinal(key, in: \.markOrdinals)
        }
        return "enact:mark:\(key)#\(ordinal)"
    }

    /// Forgets a finished run (a root execution and all under it) so that a long live stream keeps
    /// state for open runs only. Ids stay the same without it (they are derived from the native
    /// ids); the root's own record stays for a late `data-finish`.
    mutating func forgetRun(_ root: String) {
        let members = Set(executions.filter { $0.value.root == root }.map(\.key))
        func belongs(_ key: String) -> Bool {
            members.contains { key.hasPrefix("\($0)/") }
        }
        executions = executions.filter { $0.key == root || !members.contains($0.key) }
        steps = steps.filter { !members.contains($0.value.executionID) }
        callOrdinals = callOrdinals.filter { !belongs($0.key) }
        markOrdinals = markOrdinals.filter { !belongs($0.key) }
    }

    /// Removes an execution or step from the open context.
    mutating func close(_ key: String, isStep: Bool) {
        if let index = open.lastIndex(where: { $0.key == key && $0.isStep == isStep }) { open.remove(at: index) }
    }
}
