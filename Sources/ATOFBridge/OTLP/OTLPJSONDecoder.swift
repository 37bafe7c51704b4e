import ATOF

/// Decodes one line of an OTLP/JSON file (one `ExportTraceServiceRequest` or `TracesData`
/// object, the two are JSON-identical) into ``OTLP/SpanBatch``es: what `atof-bridge replay` reads
/// back from a fallback file.
///
/// It reads everything ``OTLPJSONEncoder`` writes exactly (encoding the decoded batch gives the
/// same bytes back), and the OTLP/JSON other producers write, such as the OpenTelemetry
/// Collector's `file` exporter:
///
/// - ids are hex in either case (`"5B8EFFF7..."`); an empty id means absent (an empty
///   `traceState` too: it reads as `nil`);
/// - 64-bit integers are decimal strings or JSON numbers; 32-bit integers numbers or strings
///   (integers only: `1e3` or `10.0` are refused);
/// - enums are integers or their names (`"SPAN_KIND_SERVER"`, `"STATUS_CODE_ERROR"`);
/// - doubles are numbers, or the strings `"NaN"`, `"Infinity"`, `"-Infinity"` or a quoted number;
/// - keys are the lowerCamelCase JSON names or the proto field names (`trace_id`), as the proto3
///   JSON mapping lets readers accept; a member whose value is `null` counts as absent;
/// - unknown members are ignored, absent fields take their default, `schemaUrl` is ignored.
///
/// ## What the span model cannot hold
///
/// Nothing is dropped silently: each loss is reported as an ``OTLPJSONDecodingWarning``.
///
/// - `kvlistValue`, `bytesValue` and an `arrayValue` whose elements are not all `stringValue`
///   become a **string attribute holding the value's JSON text**, as the Collector's
///   `pcommon.Value.AsString` renders them: a kvlist as a JSON object (`{"k":"v","n":1}`), an array as a
///   JSON array (`[1,2.5,true,"x",null]`, an empty value inside being `null`, nested bytes their
///   base64 string), top-level bytes as their base64 text. Warning
///   ``OTLPJSONDecodingWarning/Kind/valueConvertedToString``.
/// - An attribute without a value (`"value": {}` or no `value`) is dropped; on a span it is added
///   to `droppedAttributesCount`. Warning ``OTLPJSONDecodingWarning/Kind/emptyValueDropped``.
/// - Span `links` are dropped (one warning per span, with the count):
///   ``OTLPJSONDecodingWarning/Kind/linksDropped``.
/// - Non-zero `droppedLinksCount`, event, resource or scope `droppedAttributesCount`, scope
///   `attributes` and resource `entityRefs` are ignored:
///   ``OTLPJSONDecodingWarning/Kind/fieldIgnored``.
/// - An all-zero `parentSpanId` (an invalid id some producers write for roots) means no parent:
///   ``OTLPJSONDecodingWarning/Kind/zeroParentSpanID``.
///
/// Each `ScopeSpans` with at least one span becomes one batch with its resource and scope;
/// `ScopeSpans` without spans produce nothing, so a line with zero spans decodes to no batches.
/// Anything else that is wrong (a malformed id, a string where a number belongs, a missing
/// `traceId` or `spanId`, an unknown enum value) throws an ``OTLPJSONDecodingError`` naming the
/// field, e.g. `resourceSpans[0].scopeSpans[0].spans[3].traceId: expected 32 hex digits, got "xyz"`.
package struct OTLPJSONDecoder: Sendable {
    /// Creates a decoder.
    package init() {}

    /// Decodes one line (its bytes, without the trailing `\n`).
    ///
    /// - Throws: ``OTLPJSONDecodingError`` when the line is not JSON or not OTLP/JSON traces.
    package func decode(_ line: some Collection<UInt8>) throws(OTLPJSONDecodingError) -> OTLPJSONDecodedLine {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw OTLPJSONDecodingError(kind: .invalidJSON, path: "", message: error.description)
        }
        return try decode(value)
    }

    /// Decodes one line given as text.
    ///
    /// - Throws: ``OTLPJSONDecodingError`` when the text is not JSON or not OTLP/JSON traces.
    package func decode(_ text: String) throws(OTLPJSONDecodingError) -> OTLPJSONDecodedLine {
        try decode(Array(text.utf8))
    }

    /// Decodes an already parsed JSON value.
    ///
    /// - Throws: ``OTLPJSONDecodingError`` when the value is not OTLP/JSON traces.
    package func decode(_ value: JSONValue) throws(OTLPJSONDecodingError) -> OTLPJSONDecodedLine {
        var reader = OTLPJSONReader()
        let batches = try reader.request(value)
        return OTLPJSONDecodedLine(batches: batches, warnings: reader.warnings)
    }
}

/// What one OTLP/JSON line held.
package struct OTLPJSONDecodedLine: Sendable, Hashable {
    /// One batch per `ResourceSpans` × `ScopeSpans` that has spans, in the line's order.
    package var batches: [OTLP.SpanBatch]
    /// What the span model could not hold and how it was handled, in the line's order.
    package var warnings: [OTLPJSONDecodingWarning]

    package init(batches: [OTLP.SpanBatch], warnings: [OTLPJSONDecodingWarning] = []) {
        self.batches = batches
        self.warnings = warnings
    }

    /// The number of spans in all batches.
    package var spanCount: Int { batches.reduce(0) { $0 + $1.spans.count } }
}

/// Why a line is not OTLP/JSON traces: which field, and what was expected there.
package struct OTLPJSONDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    package enum Kind: Sendable, Hashable {
        /// The line is not valid JSON; ``path`` is empty and the message says at which byte.
        case invalidJSON
        /// A required field is absent: a span's `traceId` or `spanId`.
        case missingField
        /// A field holds the wrong JSON type, a malformed id or number, or an unknown enum value.
        case invalidValue
    }

    /// The kind of problem.
    package var kind: Kind
    /// The field, as `resourceSpans[0].scopeSpans[0].spans[3].traceId` (keys as the line spells
    /// them); empty for the line as a whole.
    package var path: String
    /// What was expected and what was found, e.g. `expected 32 hex digits, got "xyz"`.
    package var message: String

    package init(kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    /// `path: message`, or the message alone for the line as a whole.
    package var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Something in a line that the span model cannot hold, and what the decoder did with it.
package struct OTLPJSONDecodingWarning: Sendable, Hashable, CustomStringConvertible {
    /// The kind of loss.
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A `kvlistValue`, `bytesValue` or an `arrayValue` not made only of strings became a
        /// string attribute holding its JSON text (bytes: their base64 text).
        case valueConvertedToString
        /// An attribute without a value was dropped (on a span: counted in
        /// `droppedAttributesCount`).
        case emptyValueDropped
        /// A span's links were dropped; ``OTLPJSONDecodingWarning/count`` says how many.
        case linksDropped
        /// A field the model has no place for was ignored (`droppedLinksCount`, event, resource or
        /// scope `droppedAttributesCount`, scope `attributes`, resource `entityRefs`).
        case fieldIgnored
        /// An all-zero `parentSpanId` was read as "no parent".
        case zeroParentSpanID
    }

    /// The kind of loss.
    package var kind: Kind
    /// The field concerned, in the same form as ``OTLPJSONDecodingError/path``.
    package var path: String
    /// How many items this warning covers (links dropped, attributes ignored); 1 otherwise.
    package var count: Int
    /// What was found and what was done.
    package var message: String

    package init(kind: Kind, path: String, count: Int = 1, message: String) {
        self.kind = kind
        self.path = path
        self.count = count
        self.message = message
    }

    /// `path: message`.
    package var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

// MARK: - Messages

/// One step of a field path.
enum OTLPJSONPathComponent {
    case key(String)
    case index(Int)
}

/// Walks a parsed line, keeping the path of the message being read for error messages.
struct OTLPJSONReader {
    /// The path of the message being read (rendered only on error or warning).
    var path: [OTLPJSONPathComponent] = []
    var warnings: [OTLPJSONDecodingWarning] = []

    /// `ExportTraceServiceRequest` / `TracesData`.
    mutating func request(_ value: JSONValue) throws(OTLPJSONDecodingError) -> [OTLP.SpanBatch] {
        guard case .object(let object) = value else {
            throw invalid(nil, "expected a JSON object (an ExportTraceServiceRequest or TracesData)", got: value)
        }
        var batches: [OTLP.SpanBatch] = []
        for member in object where !member.value.isNull {
            switch member.key {
            case "resourceSpans", "resource_spans":
                batches = []
                try forEachElement(of: member) { (reader: inout OTLPJSONReader, element) throws(OTLPJSONDecodingError) in
                    batches += try reader.resourceSpans(element)
                }
            default: continue
            }
        }
        return batches
    }

    /// `ResourceSpans`: one batch per `ScopeSpans` with spans.
    mutating func resourceSpans(_ value: JSONValue) throws(OTLPJSONDecodingError) -> [OTLP.SpanBatch] {
        let object = try self.object(value, "a ResourceSpans object")
        var resource = OTLP.Resource()
        var scopes: [(OTLP.InstrumentationScope, [OTLP.Span])] = []
        for member in object where !member.value.isNull {
            switch member.key {
            case "resource":
                path.append(.key(member.key))
                defer { path.removeLast() }
                resource = try self.resource(member.value)
            case "scopeSpans", "scope_spans":
                scopes = []
                try forEachElement(of: member) { (reader: inout OTLPJSONReader, element) throws(OTLPJSONDecodingError) in
                    let scopeSpans = try reader.scopeSpans(element)
                    if !scopeSpans.1.isEmpty { scopes.append(scopeSpans) }
                }
            default: continue  // schemaUrl, unknown fields
            }
        }
        return scopes.map { OTLP.SpanBatch(resource: resource, scope: $0.0, spans: $0.1) }
    }

    /// `Resource`.
    mutating func resource(_ value: JSONValue) throws(OTLPJSONDecodingError) -> OTLP.Resource {
        let object = try self.object(value, "a Resource object")
        var attributes: [OTLP.Attribute] = []
        for member in object where !member.value.isNull {
            switch member.key {
            case "attributes":
                attributes = try self.attributes(member).attributes
            case "droppedAttributesCount", "dropped_attributes_count":
                let count = try uint32(member.value, member.key)
                if count > 0 {
                    ignored(member.key, count: Int(count), "the resource's \(count) dropped attributes are not kept")
                }
            case "entityRefs", "entity_refs":
                let count = try array(member.value, member.key).count
                if count > 0 {
                    ignored(member.key, count: count, "\(count) entity reference(s) dropped: spans have no place for them")
                }
            default: continue
            }
        }
        return OTLP.Resource(attributes: attributes)
    }

    /// `ScopeSpans`: its scope and spans.
    mutating func scopeSpans(_ value: JSONValue) throws(OTLPJSONDecodingError) -> (OTLP.InstrumentationScope, [OTLP.Span]) {
        let object = try self.object(value, "a ScopeSpans object")
        var scope = OTLP.InstrumentationScope(name: "", version: "")
        var spans: [OTLP.Span] = []
        for member in object where !member.value.isNull {
            switch member.key {
            case "scope":
                path.append(.key(member.key))
                defer { path.removeLast() }
                scope = try self.scope(member.value)
            case "spans":
                spans = []
                try forEachElement(of: member) { (reader: inout OTLPJSONReader, element) throws(OTLPJSONDecodingError) in
                    spans.append(try reader.span(element))
                }
            default: continue  // schemaUrl, unknown fields
            }
        }
        return (scope, spans)
    }

    /// `InstrumentationScope`.
    mutating func scope(_ value: JSONValue) throws(OTLPJSONDecodingError) -> OTLP.InstrumentationScope {
        let object = try self.object(value, "an InstrumentationScope object")
        var scope = OTLP.InstrumentationScope(name: "", version: "")
        for member in object where !member.value.isNull {
            switch member.key {
            case "name": scope.name = try string(member.value, member.key)
            case "version": scope.version = try string(member.value, member.key)
            case "attributes":
                let count = try array(member.value, member.key).count
                if count > 0 {
                    ignored(
                        member.key, count: count, "\(count) scope attribute(s) dropped: a batch's scope holds only a name and a version")
                }
            case "droppedAttributesCount", "dropped_attributes_count":
                let count = try uint32(member.value, member.key)
                if count > 0 {
                    ignored(member.key, count: Int(count), "the scope's \(count) dropped attributes are not kept")
                }
            default: continue
            }
        }
        return scope
    }

    /// `Span`.
    mutating func span(_ value: JSONValue) throws(OTLPJSONDecodingError) -> OTLP.Span {
        let object = try self.object(value, "a Span object")
        var traceID: OTLP.TraceID?
        var spanID: OTLP.SpanID?
        var span = OTLP.Span(
            traceID: OTLP.TraceID(high: 0, low: 0), spanID: OTLP.SpanID(0), name: "", kind: .unspecified, startTimeUnixNano: 0,
            endTimeUnixNano: 0, flags: 0)
        var emptyAttributes: UInt32 = 0
        for member in object where !member.value.isNull {
            switch member.key {
            case "traceId", "trace_id":
                traceID = try self.traceID(member.value, member.key)
            case "spanId", "span_id":
                spanID = try self.spanID(member.value, member.key, required: true)
            case "traceState", "trace_state":
                let text = try string(member.value, member.key)
                span.traceState = text.isEmpty ? nil : text
            case "parentSpanId", "parent_span_id":
                span.parentSpanID = try self.spanID(member.value, member.key, required: false)
            case "name":
                span.name = try string(member.value, member.key)
            case "kind":
                span.kind = try spanKind(member.value, member.key)
            case "startTimeUnixNano", "start_time_unix_nano":
                span.startTimeUnixNano = try uint64(member.value, member.key)
            case "endTimeUnixNano", "end_time_unix_nano":
                span.endTimeUnixNano = try uint64(member.value, member.key)
            case "attributes":
                (span.attributes, emptyAttributes) = try attributes(member)
            case "droppedAttributesCount", "dropped_attributes_count":
                span.droppedAttributesCount = try uint32(member.value, member.key)
            case "events":
                span.events = []
                try forEachElement(of: member) { (reader: inout OTLPJSONReader, element) throws(OTLPJSONDecodingError) in
                    span.events.append(try reader.event(element))
                }
            case "droppedEventsCount", "dropped_events_count":
                span.droppedEventsCount = try uint32(member.value, member.key)
            case "links":
                let count = try array(member.value, member.key).count
                if count > 0 {
                    warn(.linksDropped, member.key, count: count, "\(count) link(s) dropped: the span model has no links")
                }
            case "droppedLinksCount", "dropped_links_count":
                let count = try uint32(member.value, member.key)
                if count > 0 {
                    ignored(member.key, count: Int(count), "\(count) dropped link(s) not counted: the span model has no links")
                }
            case "status":
                path.append(.key(member.key))
                defer { path.removeLast() }
                span.status = try status(member.value)
            case "flags":
                span.flags = try uint32(member.value, member.key)
            default: continue
            }
        }
        guard let traceID else { throw missing("traceId", "every span needs a traceId (32 hex digits)") }
        guard let spanID else { throw missing("spanId", "every span needs a spanId (16 hex digits)") }
        span.traceID = traceID
        span.spanID = spanID
        if emptyAttributes > 0 {
            let (sum, overflow) = span.droppedAttributesCount.addingReportingOverflow(emptyAttributes)
            span.droppedAttributesCount = overflow ? .max : sum
        }
        return span
    }

    /// `Span.Event`.
    mutating func event(_ value: JSONValue) throws(OTLPJSONDecodingError) -> OTLP.SpanEvent {
        let object = try self.object(value, "a Span.Event object")
        var event = OTLP.SpanEvent(name: "", timeUnixNano: 0)
        for member in object where !member.value.isNull {
            switch member.key {
            case "timeUnixNano", "time_unix_nano": event.timeUnixNano = try uint64(member.value, member.key)
            case "name": event.name = try string(member.value, member.key)
            case "attributes": event.attributes = try attributes(member).attributes
            case "droppedAttributesCount", "dropped_attributes_count":
                let count = try uint32(member.value, member.key)
                if count > 0 {
                    ignored(
                        member.key, count: Int(count),
                        "the event's \(count) dropped attributes are not counted: events have no such counter")
                }
            default: continue
            }
        }
        return event
    }

    /// `Status`.
    mutating func status(_ value: JSONValue) throws(OTLPJSONDecodingError) -> OTLP.SpanStatus {
        let object = try self.object(value, "a Status object")
        var status = OTLP.SpanStatus.unset
        for member in object where !member.value.isNull {
            switch member.key {
            case "message": status.message = try string(member.value, member.key)
            case "code": status.code = try statusCode(member.value, member.key)
            default: continue
            }
        }
        return status
    }

    // MARK: Traversal helpers

    /// Calls `body` for each element of the array `member.value`, with the path at the element.
    mutating func forEachElement(
        of member: JSONObject.Member,
        _ body: (inout OTLPJSONReader, JSONValue) throws(OTLPJSONDecodingError) -> Void
    ) throws(OTLPJSONDecodingError) {
        let elements = try array(member.value, member.key)
        path.append(.key(member.key))
        defer { path.removeLast() }
        for (index, element) in elements.enumerated() {
            path.append(.index(index))
            defer { path.removeLast() }
            try body(&self, element)
        }
    }

    /// The object `value`, or an error saying a `what` was expected at the current path.
    func object(_ value: JSONValue, _ what: String) throws(OTLPJSONDecodingError) -> JSONObject {
        guard case .object(let object) = value else { throw invalid(nil, "expected \(what)", got: value) }
        return object
    }

    /// The array in the member `field` of the current message.
    func array(_ value: JSONValue, _ field: String) throws(OTLPJSONDecodingError) -> [JSONValue] {
        guard case .array(let elements) = value else { throw invalid(field, "expected an array", got: value) }
        return elements
    }

    // MARK: Errors and warnings

    /// The current path, then `field` if given: `resourceSpans[0].scopeSpans[0].spans[3].traceId`.
    func render(_ field: String?) -> String {
        var text = ""
        for component in path {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        if let field {
            if !text.isEmpty { text += "." }
            text += field
        }
        return text
    }

    /// An ``OTLPJSONDecodingError/Kind/invalidValue`` error at `field` of the current message.
    func invalid(_ field: String?, _ expected: String, got value: JSONValue) -> OTLPJSONDecodingError {
        OTLPJSONDecodingError(kind: .invalidValue, path: render(field), message: "\(expected), got \(Self.excerpt(value))")
    }

    /// An ``OTLPJSONDecodingError/Kind/missingField`` error for `field` of the current message.
    func missing(_ field: String, _ message: String) -> OTLPJSONDecodingError {
        OTLPJSONDecodingError(kind: .missingField, path: render(field), message: "missing: \(message)")
    }

    mutating func warn(_ kind: OTLPJSONDecodingWarning.Kind, _ field: String?, count: Int = 1, _ message: String) {
        warnings.append(OTLPJSONDecodingWarning(kind: kind, path: render(field), count: count, message: message))
    }

    mutating func ignored(_ field: String, count: Int, _ message: String) {
        warn(.fieldIgnored, field, count: count, message)
    }

    /// The value's compact JSON, cut to a readable length.
    static func excerpt(_ value: JSONValue, limit: Int = 60) -> String {
        let text = value.compactJSON
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }
}
