extension Bridge {
    /// Everything a ``Bridge`` needs: the exporter's settings, the resource, batching, the
    /// fallback file, the shutdown bound and the mapping options.
    ///
    /// Code wins over the environment, the environment over the defaults: ``init()`` gives the
    /// defaults, ``fromEnvironment(serviceName:_:)`` reads the environment variables named on each
    /// property over them, and properties set afterwards in code replace what was read. Empty
    /// environment variables count as unset (except ``fallbackPath``'s). An invalid value leaves
    /// the default and adds a message to ``warnings``.
    public struct Configuration: Sendable, Hashable {
        /// Where and how spans are sent: endpoint, headers, timeouts, compression, protocol, TLS
        /// and retries. Environment: the `OTEL_EXPORTER_OTLP_*` variables and
        /// `OTEL_BSP_EXPORT_TIMEOUT`, see ``OTLPExporterConfiguration``.
        /// Default ``OTLPExporterConfiguration/init()``.
        public var exporter: OTLPExporterConfiguration
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
        /// ``BatchConfiguration``. Default ``BatchConfiguration/init(maximumQueueSize:maximumExportBatchSize:scheduleDelay:)``.
        public var batch: BatchConfiguration
        /// What happens to spans arriving while the queue is full.
        /// Environment: `ATOF_BRIDGE_OVERFLOW_POLICY` (`spill`, `block` or `drop`, any case).
        /// Default ``OverflowPolicy/spill``.
        public var overflowPolicy: OverflowPolicy
        /// The OTLP/JSON-lines file that receives the spans that could not be delivered, or `nil`
        /// for none. Environment: `ATOF_BRIDGE_FALLBACK_PATH`; `none` (any case) or an empty value
        /// means no fallback file. Default `atof-bridge-fallback.otlp.jsonl` in the current
        /// directory.
        public var fallbackPath: String?
        /// The longest ``Bridge/shutdown(timeout:)`` spends delivering what is queued before it
        /// gives up the network and writes the rest to the fallback file (which needs no network).
        /// Environment: `ATOF_BRIDGE_SHUTDOWN_TIMEOUT` (milliseconds, at least 1). Default 30 s.
        public var shutdownTimeout: Duration
        /// `true` turns the bridge into a no-op.
        /// Environment: `OTEL_SDK_DISABLED` (`true` disables; `false` or empty enables; any case).
        /// Default `false`.
        public var isDisabled: Bool
        /// How scopes become spans. Environment: the variables named on ``MappingOptions``.
        /// Default ``MappingOptions/init(openInferenceAttributes:genAIAttributes:captureContent:hideInputs:hideOutputs:maximumAttributeValueLength:maximumEventsPerSpan:maximumAttributesPerSpan:categoryProfiles:)``.
        public var mapping: MappingOptions
        /// Which traces are exported (a sampler, its ratio, error traces kept). Environment:
        /// `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG` and `ATOF_BRIDGE_KEEP_ERRORS`, see
        /// ``SamplingConfiguration``. Applies to the events the bridge pairs itself; spans handed
        /// to ``Bridge/receive(spans:)`` are taken as they are (``OfflineConversion`` samples a
        /// whole file before). Default ``SamplingConfiguration/init(sampler:ratio:keepErrors:)``
        /// (`always_on`: everything exported).
        public var sampling: SamplingConfiguration
        /// How JSON lines are read: their format (`auto` detects ATOF or a foreign agent event
        /// format per line; see ``InputFormat``) and the model to name where a foreign format
        /// never does. Environment: `ATOF_BRIDGE_INPUT_FORMAT` and `ATOF_BRIDGE_MODEL`, see
        /// ``InputOptions``. Default ``InputOptions/init(format:model:)`` (`auto`, no model).
        public var input: InputOptions
        /// The memory bounds of live span assembly. No environment variable.
        /// Default ``AssemblyLimits/init(maximumOpenScopes:recentlyEndedCapacity:maximumHeldEnds:unmatchedEndGrace:)``.
        public var assemblyLimits: AssemblyLimits
        /// The problems found while reading the environment, one message each, naming the
        /// variable, the bad value (never a header value) and what was used instead. Default empty.
        public var warnings: [String]

        /// The defaults, without reading the environment.
        public init() {
            exporter = OTLPExporterConfiguration()
            serviceName = nil
            serviceVersion = nil
            serviceNamespace = nil
            resourceEnvironment = [:]
            batch = BatchConfiguration()
            overflowPolicy = .spill
            fallbackPath = "atof-bridge-fallback.otlp.jsonl"
            shutdownTimeout = .seconds(30)
            isDisabled = false
            mapping = MappingOptions()
            sampling = SamplingConfiguration()
            input = InputOptions()
            assemblyLimits = AssemblyLimits()
            warnings = []
        }

        /// The resource the spans are exported with, from the `service*` properties and
        /// ``resourceEnvironment``; see ``OTLP/Resource/make(serviceName:serviceVersion:serviceNamespace:environment:processName:)``.
        ///
        /// - Parameter processName: the executable's name, for `unknown_service:<processName>`.
        public func makeResource(processName: String) -> OTLP.Resource.Detection {
            OTLP.Resource.make(
                serviceName: serviceName,
                serviceVersion: serviceVersion,
                serviceNamespace: serviceNamespace,
                environment: resourceEnvironment,
                processName: processName
            )
        }
    }
}
