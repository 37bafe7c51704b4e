/// Counts the spans in an OTLP `ExportTraceServiceRequest` by walking the protobuf wire format
/// three levels deep, never decoding a span:
///
///     ExportTraceServiceRequest.resource_spans = 1  →  ResourceSpans.scope_spans = 2
///       →  ScopeSpans.spans = 2  (each occurrence is one span; skipped by its length)
///
/// Every other field, at every level, is skipped by its wire type, so the cost is a few varint
/// reads per span whatever the span holds.
enum SpanCounter {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// The span count, or `Malformed` when the bytes are not well-formed protobuf at those levels.
    static func countSpans(in body: UnsafeRawBufferPointer) throws(Malformed) -> Int {
        var total = 0
        try forEachLengthDelimited(field: 1, in: body) { (resourceSpans) throws(Malformed) in
            try forEachLengthDelimited(field: 2, in: resourceSpans) { (scopeSpans) throws(Malformed) in
                try forEachLengthDelimited(field: 2, in: scopeSpans) { _ in total += 1 }
            }
        }
        return total
    }

    /// Calls `body` with the payload of every length-delimited occurrence of `field`, skipping
    /// the other fields.
    private static func forEachLengthDelimited(
        field wanted: UInt64,
        in bytes: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) throws(Malformed) -> Void
    ) throws(Malformed) {
        var offset = 0
        while offset < bytes.count {
            let key = try varint(bytes, &offset)
            let field = key >> 3
            switch key & 7 {
            case 0:
                _ = try varint(bytes, &offset)
            case 1:
                offset += 8
            case 2:
                let length = try varint(bytes, &offset)
                guard length <= UInt64(bytes.count - offset) else { throw Malformed(description: "length past the end") }
                let end = offset + Int(length)
                if field == wanted { try body(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])) }
                offset = end
            case 5:
                offset += 4
            default:
                throw Malformed(description: "unsupported wire type \(key & 7)")
            }
            guard field != 0 else { throw Malformed(description: "field number 0") }
        }
        guard offset == bytes.count else { throw Malformed(description: "truncated fixed-width field") }
    }

    @inline(__always)
    private static func varint(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) throws(Malformed) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw Malformed(description: "truncated varint")
    }
}
