/// The OTLP transport and encoding.
public enum OTLPProtocol: String, Sendable, Hashable, CaseIterable {
    /// OTLP/HTTP with a binary protobuf body (`Content-Type: application/x-protobuf`).
    case httpProtobuf = "http/protobuf"
    /// OTLP/HTTP with an OTLP/JSON body (`Content-Type: application/json`).
    case httpJSON = "http/json"
    /// OTLP/gRPC. Recognised so that it can be refused clearly: this library does not speak gRPC.
    case grpc

    /// `true` when this library can export with the protocol.
    public var isSupported: Bool { unsupportedReason == nil }

    /// Why the protocol cannot be used and what to use instead, or `nil` when it is supported.
    public var unsupportedReason: String? {
        switch self {
        case .httpProtobuf, .httpJSON:
            nil
        case .grpc:
            "OTLP/gRPC is not supported by atof-bridge; use OTLP/HTTP: set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf and point the endpoint at the collector's OTLP/HTTP port (4318, e.g. http://localhost:4318)"
        }
    }
}
