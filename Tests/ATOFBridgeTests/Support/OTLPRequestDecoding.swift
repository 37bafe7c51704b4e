import COTLP
import CProtobufC

/// What a test needs to know about an `ExportTraceServiceRequest` body: the spans it carries, in
/// wire order (every resource, every scope).
struct OTLPSpanSummary: Sendable, Hashable {
    /// Each span's 8-byte id, as sent.
    var spanIDs: [[UInt8]] = []
    /// Each span's 16-byte trace id, as sent.
    var traceIDs: [[UInt8]] = []
    /// Each span's name.
    var names: [String] = []
    /// Each span's `dropped_attributes_count`.
    var droppedAttributesCounts: [UInt32] = []
    /// Each span's `dropped_events_count`.
    var droppedEventsCounts: [UInt32] = []

    var count: Int { spanIDs.count }
}

/// The decoded `ExportTraceServiceResponse.partial_success`, as protobuf-c reads it.
struct OTLPPartialSuccess: Sendable, Hashable {
    var rejectedSpans: Int64
    var errorMessage: String
}

/// Protobuf helpers for the test server and the exporter tests: decoding request bodies with the
/// generated protobuf-c code (COTLP) and hand-encoding the small response messages. gzip goes
/// through the library's own `Gzip`.
enum OTLPRequestDecoding {
    // MARK: - Requests

    /// The spans of an `ExportTraceServiceRequest`, or `nil` when protobuf-c cannot unpack `bytes`.
    /// An empty body is a valid, empty request.
    static func spanSummary(_ bytes: [UInt8]) -> OTLPSpanSummary? {
        if bytes.isEmpty { return OTLPSpanSummary() }
        let unpacked = bytes.withUnsafeBufferPointer { buffer in
            opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
                nil, buffer.count, buffer.baseAddress)
        }
        guard let request = unpacked else { return nil }
        defer { opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(request, nil) }

        var summary = OTLPSpanSummary()
        for resourceSpans in messageList(request.pointee.resource_spans, request.pointee.n_resource_spans) {
            for scopeSpans in messageList(resourceSpans.pointee.scope_spans, resourceSpans.pointee.n_scope_spans) {
                for span in messageList(scopeSpans.pointee.spans, scopeSpans.pointee.n_spans) {
                    summary.spanIDs.append(binaryBytes(span.pointee.span_id))
                    summary.traceIDs.append(binaryBytes(span.pointee.trace_id))
                    summary.names.append(span.pointee.name.map { String(cString: $0) } ?? "")
                    summary.droppedAttributesCounts.append(span.pointee.dropped_attributes_count)
                    summary.droppedEventsCounts.append(span.pointee.dropped_events_count)
                }
            }
        }
        return summary
    }

    // MARK: - Responses

    /// An `ExportTraceServiceResponse` with `partial_success` set, encoded by hand (field 1 =
    /// `ExportTracePartialSuccess { 1: int64 rejected_spans, 2: string error_message }`; proto3
    /// leaves zero and empty fields out).
    static func partialSuccessResponse(rejected: Int64, message: String) -> [UInt8] {
        var inner: [UInt8] = []
        if rejected != 0 {
            inner.append(0x08)
            appendVarint(UInt64(bitPattern: rejected), to: &inner)
        }
        appendLengthDelimited(field: 2, Array(message.utf8), to: &inner)
        var outer: [UInt8] = [0x0A]
        appendVarint(UInt64(inner.count), to: &outer)
        return outer + inner
    }

    /// Reads an `ExportTraceServiceResponse` with protobuf-c: `.some(nil)` when it has no
    /// `partial_success`, `nil` when it does not unpack.
    static func partialSuccess(inResponse bytes: [UInt8]) -> OTLPPartialSuccess?? {
        let unpacked = bytes.withUnsafeBufferPointer { buffer in
            opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(
                nil, buffer.count, buffer.baseAddress)
        }
        guard let response = unpacked else { return nil }
        defer { opentelemetry__proto__collector__trace__v1__export_trace_service_response__free_unpacked(response, nil) }
        guard let partial = response.pointee.partial_success else { return .some(nil) }
        return OTLPPartialSuccess(
            rejectedSpans: partial.pointee.rejected_spans,
            errorMessage: partial.pointee.error_message.map { String(cString: $0) } ?? "")
    }

    /// A `google.rpc.Status { 1: int32 code, 2: string message }`, the body OTLP/HTTP servers send
    /// with a failure status, encoded by hand (COTLP does not carry google.rpc).
    static func rpcStatus(code: Int32, message: String) -> [UInt8] {
        var bytes: [UInt8] = []
        if code != 0 {
            bytes.append(0x08)
            appendVarint(UInt64(bitPattern: Int64(code)), to: &bytes)
        }
        appendLengthDelimited(field: 2, Array(message.utf8), to: &bytes)
        return bytes
    }

    /// The `(code, message)` of a `google.rpc.Status` body, or `nil` when it is not one.
    static func rpcStatusFields(_ bytes: [UInt8]) -> (code: Int32, message: String)? {
        var code: Int32 = 0
        var message = ""
        var index = 0
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.count {
            guard let key = varint() else { return nil }
            switch (key >> 3, key & 7) {
            case (1, 0):
                guard let value = varint() else { return nil }
                code = Int32(truncatingIfNeeded: value)
            case (_, 0):
                guard varint() != nil else { return nil }
            case (let field, 2):
                guard let length = varint(), length <= UInt64(bytes.count - index) else { return nil }
                let slice = bytes[index..<index + Int(length)]
                index += Int(length)
                if field == 2 { message = String(decoding: slice, as: UTF8.self) }
            default:
                return nil
            }
        }
        return (code, message)
    }

    // MARK: - Internals

    private static func messageList<Message>(
        _ list: UnsafeMutablePointer<UnsafeMutablePointer<Message>?>?, _ count: Int
    ) -> [UnsafeMutablePointer<Message>] {
        guard let list, count > 0 else { return [] }
        return (0..<count).compactMap { list[$0] }
    }

    private static func binaryBytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard let bytes = data.data, data.len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: data.len))
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private static func appendLengthDelimited(field: UInt64, _ payload: [UInt8], to bytes: inout [UInt8]) {
        guard !payload.isEmpty else { return }
        appendVarint(field << 3 | 2, to: &bytes)
        appendVarint(UInt64(payload.count), to: &bytes)
        bytes.append(contentsOf: payload)
    }
}
