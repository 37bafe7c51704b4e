import ATOF
import COTLP
import CProtobufC

/// Reading what an OTLP/HTTP receiver answers, in protobuf or JSON: the
/// `ExportTraceServiceResponse` of a success (its `partial_success`) and the `google.rpc.Status`
/// of a failure (its `message`). Which form a body is in, and what is shown of it, is the
/// exporter's business (``ExportResponse``).
enum ExportResponseDecoding {
    /// The spans rejected and the receiver's message of a protobuf `ExportTraceServiceResponse`
    /// (decoded by protobuf-c): `0` and `""` when it has no `partial_success`, which means full
    /// success (an empty body is such a response); `nil` when `bytes` is not a valid response.
    static func partialSuccess(protobuf bytes: [UInt8]) -> (rejectedSpans: Int64, errorMessage: String)? {
        let response = bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress {
                return opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(
                    nil, buffer.count, base)
            }
            // An empty body is a valid, empty message; protobuf-c still wants a pointer.
            var placeholder: UInt8 = 0
            return opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(
                nil, 0, &placeholder)
        }
        guard let response else { return nil }
        defer { opentelemetry__proto__collector__trace__v1__export_trace_service_response__free_unpacked(response, nil) }
        guard let partialSuccess = response.pointee.partial_success else { return (0, "") }
        let message = partialSuccess.pointee.error_message.map { String(cString: $0) } ?? ""
        return (partialSuccess.pointee.rejected_spans, message)
    }

    /// The same for an OTLP/JSON `ExportTraceServiceResponse` (`partialSuccess` with
    /// `rejectedSpans` as a number or a decimal string, and `errorMessage`); `nil` when `bytes`
    /// is not JSON.
    static func partialSuccess(json bytes: [UInt8]) -> (rejectedSpans: Int64, errorMessage: String)? {
        guard let value = try? JSONParser.parse(bytes) else { return nil }
        guard let partial = value["partialSuccess"] else { return (0, "") }
        let rejected = partial["rejectedSpans"].flatMap { $0.int64Value ?? $0.stringValue.flatMap { Int64($0) } } ?? 0
        return (rejected, partial["errorMessage"]?.stringValue ?? "")
    }

    /// Field 2 (`message`) of a protobuf `google.rpc.Status`; `nil` when it has none or `bytes`
    /// is not a protobuf message.
    static func statusMessage(protobuf bytes: [UInt8]) -> String? {
        var index = 0
        func varint() -> UInt64? { ProtobufWire.readVarint(bytes, at: &index) }
        while index < bytes.count {
            guard let key = varint() else { return nil }
            switch key & 7 {
            case 0: guard varint() != nil else { return nil }
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = varint(), length <= UInt64(bytes.count - index) else { return nil }
                let end = index + Int(length)
                if key >> 3 == 2 { return String(decoding: bytes[index..<end], as: UTF8.self) }
                index = end
            default: return nil
            }
        }
        return nil
    }

    /// The `message` of a JSON `google.rpc.Status`; `nil` when it has none or `bytes` is not
    /// JSON.
    static func statusMessage(json bytes: [UInt8]) -> String? {
        (try? JSONParser.parse(bytes))?["message"]?.stringValue
    }
}
