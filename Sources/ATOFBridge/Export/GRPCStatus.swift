import ATOF

/// The outcome of a gRPC call as its trailers (or the headers of a trailers-only answer) state
/// it: `grpc-status`, the percent-decoded `grpc-message`, and the retry delay of a
/// `google.rpc.RetryInfo` in `grpc-status-details-bin`.
struct GRPCStatus: Sendable, Hashable {
    /// The status code (0 OK, 14 UNAVAILABLE, …).
    var code: Int
    /// The status message, percent-decoded.
    var message: String
    /// The `retry_delay` of a `google.rpc.RetryInfo` among the status details, if there is one.
    var retryDelay: Duration?

    /// Whether the OTLP specification says to retry: CANCELLED, DEADLINE_EXCEEDED, ABORTED,
    /// OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS always; RESOURCE_EXHAUSTED only with `RetryInfo`.
    var isRetryable: Bool {
        switch code {
        case 1, 4, 10, 11, 14, 15: true
        case 8: retryDelay != nil
        default: false
        }
    }

    /// The status of an answer: from the gRPC fields when `grpc-status` is there; else, for an
    /// HTTP status other than 200, the code the gRPC HTTP/2 protocol maps it to; else `nil` (no
    /// status: the stream ended without trailers).
    static func of(httpStatus: Int, fields: GRPCStatusFields) -> GRPCStatus? {
        if let text = fields.status {
            let message = fields.message.map { EnvironmentValue.percentDecoded($0) ?? $0 } ?? ""
            // An unreadable grpc-status is UNKNOWN (2), as gRPC clients treat it.
            return GRPCStatus(
                code: Int(text.trimmingWhitespace()) ?? 2, message: message,
                retryDelay: fields.detailsBinary.flatMap(retryDelay(detailsBinary:)))
        }
        guard httpStatus != 200 else { return nil }
        let code =
            switch httpStatus {
            case 400: 13  // INTERNAL
            case 401: 16  // UNAUTHENTICATED
            case 403: 7  // PERMISSION_DENIED
            case 404: 12  // UNIMPLEMENTED
            case 429, 502, 503, 504: 14  // UNAVAILABLE
            default: 2  // UNKNOWN
            }
        return GRPCStatus(code: code, message: "HTTP status \(httpStatus) without a gRPC status", retryDelay: nil)
    }

    /// The name of a status code (`UNAVAILABLE`), or `CODE n` for one outside the 17 defined.
    static func name(of code: Int) -> String {
        let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
            "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        ]
        return names.indices.contains(code) ? names[code] : "CODE \(code)"
    }

    static let retryInfoType = "type.googleapis.com/google.rpc.RetryInfo"

    /// The `retry_delay` of the first `google.rpc.RetryInfo` in a `grpc-status-details-bin`
    /// value (base64, padded or not, of a `google.rpc.Status` whose field 3 holds `Any`
    /// details); `nil` when there is none or the value cannot be read.
    static func retryDelay(detailsBinary: String) -> Duration? {
        guard let status = Base64.decode(detailsBinary.trimmingWhitespace()) else { return nil }
        for detail in ProtobufFields.lengthDelimited(status, field: 3) {
            let typeURL = ProtobufFields.lengthDelimited(detail, field: 1).first.map { String(decoding: $0, as: UTF8.self) }
            guard typeURL == retryInfoType else { continue }
            let retryInfo = ProtobufFields.lengthDelimited(detail, field: 2).first ?? []
            // RetryInfo.retry_delay (1) is a google.protobuf.Duration: seconds (1), nanos (2).
            let delay = ProtobufFields.lengthDelimited(retryInfo, field: 1).first ?? []
            let seconds = Int64(truncatingIfNeeded: ProtobufFields.varint(delay, field: 1) ?? 0)
            let nanos = Int64(Int32(truncatingIfNeeded: ProtobufFields.varint(delay, field: 2) ?? 0))
            return .seconds(max(0, seconds)) + .nanoseconds(max(0, nanos))
        }
        return nil
    }
}

/// Reading single fields out of a protobuf message without a schema.
enum ProtobufFields {
    /// Every value of length-delimited field `field`, in order; what follows a malformed key or
    /// length is not read.
    static func lengthDelimited(_ bytes: [UInt8], field: UInt64) -> [[UInt8]] {
        var values: [[UInt8]] = []
        walk(bytes) { number, wireType, value, _ in
            if number == field, wireType == 2 { values.append(value) }
        }
        return values
    }

    /// The last value of varint field `field`, if any.
    static func varint(_ bytes: [UInt8], field: UInt64) -> UInt64? {
        var found: UInt64?
        walk(bytes) { number, wireType, _, varint in
            if number == field, wireType == 0 { found = varint }
        }
        return found
    }

    private static func walk(_ bytes: [UInt8], _ visit: (UInt64, UInt64, [UInt8], UInt64) -> Void) {
        var index = 0
        while index < bytes.count {
            guard let key = ProtobufWire.readVarint(bytes, at: &index) else { return }
            switch key & 7 {
            case 0:
                guard let value = ProtobufWire.readVarint(bytes, at: &index) else { return }
                visit(key >> 3, 0, [], value)
            case 1:
                guard bytes.count - index >= 8 else { return }
                index += 8
            case 5:
                guard bytes.count - index >= 4 else { return }
                index += 4
            case 2:
                guard let length = ProtobufWire.readVarint(bytes, at: &index), length <= UInt64(bytes.count - index) else { return }
                let end = index + Int(length)
                visit(key >> 3, 2, Array(bytes[index..<end]), 0)
                index = end
            default:
                return
            }
        }
    }
}

/// Base64 (RFC 4648 standard alphabet, with or without `=` padding), as gRPC's `-bin` headers
/// carry binary values.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }
}
