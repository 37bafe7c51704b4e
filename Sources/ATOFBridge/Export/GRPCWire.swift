/// The gRPC-over-HTTP/2 framing of one unary OTLP call (the "Length-Prefixed-Message" of the
/// gRPC HTTP/2 protocol) and the `grpc-timeout` header.
enum GRPCWire {
    /// The path of the OTLP trace export method.
    static let exportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"

    /// `message` behind the 5-byte prefix: the compressed flag (1 when `message` is gzip'd, as
    /// announced by `grpc-encoding: gzip`) and the length as a 4-byte big-endian integer.
    static func frame(_ message: [UInt8], compressed: Bool) -> [UInt8] {
        var framed: [UInt8] = []
        framed.reserveCapacity(message.count + 5)
        let length = UInt32(clamping: message.count)
        framed.append(compressed ? 1 : 0)
        framed.append(UInt8(truncatingIfNeeded: length >> 24))
        framed.append(UInt8(truncatingIfNeeded: length >> 16))
        framed.append(UInt8(truncatingIfNeeded: length >> 8))
        framed.append(UInt8(truncatingIfNeeded: length))
        framed.append(contentsOf: message)
        return framed
    }

    /// The first message of a response body: its compressed flag and bytes; `nil` when the body
    /// is shorter than its prefix says or the flag is neither 0 nor 1. An empty body (a
    /// trailers-only answer) has no message: `nil`.
    static func firstMessage(_ body: [UInt8]) -> (compressed: Bool, message: [UInt8])? {
        guard body.count >= 5, body[0] <= 1 else { return nil }
        let length = Int(body[1]) << 24 | Int(body[2]) << 16 | Int(body[3]) << 8 | Int(body[4])
        guard length <= body.count - 5 else { return nil }
        return (body[0] == 1, Array(body[5..<(5 + length)]))
    }

    /// A `grpc-timeout` value: at most 8 digits and a unit, in the finest unit that fits
    /// (`m` milliseconds, then `S`, `M`, `H`); at least `1m`. 10 s is `10000m`.
    static func timeoutHeader(_ duration: Duration) -> String {
        let milliseconds = max(1, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        let limit: Int64 = 99_999_999
        if milliseconds <= limit { return "\(milliseconds)m" }
        let seconds = (milliseconds + 999) / 1000
        if seconds <= limit { return "\(seconds)S" }
        let minutes = (seconds + 59) / 60
        if minutes <= limit { return "\(minutes)M" }
        return "\(min(limit, (minutes + 59) / 60))H"
    }
}
