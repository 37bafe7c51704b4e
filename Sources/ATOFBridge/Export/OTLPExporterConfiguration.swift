/// The OTLP exporter's own settings: where and how spans are sent.
///
/// ``OTLPHTTPExporter`` takes one of these; ``Bridge/Configuration/exporter`` holds the one the
/// bridge uses. Code wins over the environment, the environment over the defaults: ``init()``
/// gives the defaults, ``fromEnvironment(_:)`` reads the variables named on each property. For
/// each `OTEL_EXPORTER_OTLP_*` option the `OTEL_EXPORTER_OTLP_TRACES_*` variable wins when it is
/// set; empty variables count as unset. An invalid value leaves the default and adds a message to
/// ``warnings``.
public struct OTLPExporterConfiguration: Sendable, Hashable {
    /// The full URL the spans are POSTed to, used as it is.
    ///
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, used verbatim (an empty path becomes
    /// `/`); else `OTEL_EXPORTER_OTLP_ENDPOINT` as a base URL with `v1/traces` appended after
    /// exactly one slash. Either must be an `http://` or `https://` URL.
    /// Default `http://localhost:4318/v1/traces`.
    ///
    /// With ``protocol`` `grpc` (read from the environment first): either variable as it is,
    /// `host:port` allowed (see ``insecure``); only its scheme, host and port are used. Default
    /// `http://localhost:4317`.
    public var endpoint: String
    /// Extra headers sent with every request, e.g. `Authorization`.
    ///
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, which replaces `OTEL_EXPORTER_OTLP_HEADERS`
    /// when set: comma-separated `name=value` items, split at the first `=`, trimmed, values
    /// percent-decoded (`%XX`, forming UTF-8). A malformed item is skipped with a warning that
    /// names its position or name but never its value. Default none.
    public var headers: [HTTPHeader]
    /// The longest one HTTP request may take, or `nil` for no limit.
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT`
    /// (a non-negative integer, milliseconds; `0` means no limit). Default 10 s.
    public var timeout: Duration?
    /// The time one batch's export may take, every attempt and every retry wait included; after it
    /// the batch is given up (and goes to the fallback file).
    /// Environment: `OTEL_BSP_EXPORT_TIMEOUT` (a positive integer, milliseconds). Default 30 s.
    public var exportTimeout: Duration
    /// The longest connecting may take. No environment variable. Default 5 s.
    public var connectTimeout: Duration
    /// The compression of request bodies.
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`, else `OTEL_EXPORTER_OTLP_COMPRESSION`
    /// (`none` or `gzip`, any case). Default ``Compression/none``.
    public var compression: Compression
    /// The OTLP transport and encoding: ``OTLPHTTPExporter`` for the `http/*` ones,
    /// ``OTLPGRPCExporter`` for `grpc` (``makeExporter(logger:)`` picks).
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`
    /// (`http/protobuf`, `http/json` or `grpc`, any case). Default ``OTLPProtocol/httpProtobuf``.
    public var `protocol`: OTLPProtocol
    /// Whether an OTLP/gRPC endpoint given without a scheme (`collector:4317`) is plaintext
    /// (`http://`, HTTP/2 with prior knowledge) rather than TLS (`https://`). An explicit scheme
    /// decides by itself. Environment: `OTEL_EXPORTER_OTLP_TRACES_INSECURE`, else
    /// `OTEL_EXPORTER_OTLP_INSECURE` (`true` or `false`). Default `false`.
    public var insecure: Bool
    /// TLS settings for `https` endpoints. Environment: `OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE`,
    /// `…CLIENT_CERTIFICATE` and `…CLIENT_KEY` (the last two only as a pair), see
    /// ``TLSConfiguration``. Default: verify against the system's trust store.
    public var tls: TLSConfiguration
    /// The HTTP version. No environment variable. Default ``HTTPVersion/automatic``.
    public var httpVersion: HTTPVersion
    /// When and how often a failed export is retried. No environment variable.
    /// Default ``RetryPolicy/init(initialBackoff:multiplier:maximumBackoff:jitter:maximumRetryAfter:maximumAttempts:unreachableProbeInterval:)``.
    public var retry: RetryPolicy
    /// The most bytes of a collector response that are read. No environment variable.
    /// Default 4 MiB (4,194,304).
    public var maximumResponseBodySize: Int
    /// The problems found while reading the environment, one message each, naming the variable,
    /// the bad value (with secrets redacted) and what was used instead. Default empty.
    public var warnings: [String]

    /// The defaults, without reading the environment.
    public init() {
        endpoint = "http://localhost:4318/v1/traces"
        headers = []
        timeout = .seconds(10)
        exportTimeout = .seconds(30)
        connectTimeout = .seconds(5)
        compression = .none
        `protocol` = .httpProtobuf
        insecure = false
        tls = TLSConfiguration()
        httpVersion = .automatic
        retry = RetryPolicy()
        maximumResponseBodySize = 4_194_304
        warnings = []
    }
}
