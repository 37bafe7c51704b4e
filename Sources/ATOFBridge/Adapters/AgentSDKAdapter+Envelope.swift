import ATOF

extension AgentSDKAdapter {
    /// One input object with its envelope read: the event's type, id, order and time.
    struct Envelope: Sendable {
        /// The whole object as read.
        var object: JSONObject
        /// The 1-based input line.
        var line: Int
        /// The `type` discriminator (empty when the object has none).
        var type: String
        /// The native `event_id`, or `line<N>` for an object without one (a bare `AgentEvent`).
        var eventID: String
        /// The envelope `sequence`, when present.
        var sequence: Int64?
        /// The envelope `timestamp`; a placeholder the time pass replaces when it is missing or invalid.
        var when: When

        var time: Timestamp { when.time }

        /// The members of the variant, without the envelope and the discriminator: the data of marks.
        var payload: JSONValue {
            .object(JSONObject(object.members.filter { !Self.envelopeKeys.contains($0.key) }))
        }

        static let envelopeKeys: Set<String> = ["event_id", "sequence", "timestamp", "type"]

        func string(_ key: String) -> String? { object[key]?.stringValue }
        func integer(_ key: String) -> Int64? { object[key]?.int64Value }
        func bool(_ key: String) -> Bool? { object[key]?.boolValue }
        /// A member that is present and not `null`.
        func value(_ key: String) -> JSONValue? {
            guard let value = object[key], !value.isNull else { return nil }
            return value
        }

        /// The event's time plus `milliseconds`, saturating.
        func when(after milliseconds: Int64) -> When {
            let (delta, overflow) = max(0, milliseconds).multipliedReportingOverflow(by: 1_000_000)
            let (sum, overflowSum) = time.nanosecondsSinceEpoch.addingReportingOverflow(delta)
            return When(time: Timestamp(nanosecondsSinceEpoch: overflow || overflowSum ? Int64.max : sum), known: when.known)
        }
    }

    /// A time, and whether the input gave it (else the time pass fills it in, see `InferredTimes`).
    struct When: Sendable, Hashable {
        var time: Timestamp
        var known: Bool
    }

    /// The identity of one translated scope: what its start and end events share.
    struct ScopeRef: Sendable, Hashable {
        var uuid: String
        var parent: String?
        var name: String
        var category: String
    }

    /// A scope start built from `scope`.
    static func startEvent(
        _ scope: ScopeRef, at time: Timestamp, profile: JSONObject = JSONObject(), input: JSONValue? = nil,
        metadata: JSONObject, inferred: [InferredField] = []
    ) -> Event {
        Event(
            family: .v0_2, kind: .scopeStart, uuid: scope.uuid, parentUUID: scope.parent, timestamp: time, name: scope.name,
            category: scope.category, profile: profile.isEmpty ? nil : .object(profile), input: input,
            metadata: Self.metadata(metadata, inferred: inferred))
    }

    /// A scope end built from `scope`.
    static func endEvent(
        _ scope: ScopeRef, at time: Timestamp, profile: JSONObject = JSONObject(), output: JSONValue? = nil, status: Status?,
        error: ErrorInfo? = nil, metadata: JSONObject, inferred: [InferredField] = []
    ) -> Event {
        Event(
            family: .v0_2, kind: .scopeEnd, uuid: scope.uuid, parentUUID: scope.parent, timestamp: time, name: scope.name,
            category: scope.category, profile: profile.isEmpty ? nil : .object(profile), output: output, status: status,
            error: error, metadata: Self.metadata(metadata, inferred: inferred))
    }

    /// A mark on `parent`.
    static func markEvent(
        uuid: String, parent: String, at time: Timestamp, name: String, category: String? = nil, data: JSONValue?,
        metadata: JSONObject = JSONObject()
    ) -> Event {
        Event(
            family: .v0_2, kind: .mark, uuid: uuid, parentUUID: parent, timestamp: time, name: name, category: category, data: data,
            metadata: Self.metadata(metadata))
    }

    /// The prompt of a `user_input`: its text blocks joined by line breaks, else the blocks as they are.
    static func promptText(_ content: JSONValue?) -> JSONValue? {
        guard let content, !content.isNull else { return nil }
        guard let blocks = content.arrayValue else { return content }
        let texts = blocks.compactMap { block -> String? in
            guard block["type"]?.stringValue == "text" else { return nil }
            return block["text"]?.stringValue
        }
        return texts.isEmpty ? content : .string(texts.joined(separator: "\n"))
    }

    /// agent-sdk `TokenUsage` in the OpenAI convention of contract rule 6: `input_tokens` already
    /// includes the cached portions, so it is the prompt total as it is.
    static func normalizedUsage(_ value: JSONValue?) -> JSONObject? {
        guard let usage = value?.objectValue else { return nil }
        var normalized = JSONObject()
        let prompt = usage["input_tokens"]?.int64Value
        let completion = usage["output_tokens"]?.int64Value
        if let prompt { normalized["prompt_tokens"] = .number(JSONNumber(prompt)) }
        if let completion { normalized["completion_tokens"] = .number(JSONNumber(completion)) }
        if let prompt, let completion {
            let (total, overflow) = prompt.addingReportingOverflow(completion)
            if !overflow { normalized["total_tokens"] = .number(JSONNumber(total)) }
        }
        if let cached = usage["cached_input_tokens"]?.int64Value { normalized["cache_read_tokens"] = .number(JSONNumber(cached)) }
        if let written = usage["cache_creation_input_tokens"]?.int64Value {
            normalized["cache_write_tokens"] = .number(JSONNumber(written))
        }
        return normalized.isEmpty ? nil : normalized
    }

    /// A value as message text: a string as it is, anything else as compact JSON.
    static func text(of value: JSONValue?) -> String? {
        guard let value, !value.isNull else { return nil }
        return value.stringValue ?? value.compactJSON
    }
}
