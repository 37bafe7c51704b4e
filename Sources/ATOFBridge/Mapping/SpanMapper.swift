import ATOF

/// Turns assembled scopes and orphan marks into spans, following the mapping contract
/// (span-mapping.md §3 kinds and profiles, §4 attributes, §5 status, §6 marks).
///
/// The mapper is a pure function of its input and ``options``: the same scope always gives the same
/// span. Each attribute key appears at most once per span (a later write replaces an earlier one).
///
/// Choices where the contract is silent:
/// - Span name: the start's `name`, or the end's for an unmatched end; an empty string if the
///   scope has neither event.
/// - `atof.flags` and the `remote` flag are read from the describing event (the start, else the end).
/// - `atof.subtype` is written whenever the profile (start, else end) has a string `subtype`, for
///   any category; it also selects `"<category>:<subtype>"` in the profile table.
/// - `atof.data_schema.*` comes from the start event, else the end event.
/// - Metadata: `null` members are left out (OTLP has no null attribute); when start and end both
///   carry objects they are merged member by member (end wins, a key keeps its first position);
///   when either is not an object, the end's value wins whole, and a non-object value is written as
///   `atof.metadata` (compact JSON for arrays). OpenInference `metadata` is written for objects only.
/// - `session.id`/`user.id`/`gen_ai.conversation.id` accept a string or an integer metadata value.
/// - `tool.parameters` is the start payload (else the profile's `arguments`) as compact JSON, so a
///   string payload is quoted; `tool_call.id` comes from the profile `tool_call_id` (start, else end).
/// - `gen_ai.agent.*` is written on spans whose OpenInference kind is `AGENT`, `gen_ai.tool.*` and
///   `tool.*` on `TOOL`, and the LLM attributes (see `LLMCall`) on `LLM`.
/// - `gen_ai.provider.name` is only inferred on LLM spans (see `ProviderName`).
/// - Messages: the OpenInference flattening also writes `message.tool_calls.*` on input messages
///   (assistant turns in the history) and `message.tool_call_id` on tool messages. The GenAI
///   message attributes are JSON text (OTLP attributes here carry no structured values); system
///   prompts are messages with role `system` in `gen_ai.input.messages`.
/// - `llm.token_count.total` is written by the OpenInference group only (GenAI defines no total).
/// - `atof.chunk_count` is written only when the span has at least one `llm.chunk` mark.
/// - `error.type`, `atof.status` and the `exception` event belong to no switchable group.
public struct SpanMapper: Sendable {
    /// The options every span is mapped with.
    public var options: MappingOptions

    /// Creates a mapper.
    public init(options: MappingOptions = MappingOptions()) {
        self.options = options
    }

    /// The span for one assembled scope.
    package func span(for scope: AssembledScope) -> OTLP.Span {
        let describing = scope.describingEvent
        let name = describing?.name ?? ""
        let startProfile = JSONRead.object(scope.start?.profile)
        let endProfile = JSONRead.object(scope.end?.profile)
        let subtype = JSONRead.nonEmptyString(startProfile?["subtype"]) ?? JSONRead.nonEmptyString(endProfile?["subtype"])
        let flags = describing?.flags ?? []
        let profile = options.categoryProfiles.profile(category: describing?.category, subtype: subtype, flags: flags)
        var metadata = Self.mergedMetadata(start: scope.start?.metadata, end: scope.end?.metadata)
        // Formatted from its 16 bytes on each read: read once.
        let uuid = describing?.uuid

        var builder = AttributeBuilder()

        // §4.1 atof.*
        builder.set(.atofUUID, string: uuid)
        builder.set(.atofParentUUID, string: describing?.parentUUID)
        builder.set(.atofCategory, string: describing?.category)
        if !flags.isEmpty { builder.set(.atofFlags, .stringArray(flags)) }
        builder.set(.atofSubtype, string: subtype)
        builder.set(.atofVersion, string: describing?.version)
        if let schema = scope.start?.dataSchema ?? scope.end?.dataSchema {
            builder.set(.atofDataSchemaName, string: schema.name)
            builder.set(.atofDataSchemaVersion, string: schema.version)
        }
        Self.writeSourceFormat(start: scope.start?.metadata, end: scope.end?.metadata, metadata: &metadata, into: &builder)
        builder.setMetadata(metadata)

        // Kinds.
        if options.openInferenceAttributes {
            builder.set(.openInferenceSpanKind, string: profile.openInferenceSpanKind)
        }
        if options.genAIAttributes {
            builder.set(.genAIOperationName, string: profile.genAIOperationName)
        }

        // §4.2 payloads.
        if options.openInferenceAttributes {
            if options.capturesInputs, let input = JSONAttribute.payload(scope.start?.payloadStorage) {
                builder.set(.inputValue, string: input.value)
                builder.set(.inputMimeType, string: input.mimeType)
            }
            if options.capturesOutputs, let output = JSONAttribute.payload(scope.end?.payloadStorage) {
                builder.set(.outputValue, string: output.value)
                builder.set(.outputMimeType, string: output.mimeType)
            }
        }

        // Category-specific attributes.
        switch profile.openInferenceSpanKind {
        case "LLM":
            writeLLM(LLMCall(scope: scope, spanName: name), into: &builder)
        case "TOOL":
            writeTool(scope: scope, name: name, startProfile: startProfile, endProfile: endProfile, into: &builder)
        case "AGENT":
            if options.genAIAttributes {
                builder.set(.genAIAgentName, string: name)
                builder.set(.genAIAgentID, string: uuid)
            }
        default:
            break
        }

        // Sessions, users and the metadata object.
        let metadataObject = JSONRead.object(metadata)
        let sessionID = Self.firstIdentifier(in: metadataObject, keys: Self.sessionIDKeys)
        if options.openInferenceAttributes {
            builder.set(.sessionID, string: sessionID)
            builder.set(.userID, string: Self.firstIdentifier(in: metadataObject, keys: Self.userIDKeys))
            if let metadataObject, !metadataObject.isEmpty {
                builder.set(.metadata, string: JSONValue.object(metadataObject).compactJSON)
            }
        }
        if options.genAIAttributes {
            builder.set(.genAIConversationID, string: sessionID)
        }

        // §5 status.
        let outcome = StatusOutcome(scope: scope)
        builder.set(.errorType, string: outcome.errorType)
        builder.set(.atofStatus, string: outcome.atofStatus)

        // §6 marks.
        var marks = markEvents(scope.marks, alreadyDropped: scope.droppedMarks)
        let unrecordedChunks = Self.unrecordedChunks(endProfile: endProfile, markedChunks: marks.chunkCount)
        marks.chunkCount += unrecordedChunks
        marks.dropped += unrecordedChunks
        if marks.chunkCount > 0 {
            builder.set(.atofChunkCount, int: Int64(marks.chunkCount))
        }

        // Anomaly markers.
        builder.mark(.atofUnended, when: scope.anomalies.contains(.unended))
        builder.mark(.atofUnmatchedEnd, when: scope.anomalies.contains(.unmatchedEnd))
        builder.mark(.atofDuplicateStart, when: scope.anomalies.contains(.duplicateStart))
        builder.mark(.atofClockSkew, when: scope.anomalies.contains(.clockSkew))

        let startTime = UInt64(max(0, scope.startTime))
        let endTime = max(startTime, UInt64(max(0, scope.endTime)))
        var events = marks.events
        if let exception = outcome.exceptionEvent(at: endTime) {
            events.append(exception)
        }
        return finishedSpan(
            identity: scope.identity, name: name, kind: profile.spanKind, startTime: startTime, endTime: endTime,
            builder: builder, events: events, droppedEvents: marks.dropped, status: outcome.status
        )
    }

    /// Applies the length limit and assembles the span.
    func finishedSpan(
        identity: AssembledScope.Identity, name: String, kind: OTLP.SpanKind, startTime: UInt64, endTime: UInt64,
        builder: AttributeBuilder, events: [OTLP.SpanEvent], droppedEvents: Int, status: OTLP.SpanStatus
    ) -> OTLP.Span {
        var limiter = AttributeValueLimiter(maximumLength: options.maximumAttributeValueLength)
        var attributes = builder.attributes
        if limiter.cuts(attributes) { limiter.apply(to: &attributes) }
        var limitedEvents = events
        for index in limitedEvents.indices where limiter.cuts(limitedEvents[index].attributes) {
            limiter.apply(to: &limitedEvents[index].attributes)
        }
        if limiter.cutCount > 0 {
            attributes.append(OTLP.Attribute(StaticAttributeKey.atofTruncatedAttributes, .int(limiter.cutCount)))
        }
        var droppedAttributes = 0
        if let limit = options.maximumAttributesPerSpan, attributes.count > max(0, limit) {
            droppedAttributes = attributes.count - max(0, limit)
            attributes.removeLast(droppedAttributes)
        }
        return OTLP.Span(
            traceID: identity.traceID,
            spanID: identity.spanID,
            parentSpanID: identity.parentSpanID,
            traceState: identity.traceState,
            name: name,
            kind: kind,
            startTimeUnixNano: startTime,
            endTimeUnixNano: endTime,
            attributes: attributes,
            droppedAttributesCount: UInt32(clamping: droppedAttributes),
            events: limitedEvents,
            droppedEventsCount: UInt32(clamping: droppedEvents),
            status: status,
            flags: identity.flags
        )
    }

    /// Tool attributes (§4.2, §4.3).
    private func writeTool(
        scope: AssembledScope, name: String, startProfile: JSONObject?, endProfile: JSONObject?, into builder: inout AttributeBuilder
    ) {
        let callID = JSONRead.identifier(startProfile?["tool_call_id"]) ?? JSONRead.identifier(endProfile?["tool_call_id"])
        if options.openInferenceAttributes {
            builder.set(.toolName, string: name)
            if options.capturesInputs,
                let parameters = JSONAttribute.compactPayload(scope.start?.payloadStorage)
                    ?? (JSONRead.present(startProfile?["arguments"]) ?? JSONRead.present(endProfile?["arguments"]))?.compactJSON
            {
                builder.set(.toolParameters, string: parameters)
            }
            builder.set(.toolCallID, string: callID)
        }
        if options.genAIAttributes {
            builder.set(.genAIToolName, string: name)
            builder.set(.genAIToolCallID, string: callID)
        }
    }

    /// Start and end metadata merged (end wins), with duplicate keys folded; see the type's notes.
    static func mergedMetadata(start: JSONValue?, end: JSONValue?) -> JSONValue? {
        let start = JSONRead.present(start)
        let end = JSONRead.present(end)
        switch (start, end) {
        case (nil, nil):
            return nil
        case (.object(let first)?, .object(let second)?):
            var merged = JSONObject()
            merged.members.reserveCapacity(first.count + second.count)
            for member in first { merged[member.key] = member.value }
            for member in second { merged[member.key] = member.value }
            return .object(merged)
        case (.object(let only)?, nil), (_, .object(let only)?):
            // Folding an object without repeated keys gives the same object: keep it as it is.
            if !hasRepeatedKey(only) { return .object(only) }
            var folded = JSONObject()
            folded.members.reserveCapacity(only.count)
            for member in only { folded[member.key] = member.value }
            return .object(folded)
        case (_, let value?), (let value?, nil):
            return value
        }
    }

    /// Whether a key appears more than once in `object` (metadata objects are small: a pairwise
    /// scan, no allocation).
    static func hasRepeatedKey(_ object: JSONObject) -> Bool {
        let members = object.members
        guard members.count > 1 else { return false }
        for later in 1..<members.count {
            for earlier in 0..<later where members[earlier].key == members[later].key {
                return true
            }
        }
        return false
    }

    /// Metadata keys read for `session.id` / `gen_ai.conversation.id`, first found wins.
    static let sessionIDKeys = ["session_id", AttributeKey.sessionID, "sessionId", "conversation_id", "thread_id"]
    /// Metadata keys read for `user.id`, first found wins.
    static let userIDKeys = ["user_id", AttributeKey.userID, "userId"]

    /// The first of `keys` whose metadata value is a non-empty string or an integer.
    static func firstIdentifier(in metadata: JSONObject?, keys: [String]) -> String? {
        guard let metadata else { return nil }
        for key in keys {
            if let identifier = JSONRead.identifier(metadata[key]) { return identifier }
        }
        return nil
    }
}
