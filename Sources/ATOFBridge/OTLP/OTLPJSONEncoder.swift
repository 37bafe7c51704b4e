import ATOF

/// Encodes a ``OTLP/SpanBatch`` as one OTLP/JSON `ExportTraceServiceRequest`: the body of an
/// OTLP/HTTP JSON request, and one line of an OTLP JSON-lines file (the request is
/// JSON-identical to `TracesData`).
///
/// The output follows the proto3 JSON mapping with the OTLP deviations: lowerCamelCase keys,
/// ids as lowercase hex, enums as integers, 64-bit integers as decimal strings, 32-bit integers
/// as numbers, non-finite doubles as `"NaN"`, `"Infinity"` and `"-Infinity"`, and fields with
/// their default value left out. It is compact, contains no line break, and is valid UTF-8.
public struct OTLPJSONEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// The batch as one compact OTLP/JSON `ExportTraceServiceRequest`.
    public func encode(_ batch: OTLP.SpanBatch) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + batch.spans.count * 384)
        encode(batch, appendingTo: &bytes)
        return bytes
    }

    /// Appends the batch's OTLP/JSON `ExportTraceServiceRequest` to `buffer`, leaving what it
    /// already holds in place (for JSON-lines output: append, then add `\n`).
    public func encode(_ batch: OTLP.SpanBatch, appendingTo buffer: inout [UInt8]) {
        // Move the buffer into a writer and back: no copy of what is already there.
        var writer = JSONWriter(reservingCapacity: 0)
        swap(&writer.bytes, &buffer)
        defer { swap(&writer.bytes, &buffer) }
        writer.writeRequest(batch)
    }
}

// MARK: - Messages

extension JSONWriter {
    /// `ExportTraceServiceRequest` with one `ResourceSpans` holding one `ScopeSpans`.
    fileprivate mutating func writeRequest(_ batch: OTLP.SpanBatch) {
        writeRaw(#"{"resourceSpans":[{"resource":"#)
        writeResource(batch.resource)
        writeRaw(#","scopeSpans":[{"scope":"#)
        writeScope(batch.scope)
        if !batch.spans.isEmpty {
            writeRaw(#","spans":["#)
            for (index, span) in batch.spans.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeSpan(span)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        writeRaw("}]}]}")
    }

    private mutating func writeResource(_ resource: OTLP.Resource) {
        var object = ObjectState()
        if !resource.attributes.isEmpty {
            key(#""attributes":"#, &object)
            writeAttributes(resource.attributes)
        }
        close(object)
    }

    private mutating func writeScope(_ scope: OTLP.InstrumentationScope) {
        var object = ObjectState()
        if !scope.name.isEmpty {
            key(#""name":"#, &object)
            writeString(scope.name)
        }
        if !scope.version.isEmpty {
            key(#""version":"#, &object)
            writeString(scope.version)
        }
        close(object)
    }

    /// A `Span`, its fields in field-number order.
    private mutating func writeSpan(_ span: OTLP.Span) {
        writeRaw(#"{"traceId":""#)
        appendHex(span.traceID.high)
        appendHex(span.traceID.low)
        writeRaw(#"","spanId":""#)
        appendHex(span.spanID.value)
        bytes.append(UInt8(ascii: "\""))
        if let traceState = span.traceState, !traceState.isEmpty {
            writeRaw(#","traceState":"#)
            writeString(traceState)
        }
        if let parent = span.parentSpanID {
            writeRaw(#","parentSpanId":""#)
            appendHex(parent.value)
            bytes.append(UInt8(ascii: "\""))
        }
        if !span.name.isEmpty {
            writeRaw(#","name":"#)
            writeString(span.name)
        }
        if span.kind != .unspecified {
            writeRaw(#","kind":"#)
            appendDecimal(UInt64(span.kind.rawValue))
        }
        if span.startTimeUnixNano != 0 {
            writeRaw(#","startTimeUnixNano":"#)
            appendQuotedDecimal(span.startTimeUnixNano)
        }
        if span.endTimeUnixNano != 0 {
            writeRaw(#","endTimeUnixNano":"#)
            appendQuotedDecimal(span.endTimeUnixNano)
        }
        if !span.attributes.isEmpty {
            writeRaw(#","attributes":"#)
            writeAttributes(span.attributes)
        }
        if span.droppedAttributesCount != 0 {
            writeRaw(#","droppedAttributesCount":"#)
            appendDecimal(UInt64(span.droppedAttributesCount))
        }
        if !span.events.isEmpty {
            writeRaw(#","events":["#)
            for (index, event) in span.events.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeEvent(event)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        if span.droppedEventsCount != 0 {
            writeRaw(#","droppedEventsCount":"#)
            appendDecimal(UInt64(span.droppedEventsCount))
        }
        if span.status.code != .unset || !span.status.message.isEmpty {
            writeRaw(#","status":"#)
            writeStatus(span.status)
        }
        if span.flags != 0 {
            writeRaw(#","flags":"#)
            appendDecimal(UInt64(span.flags))
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeEvent(_ event: OTLP.SpanEvent) {
        var object = ObjectState()
        if event.timeUnixNano != 0 {
            key(#""timeUnixNano":"#, &object)
            appendQuotedDecimal(event.timeUnixNano)
        }
        if !event.name.isEmpty {
            key(#""name":"#, &object)
            writeString(event.name)
        }
        if !event.attributes.isEmpty {
            key(#""attributes":"#, &object)
            writeAttributes(event.attributes)
        }
        close(object)
    }

    private mutating func writeStatus(_ status: OTLP.SpanStatus) {
        var object = ObjectState()
        if !status.message.isEmpty {
            key(#""message":"#, &object)
            writeString(status.message)
        }
        if status.code != .unset {
            key(#""code":"#, &object)
            appendDecimal(UInt64(status.code.rawValue))
        }
        close(object)
    }

    /// A non-empty `repeated KeyValue`.
    private mutating func writeAttributes(_ attributes: [OTLP.Attribute]) {
        bytes.append(UInt8(ascii: "["))
        for (index, attribute) in attributes.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if attribute.key.isEmpty {
                writeRaw(#"{"value":"#)
            } else {
                writeRaw(#"{"key":"#)
                writeString(attribute.key)
                writeRaw(#","value":"#)
            }
            writeAnyValue(attribute.value)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// An `AnyValue`. Its `value` is a oneof, so the member is written even when it holds the
    /// default (`""`, `false`, `0`).
    private mutating func writeAnyValue(_ value: OTLP.AttributeValue) {
        switch value {
        case .string(let text):
            writeRaw(#"{"stringValue":"#)
            writeString(text)
        case .bool(let flag):
            writeRaw(flag ? #"{"boolValue":true"# : #"{"boolValue":false"#)
        case .int(let number):
            writeRaw(#"{"intValue":""#)
            if number < 0 { bytes.append(UInt8(ascii: "-")) }
            appendDecimal(number.magnitude)
            bytes.append(UInt8(ascii: "\""))
        case .double(let number):
            writeRaw(#"{"doubleValue":"#)
            appendDouble(number)
        case .stringArray(let elements):
            if elements.isEmpty {
                writeRaw(#"{"arrayValue":{}"#)
            } else {
                writeRaw(#"{"arrayValue":{"values":["#)
                for (index, element) in elements.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    writeRaw(#"{"stringValue":"#)
                    writeString(element)
                    bytes.append(UInt8(ascii: "}"))
                }
                writeRaw("]}")
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }
}

// MARK: - Scalars and object bookkeeping

/// Whether an object whose members are all optional has been opened yet.
private struct ObjectState {
    var isOpen = false
}

extension JSONWriter {
    /// Writes `{` or `,` as needed, then the quoted key and colon given in `text`.
    fileprivate mutating func key(_ text: StaticString, _ object: inout ObjectState) {
        bytes.append(object.isOpen ? UInt8(ascii: ",") : UInt8(ascii: "{"))
        object.isOpen = true
        writeRaw(text)
    }

    /// Ends an object of optional members: `}`, or `{}` when none was written.
    fileprivate mutating func close(_ object: ObjectState) {
        if !object.isOpen { bytes.append(UInt8(ascii: "{")) }
        bytes.append(UInt8(ascii: "}"))
    }

    /// 16 lowercase hex digits, big-endian.
    fileprivate mutating func appendHex(_ value: UInt64) {
        var shift: UInt64 = 60
        while true {
            bytes.append(Hex.digit(UInt8(truncatingIfNeeded: value >> shift)))
            if shift == 0 { break }
            shift -= 4
        }
    }

    /// The decimal digits of `value`, without allocating a string.
    fileprivate mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        // UInt64.max has 20 digits.
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { scratch in
            while rest > 0 {
                let (quotient, remainder) = rest.quotientAndRemainder(dividingBy: 10)
                scratch[31 - count] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remainder)
                count += 1
                rest = quotient
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[(32 - count)...]))
        }
    }

    /// A 64-bit integer as proto3 JSON writes it: a quoted decimal string.
    fileprivate mutating func appendQuotedDecimal(_ value: UInt64) {
        bytes.append(UInt8(ascii: "\""))
        appendDecimal(value)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A double as a JSON number (shortest text that reads back to the same value), or one of
    /// proto3 JSON's strings for the values JSON numbers cannot hold.
    fileprivate mutating func appendDouble(_ value: Double) {
        if value.isNaN {
            writeRaw(#""NaN""#)
        } else if value == .infinity {
            writeRaw(#""Infinity""#)
        } else if value == -.infinity {
            writeRaw(#""-Infinity""#)
        } else {
            // Swift's description is the shortest round-tripping form, e.g. `1.0`, `1e-05`,
            // `-0.0`, `1.7976931348623157e+308`: all valid JSON numbers.
            writeRaw(value.description)
        }
    }
}
