/// The OTLP transport and encoding.
public enum OTLPProtocol: String, Sendable, Hashable, CaseIterable {
    /// OTLP/HTTP with a binary protobuf body (`Content-Type: application/x-protobuf`).
    case httpProtobuf = "http/protobuf"
    /// OTLP/HTTP with an OTLP/JSON body (`Content-Type: application/json`).
    case httpJSON = "http/json"
    /// OTLP/gRPC over HTTP/2 (``OTLPGRPCExporter``): unary `TraceService/Export` calls with the
    /// protobuf body; the default endpoint is `http://localhost:4317`.
    case grpc

    /// `true` when this library can export with the protocol (every case, `grpc` included).
    public var isSupported: Bool { unsupportedReason == nil }

    /// Why the protocol cannot be used and what to use instead, or `nil` when it is supported.
    public var unsupportedReason: String? {
        switch self {
        case .httpProtobuf, .httpJSON, .grpc:
            nil
        }
    }
}
