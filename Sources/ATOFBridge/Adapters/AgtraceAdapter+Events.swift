import ATOF

extension AgtraceAdapter {
    /// Emits a scope start. `inferred` goes on both the start and the end of a scope, so that the
    /// merged span metadata lists every inferred field.
    static func emitStart(
        _ uuid: String, parent: String?, at when: AgtraceSession.When, name: String, category: String, input: JSONValue? = nil,
        profile: JSONValue? = nil, metadata: JSONObject, inferred: [InferredField] = [], line: Int, into output: inout AdapterOutput
    ) {
        let event = Event(
            family: .v0_2, kind: .scopeStart, uuid: uuid, parentUUID: parent, timestamp: when.time, name: name, category: category,
            profile: profile, input: input, metadata: Self.metadata(metadata, inferred: inferred))
        output.emit(event, line: line, timeKnown: when.known)
    }

    /// The fields an end lists as inferred: `flags`, after `start_time` when the start's time was not
    /// given. Span metadata is the end's where both events have a key, so the end lists them all.
    static func endFlags(_ flags: [InferredField], startKnown: Bool) -> [InferredField] {
        startKnown ? flags : [.startTime] + flags
    }

    /// Emits a scope end; `status` nil leaves the outcome unknown (UNSET).
    static func emitEnd(
        _ uuid: String, parent: String?, at when: AgtraceSession.When, name: String, category: String, output payload: JSONValue? = nil,
        profile: JSONValue? = nil, status: Status? = nil, error: ErrorInfo? = nil, metadata: JSONObject, inferred: [InferredField] = [],
        line: Int, into output: inout AdapterOutput
    ) {
        let event = Event(
            family: .v0_2, kind: .scopeEnd, uuid: uuid, parentUUID: parent, timestamp: when.time, name: name, category: category,
            profile: profile, output: payload, status: status, error: error, metadata: Self.metadata(metadata, inferred: inferred))
        output.emit(event, line: line, timeKnown: when.known)
    }
}

/// The outcome a newer `turn_end` states: `outcome` is `{"outcome": "completed" | "interrupted" |
/// "failed", "error"?}` (a bare string is read too).
struct TurnOutcome: Sendable {
    var status: Status?
    var error: ErrorInfo?
    /// Why the outcome could not be read, for a warning.
    var problem: String?

    init(_ record: AgtraceRecord) {
        let value = JSONRead.present(record.content["outcome"])
        let tag = JSONRead.string(value) ?? JSONRead.string(value?["outcome"])
        switch tag {
        case "completed":
            status = .ok
        case "interrupted":
            status = .cancelled
        case "failed":
            status = .error
            error = Self.error(JSONRead.present(value?["error"]) ?? JSONRead.present(record.content["error"]))
        case let other?:
            status = .other(other)
        case nil:
            problem = "agtrace turn_end without a readable \"outcome\"; the turn's status is left unset"
        }
    }

    /// The stated error: a string is the message; an object gives `type`/`kind` and `message`.
    private static func error(_ value: JSONValue?) -> ErrorInfo {
        switch value {
        case .string(let message)?:
            return ErrorInfo(type: "turn_failed", message: message)
        case .object(let object)?:
            let type = JSONRead.nonEmptyString(object["type"]) ?? JSONRead.nonEmptyString(object["kind"]) ?? "turn_failed"
            let message = JSONRead.string(object["message"]) ?? JSONValue.object(object).compactJSON
            return ErrorInfo(type: type, message: message)
        default:
            return ErrorInfo(type: "turn_failed", message: "the turn failed")
        }
    }
}
