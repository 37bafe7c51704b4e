/// Everything the export pipeline needs: where and how to send spans, the resource, batching,
/// the fallback file and the mapping options.
///
/// Code wins over the environment, the environment over the defaults: ``init()`` gives the
/// defaults, ``fromEnvironment(serviceName:_:)`` reads the environment variables named on each
/// property over them, and properties set afterwards in code replace what was read. Empty
/// environment variables count as unset (except ``fallbackPath``'s). For each
/// `OTEL_EXPORTER_OTLP_*` option the `OTEL_EXPORTER_OTLP_TRACES_*` variable wins when it is set.
/// An invalid value leaves the default and adds a message to ``warnings``.
public struct Configuration: Sendable, Hashable {
    /// The full URL the spans are POSTed to, used as it is.
    ///
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, used verbatim (an empty path becomes
    /// `/`); else `OTEL_EXPORTER_OTLP_ENDPOINT` as a base URL with `v1/traces` appended after
    /// exactly one slash. Either must be an `http://` or `https://` URL.
    /// Default `http://localhost:4318/v1/traces`.
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
    /// The longest connecting may take. No environment variable. Default 5 s.
    public var connectTimeout: Duration
    /// The compression of request bodies.
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`, else `OTEL_EXPORTER_OTLP_COMPRESSION`
    /// (`none` or `gzip`, any case). Default ``Compression/none``.
    public var compression: Compression
    /// The OTLP transport and encoding; see ``OTLPProtocol/isSupported``.
    /// Environment: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`
    /// (`http/protobuf`, `http/json` or `grpc`, any case). Default ``OTLPProtocol/httpProtobuf``.
    public var `protocol`: OTLPProtocol
    /// The resource's `service.name`. When `nil`, ``makeResource(processName:)`` takes it from
    /// `OTEL_SERVICE_NAME`, else from `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, else
    /// `unknown_service:<process name>`. Default `nil`.
    public var serviceName: String?
    /// The resource's `service.version`. When `nil`, `service.version` in
    /// `OTEL_RESOURCE_ATTRIBUTES` (see ``resourceEnvironment``). Default `nil`.
    public var serviceVersion: String?
    /// The resource's `service.namespace`. When `nil`, `service.namespace` in
    /// `OTEL_RESOURCE_ATTRIBUTES` (see ``resourceEnvironment``). Default `nil`.
    public var serviceNamespace: String?
    /// The `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` variables (only those) that
    /// ``makeResource(processName:)`` reads. Environment: those two variables, as they are.
    /// Default empty.
    public var resourceEnvironment: [String: String]
    /// The batch span processor's limits and timing. Environment: `OTEL_BSP_*`, see
    /// ``BatchConfiguration``. Default ``BatchConfiguration/init(maximumQueueSize:maximumExportBatchSize:scheduleDelay:exportTimeout:)``.
    public var batch: BatchConfiguration
    /// What happens to spans arriving while the queue is full.
    /// Environment: `ATOF_BRIDGE_OVERFLOW_POLICY` (`spill`, `block` or `drop`, any case).
    /// Default ``OverflowPolicy/spill``.
    public var overflowPolicy: OverflowPolicy
    /// The OTLP/JSON-lines file that receives the spans that could not be delivered, or `nil` for
    /// none. Environment: `ATOF_BRIDGE_FALLBACK_PATH`; `none` (any case) or an empty value means no
    /// fallback file. Default `atof-bridge-fallback.otlp.jsonl` in the current directory.
    public var fallbackPath: String?
    /// The longest ``Bridge/shutdown(timeout:)`` spends delivering what is queued before it gives
    /// up the network and writes the rest to the fallback file (which needs no network).
    /// Environment: `ATOF_BRIDGE_SHUTDOWN_TIMEOUT` (milliseconds, at least 1). Default 30 s.
    public var shutdownTimeout: Duration
    /// TLS settings for `https` endpoints. Environment: `OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE`,
    /// `…CLIENT_CERTIFICATE` and `…CLIENT_KEY` (the last two only as a pair), see
    /// ``TLSConfiguration``. Default: verify against the system's trust store.
    public var tls: TLSConfiguration
    /// The HTTP version. No environment variable. Default ``HTTPVersion/automatic``.
    public var httpVersion: HTTPVersion
    /// When and how often a failed export is retried. No environment variable.
    /// Default ``RetryPolicy/init(initialBackoff:multiplier:maximumBackoff:jitter:maximumRetryAfter:maximumAttempts:)``.
    public var retry: RetryPolicy
    /// The most bytes of a collector response that are read. No environment variable.
    /// Default 4 MiB (4,194,304).
    public var maximumResponseBodySize: Int
    /// `true` turns the bridge into a no-op.
    /// Environment: `OTEL_SDK_DISABLED` (`true` disables; `false` or empty enables; any case).
    /// Default `false`.
    public var isDisabled: Bool
    /// How scopes become spans. Environment: the variables named on ``MappingOptions``.
    /// Default ``MappingOptions/init(openInferenceAttributes:genAIAttributes:captureContent:hideInputs:hideOutputs:maximumAttributeValueLength:maximumEventsPerSpan:categoryProfiles:)``.
    public var mapping: MappingOptions
    /// The memory bounds of live span assembly. No environment variable.
    /// Default ``LiveSpanAssembler/Limits/init(maximumOpenScopes:recentlyEndedCapacity:maximumHeldEnds:unmatchedEndGrace:)``.
    public var assemblyLimits: LiveSpanAssembler.Limits
    /// The problems found while reading the environment, one message each, naming the variable,
    /// the bad value (never a header value, and a URL without its `user:password@`) and what was
    /// used instead. Default empty.
    public var warnings: [String]

    /// The defaults, without reading the environment.
    public init() {
        endpoint = "http://localhost:4318/v1/traces"
        headers = []
        timeout = .seconds(10)
        connectTimeout = .seconds(5)
        compression = .none
        `protocol` = .httpProtobuf
        serviceName = nil
        serviceVersion = nil
        serviceNamespace = nil
        resourceEnvironment = [:]
        batch = BatchConfiguration()
        overflowPolicy = .spill
        fallbackPath = "atof-bridge-fallback.otlp.jsonl"
        shutdownTimeout = .seconds(30)
        tls = TLSConfiguration()
        httpVersion = .automatic
        retry = RetryPolicy()
        maximumResponseBodySize = 4_194_304
        isDisabled = false
        mapping = MappingOptions()
        assemblyLimits = LiveSpanAssembler.Limits()
        warnings = []
    }

    /// The resource the spans are exported with, from the `service*` properties and
    /// ``resourceEnvironment``; see ``Resource/make(serviceName:serviceVersion:serviceNamespace:environment:processName:)``.
    ///
    /// - Parameter processName: the executable's name, for `unknown_service:<processName>`.
    public func makeResource(processName: String) -> Resource.Detection {
        Resource.make(
            serviceName: serviceName,
            serviceVersion: serviceVersion,
            serviceNamespace: serviceNamespace,
            environment: resourceEnvironment,
            processName: processName
        )
    }
}
