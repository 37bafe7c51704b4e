/// The batch span processor's limits and timing (OTLP specification, batch span processor).
public struct BatchConfiguration: Sendable, Hashable {
    /// The most spans waiting to be exported; what happens to more is ``Configuration/overflowPolicy``.
    /// Environment: `OTEL_BSP_MAX_QUEUE_SIZE` (a positive integer). Default 2048.
    public var maximumQueueSize: Int
    /// The most spans in one export request. Must not exceed ``maximumQueueSize``: the initializer
    /// and ``Configuration/fromEnvironment(serviceName:_:)`` clamp it to that.
    /// Environment: `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` (a positive integer). Default 512.
    public var maximumExportBatchSize: Int
    /// The longest a span waits in the queue before a batch is sent.
    /// Environment: `OTEL_BSP_SCHEDULE_DELAY` (a non-negative integer, milliseconds). Default 5 s.
    public var scheduleDelay: Duration
    /// The time one batch's export may take, every attempt and every retry wait included; after it
    /// the batch goes to the fallback file.
    /// Environment: `OTEL_BSP_EXPORT_TIMEOUT` (a positive integer, milliseconds). Default 30 s.
    public var exportTimeout: Duration

    /// Creates a batch configuration; the defaults are the specification's. Sizes below 1 act as 1,
    /// and the batch size is clamped to the queue size.
    public init(
        maximumQueueSize: Int = 2048,
        maximumExportBatchSize: Int = 512,
        scheduleDelay: Duration = .seconds(5),
        exportTimeout: Duration = .seconds(30)
    ) {
        self.maximumQueueSize = max(1, maximumQueueSize)
        self.maximumExportBatchSize = min(max(1, maximumExportBatchSize), self.maximumQueueSize)
        self.scheduleDelay = scheduleDelay
        self.exportTimeout = exportTimeout
    }
}

/// One HTTP header sent with every export request.
///
/// Header values often carry credentials, so ``description`` and ``debugDescription`` (and
/// therefore `print`, string interpolation and `dump`) show `name: <redacted>`; read ``value``
/// explicitly when it is really needed.
public struct HTTPHeader: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The header name, e.g. `Authorization`.
    public var name: String
    /// The header value. Never printed by this type.
    public var value: String

    /// Creates a header.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `name: <redacted>`.
    public var description: String { "\(name): <redacted>" }
    /// `name: <redacted>`.
    public var debugDescription: String { description }
    /// The name, with the value redacted.
    public var customMirror: Mirror { Mirror(self, children: ["name": name, "value": "<redacted>"]) }
}

/// The compression of the request body.
public enum Compression: String, Sendable, Hashable, CaseIterable {
    /// The body is sent as it is.
    case none
    /// The body is gzip-compressed and sent with `Content-Encoding: gzip`.
    case gzip
}

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

/// What happens to a span that arrives while the export queue is full.
public enum OverflowPolicy: String, Sendable, Hashable, CaseIterable {
    /// The span is written to the fallback file instead of waiting; nothing blocks and nothing is
    /// lost while a fallback file is configured.
    case spill
    /// The producer waits until the queue has room.
    case block
    /// The span is dropped and counted.
    case drop
}

/// The HTTP version used to talk to the collector.
public enum HTTPVersion: String, Sendable, Hashable, CaseIterable {
    /// libcurl's choice: HTTP/2 over TLS when the server offers it, HTTP/1.1 otherwise.
    case automatic = "auto"
    /// HTTP/1.1 only.
    case http1_1 = "1.1"
    /// Try HTTP/2 (negotiated or upgraded), fall back to HTTP/1.1.
    case http2 = "2"
    /// HTTP/2 without negotiation or upgrade (h2c "prior knowledge"); the server must speak HTTP/2.
    case http2PriorKnowledge = "2-prior-knowledge"
}

/// TLS settings for `https` endpoints. Paths name PEM files.
public struct TLSConfiguration: Sendable, Hashable {
    /// The certificate authorities that verify the collector, instead of the system's.
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE`, else `OTEL_EXPORTER_OTLP_CERTIFICATE`.
    /// Default `nil` (the system's trust store).
    public var caFile: String?
    /// The client certificate for mutual TLS; used only together with ``clientKey``.
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE`, else
    /// `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`. Default `nil`.
    public var clientCertificate: String?
    /// The client certificate's private key; used only together with ``clientCertificate``.
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY`, else `OTEL_EXPORTER_OTLP_CLIENT_KEY`.
    /// Default `nil`.
    public var clientKey: String?
    /// Skip verifying the collector's certificate and host name. **Dangerous**: anyone on the
    /// network path can then read and alter the spans and the headers (credentials included). For
    /// local testing only. No environment variable; set it in code or on the command line.
    /// Default `false`.
    public var insecureSkipVerify: Bool

    /// Creates TLS settings; the defaults verify the collector against the system's trust store.
    public init(caFile: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil, insecureSkipVerify: Bool = false) {
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
    }
}
