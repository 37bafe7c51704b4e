import COTLP
import CProtobufC

// Short names for the generated protobuf-c types.
typealias PBExportRequest = Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest
typealias PBResourceSpans = Opentelemetry__Proto__Trace__V1__ResourceSpans
typealias PBScopeSpans = Opentelemetry__Proto__Trace__V1__ScopeSpans
typealias PBSpan = Opentelemetry__Proto__Trace__V1__Span
typealias PBSpanEvent = Opentelemetry__Proto__Trace__V1__Span__Event
typealias PBStatus = Opentelemetry__Proto__Trace__V1__Status
typealias PBResource = Opentelemetry__Proto__Resource__V1__Resource
typealias PBInstrumentationScope = Opentelemetry__Proto__Common__V1__InstrumentationScope
typealias PBKeyValue = Opentelemetry__Proto__Common__V1__KeyValue
typealias PBAnyValue = Opentelemetry__Proto__Common__V1__AnyValue
typealias PBArrayValue = Opentelemetry__Proto__Common__V1__ArrayValue

/// A `repeated` message field as protobuf-c holds it: a count and a list of pointers.
typealias PBMessageList<Message> = (count: Int, list: UnsafeMutablePointer<UnsafeMutablePointer<Message>?>?)

/// Builds the protobuf-c structs of one export request in an arena.
///
/// Every pointer it returns points into ``arena`` and stays valid while the arena is alive. The
/// builder also keeps ``spanBytesBound``, an upper bound on the packed size of all spans built so
/// far, which lets the spans be packed without asking protobuf-c for their sizes first.
final class ProtobufRequestBuilder {
    /// What one field occurrence costs on the wire beyond its string, bytes or sub-message
    /// content: a tag (at most 2 bytes for field numbers below 2048) and a varint (at most 10
    /// bytes, either the value itself or a length prefix).
    static let fieldOverheadBound = 12

    /// Where every C value of the request lives.
    let arena: ProtobufArena

    /// An upper bound on the packed size of the spans built so far, in bytes.
    private(set) var spanBytesBound = 0

    private let emptyString: UnsafeMutablePointer<CChar>
    // Freshly initialized messages (descriptor set, every field at its default) to copy from.
    private let spanTemplate: PBSpan
    private let eventTemplate: PBSpanEvent
    private let keyValueTemplate: PBKeyValue
    private let anyValueTemplate: PBAnyValue

    init(arena: ProtobufArena) {
        self.arena = arena
        emptyString = arena.copyCString(UnsafeBufferPointer(start: nil, count: 0)).pointer
        var span = PBSpan()
        opentelemetry__proto__trace__v1__span__init(&span)
        spanTemplate = span
        var event = PBSpanEvent()
        opentelemetry__proto__trace__v1__span__event__init(&event)
        eventTemplate = event
        var keyValue = PBKeyValue()
        opentelemetry__proto__common__v1__key_value__init(&keyValue)
        keyValueTemplate = keyValue
        var anyValue = PBAnyValue()
        opentelemetry__proto__common__v1__any_value__init(&anyValue)
        anyValueTemplate = anyValue
    }

    /// The parts of an export request that ``ProtobufEncoder`` packs, and the request holding them.
    struct Built {
        /// The `ExportTraceServiceRequest`: one `ResourceSpans` holding one `ScopeSpans`.
        var request: UnsafeMutablePointer<PBExportRequest>
        /// The `ResourceSpans.resource`.
        var resource: UnsafeMutablePointer<PBResource>
        /// The `ScopeSpans.scope`.
        var scope: UnsafeMutablePointer<PBInstrumentationScope>
        /// The `ScopeSpans.spans`.
        var spans: PBMessageList<PBSpan>
    }

    /// Builds the `ExportTraceServiceRequest` of `batch`.
    func request(for batch: OTLP.SpanBatch) -> Built {
        let resource = resource(batch.resource)
        let scope = scope(batch.scope)
        let spans = spans(batch.spans)

        let scopeSpans = arena.allocate(PBScopeSpans.self, count: 1)
        opentelemetry__proto__trace__v1__scope_spans__init(scopeSpans)
        scopeSpans.pointee.scope = scope
        (scopeSpans.pointee.n_spans, scopeSpans.pointee.spans) = spans

        let resourceSpans = arena.allocate(PBResourceSpans.self, count: 1)
        opentelemetry__proto__trace__v1__resource_spans__init(resourceSpans)
        resourceSpans.pointee.resource = resource
        (resourceSpans.pointee.n_scope_spans, resourceSpans.pointee.scope_spans) = (1, pointerList(to: scopeSpans, count: 1))

        let request = arena.allocate(PBExportRequest.self, count: 1)
        opentelemetry__proto__collector__trace__v1__export_trace_service_request__init(request)
        (request.pointee.n_resource_spans, request.pointee.resource_spans) = (1, pointerList(to: resourceSpans, count: 1))
        return Built(request: request, resource: resource, scope: scope, spans: spans)
    }

    // MARK: - Envelope

    /// The `Resource` message of `resource`.
    func resource(_ resource: OTLP.Resource) -> UnsafeMutablePointer<PBResource> {
        let message = arena.allocate(PBResource.self, count: 1)
        opentelemetry__proto__resource__v1__resource__init(message)
        var ignoredBound = 0
        (message.pointee.n_attributes, message.pointee.attributes) = keyValues(resource.attributes, bound: &ignoredBound)
        return message
    }

    /// The `InstrumentationScope` message of `scope`.
    func scope(_ scope: OTLP.InstrumentationScope) -> UnsafeMutablePointer<PBInstrumentationScope> {
        let message = arena.allocate(PBInstrumentationScope.self, count: 1)
        opentelemetry__proto__common__v1__instrumentation_scope__init(message)
        var ignoredBound = 0
        message.pointee.name = cString(scope.name, bound: &ignoredBound)
        message.pointee.version = cString(scope.version, bound: &ignoredBound)
        return message
    }

    // MARK: - Spans

    /// The `Span` messages of `spans`, in order; adds their packed size's bound to
    /// ``spanBytesBound``.
    func spans(_ spans: [OTLP.Span]) -> PBMessageList<PBSpan> {
        guard !spans.isEmpty else { return (0, nil) }
        let messages = arena.allocate(PBSpan.self, count: spans.count)
        var bound = 0
        for index in spans.indices {
            encode(spans[index], into: messages + index, bound: &bound)
        }
        spanBytesBound += bound
        return (spans.count, pointerList(to: messages, count: spans.count))
    }

    private func encode(_ span: OTLP.Span, into message: UnsafeMutablePointer<PBSpan>, bound: inout Int) {
        message.initialize(to: spanTemplate)
        // All 16 Span fields, each counted once whether or not it is set, plus the id bytes; the
        // repeated fields add one overhead per element below.
        bound += 16 * Self.fieldOverheadBound + 16 + 8 + 8
        message.pointee.trace_id = bytes(span.traceID)
        message.pointee.span_id = bytes(span.spanID)
        if let parent = span.parentSpanID {
            message.pointee.parent_span_id = bytes(parent)
        }
        if let traceState = span.traceState {
            message.pointee.trace_state = cString(traceState, bound: &bound)
        }
        message.pointee.flags = span.flags
        message.pointee.name = cString(span.name, bound: &bound)
        message.pointee.kind = Opentelemetry__Proto__Trace__V1__Span__SpanKind(
            rawValue: .init(truncatingIfNeeded: span.kind.rawValue))
        message.pointee.start_time_unix_nano = span.startTimeUnixNano
        message.pointee.end_time_unix_nano = span.endTimeUnixNano
        (message.pointee.n_attributes, message.pointee.attributes) = keyValues(span.attributes, bound: &bound)
        message.pointee.dropped_attributes_count = span.droppedAttributesCount
        if !span.events.isEmpty {
            (message.pointee.n_events, message.pointee.events) = events(span.events, bound: &bound)
        }
        message.pointee.dropped_events_count = span.droppedEventsCount
        if span.status.code != .unset || !span.status.message.isEmpty {
            message.pointee.status = status(span.status, bound: &bound)
        }
    }

    private func events(_ events: [OTLP.SpanEvent], bound: inout Int) -> PBMessageList<PBSpanEvent> {
        let messages = arena.allocate(PBSpanEvent.self, count: events.count)
        for index in events.indices {
            let message = messages + index
            message.initialize(to: eventTemplate)
            // The element's own tag and length, then its 4 fields.
            bound += Self.fieldOverheadBound + 4 * Self.fieldOverheadBound
            message.pointee.time_unix_nano = events[index].timeUnixNano
            message.pointee.name = cString(events[index].name, bound: &bound)
            (message.pointee.n_attributes, message.pointee.attributes) = keyValues(
                events[index].attributes, bound: &bound)
        }
        return (events.count, pointerList(to: messages, count: events.count))
    }

    private func status(_ status: OTLP.SpanStatus, bound: inout Int) -> UnsafeMutablePointer<PBStatus> {
        let message = arena.allocate(PBStatus.self, count: 1)
        opentelemetry__proto__trace__v1__status__init(message)
        bound += 2 * Self.fieldOverheadBound
        message.pointee.code = Opentelemetry__Proto__Trace__V1__Status__StatusCode(
            rawValue: .init(truncatingIfNeeded: status.code.rawValue))
        message.pointee.message = cString(status.message, bound: &bound)
        return message
    }

    // MARK: - Attributes

    /// `KeyValue` messages for `attributes`: the pairs, their values and the pointer list are
    /// three contiguous arena blocks.
    ///
    /// A key of the mapper's fixed vocabulary (``OTLP/Attribute/keyCString``, set from a
    /// ``StaticAttributeKey``) is not copied: protobuf-c gets that process-lifetime C string.
    /// Any other key is copied into the arena for each attribute, on purpose: sharing one copy
    /// among the equal keys of a request (a direct-mapped cache hashed from the key's length and
    /// first and last eight bytes, checked byte for byte, for keys of 16 bytes or more) measured
    /// slower than copying, 1.4% with 8 attributes and 2.6% with 32 (encode-bench, medians of 3;
    /// slower still for every key), because a key is a few dozen bytes and the lookup costs more
    /// than the copy: the identity has to travel with the attribute, not be found from its bytes.
    private func keyValues(_ attributes: [OTLP.Attribute], bound: inout Int) -> PBMessageList<PBKeyValue> {
        guard !attributes.isEmpty else { return (0, nil) }
        let count = attributes.count
        let pairs = arena.allocate(PBKeyValue.self, count: count)
        let values = arena.allocate(PBAnyValue.self, count: count)
        // Per pair: its own tag and length, its 2 fields, and the value's one oneof member.
        bound += count * 4 * Self.fieldOverheadBound
        for index in attributes.indices {
            let pair = pairs + index
            let value = values + index
            pair.initialize(to: keyValueTemplate)
            value.initialize(to: anyValueTemplate)
            if let fixedKey = attributes[index].keyCString {
                // Points at the key's process-lifetime C string (no NUL inside, made once).
                pair.pointee.key = UnsafeMutablePointer(mutating: fixedKey.pointer)
                bound += attributes[index].key.utf8.count
            } else {
                pair.pointee.key = cString(attributes[index].key, bound: &bound)
            }
            set(value, to: attributes[index].value, bound: &bound)
            pair.pointee.value = value
        }
        return (count, pointerList(to: pairs, count: count))
    }

    @inline(__always)
    private func set(_ message: UnsafeMutablePointer<PBAnyValue>, to value: OTLP.AttributeValue, bound: inout Int) {
        switch value {
        case .string(let string):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
            message.pointee.string_value = cString(string, bound: &bound)
        case .bool(let bool):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE
            message.pointee.bool_value = bool ? 1 : 0
        case .int(let int):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE
            message.pointee.int_value = int
        case .double(let double):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE
            message.pointee.double_value = double
        case .stringArray(let strings):
            message.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE
            message.pointee.array_value = array(of: strings, bound: &bound)
        }
    }

    private func array(of strings: [String], bound: inout Int) -> UnsafeMutablePointer<PBArrayValue> {
        let array = arena.allocate(PBArrayValue.self, count: 1)
        opentelemetry__proto__common__v1__array_value__init(array)
        guard !strings.isEmpty else { return array }
        let values = arena.allocate(PBAnyValue.self, count: strings.count)
        // Per element: its own tag and length, and its one oneof member.
        bound += strings.count * 2 * Self.fieldOverheadBound
        for index in strings.indices {
            let value = values + index
            value.initialize(to: anyValueTemplate)
            value.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
            value.pointee.string_value = cString(strings[index], bound: &bound)
        }
        (array.pointee.n_values, array.pointee.values) = (strings.count, pointerList(to: values, count: strings.count))
        return array
    }

    // MARK: - Leaves

    /// A `repeated` field's pointer list for `count` messages laid out contiguously at `first`.
    @inline(__always)
    private func pointerList<Message>(
        to first: UnsafeMutablePointer<Message>, count: Int
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<Message>?> {
        let list = arena.allocate(UnsafeMutablePointer<Message>?.self, count: count)
        for index in 0..<count {
            (list + index).initialize(to: first + index)
        }
        return list
    }

    /// `string` as an arena C string (U+0000 becomes U+FFFD, see ``ProtobufArena/copyCString(_:)``);
    /// adds the bytes written (without the terminator) to `bound`.
    @inline(__always)
    private func cString(_ string: String, bound: inout Int) -> UnsafeMutablePointer<CChar> {
        if string.isEmpty { return emptyString }
        let copy =
            string.utf8.withContiguousStorageIfAvailable { arena.copyCString($0) }
            ?? {
                var contiguous = string
                return contiguous.withUTF8 { arena.copyCString($0) }
            }()
        bound += copy.length
        return copy.pointer
    }

    private func bytes(_ id: OTLP.TraceID) -> ProtobufCBinaryData {
        let storage = arena.allocate(byteCount: 16, alignment: 8)
        storage.storeBytes(of: id.high.bigEndian, as: UInt64.self)
        storage.storeBytes(of: id.low.bigEndian, toByteOffset: 8, as: UInt64.self)
        return ProtobufCBinaryData(len: 16, data: storage.bindMemory(to: UInt8.self, capacity: 16))
    }

    private func bytes(_ id: OTLP.SpanID) -> ProtobufCBinaryData {
        let storage = arena.allocate(byteCount: 8, alignment: 8)
        storage.storeBytes(of: id.value.bigEndian, as: UInt64.self)
        return ProtobufCBinaryData(len: 8, data: storage.bindMemory(to: UInt8.self, capacity: 8))
    }
}
