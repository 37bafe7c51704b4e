extension Bridge.Configuration {
    /// The defaults overridden by the environment variables named on each property.
    ///
    /// - Parameters:
    ///   - serviceName: stored in ``serviceName`` (code wins over `OTEL_SERVICE_NAME`).
    ///   - environment: the variables to read; by default the process environment.
    public static func fromEnvironment(
        serviceName: String? = nil,
        _ environment: [String: String] = ProcessEnvironment.current
    ) -> Bridge.Configuration {
        var reader = EnvironmentReader(environment: environment)
        var configuration = Bridge.Configuration()
        configuration.serviceName = serviceName
        configuration.resourceEnvironment = environment.filter {
            $0.key == "OTEL_SERVICE_NAME" || $0.key == "OTEL_RESOURCE_ATTRIBUTES"
        }

        configuration.exporter.read(&reader)

        var batch = configuration.batch
        batch.maximumQueueSize = reader.integer(reader.entry("OTEL_BSP_MAX_QUEUE_SIZE"), minimum: 1, default: batch.maximumQueueSize)
        batch.maximumExportBatchSize = reader.integer(
            reader.entry("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"), minimum: 1, default: batch.maximumExportBatchSize)
        if batch.maximumExportBatchSize > batch.maximumQueueSize {
            reader.warnings.append(
                "the export batch size \(batch.maximumExportBatchSize) (OTEL_BSP_MAX_EXPORT_BATCH_SIZE) is larger than the queue size \(batch.maximumQueueSize) (OTEL_BSP_MAX_QUEUE_SIZE); using \(batch.maximumQueueSize)"
            )
            batch.maximumExportBatchSize = batch.maximumQueueSize
        }
        if let milliseconds = reader.milliseconds(reader.entry("OTEL_BSP_SCHEDULE_DELAY"), minimum: 0, default: batch.scheduleDelay) {
            batch.scheduleDelay = .milliseconds(milliseconds)
        }
        configuration.batch = batch

        if let milliseconds = reader.milliseconds(
            reader.entry("ATOF_BRIDGE_SHUTDOWN_TIMEOUT"), minimum: 1, default: configuration.shutdownTimeout)
        {
            configuration.shutdownTimeout = .milliseconds(milliseconds)
        }
        configuration.overflowPolicy = reader.choice(reader.entry("ATOF_BRIDGE_OVERFLOW_POLICY"), default: configuration.overflowPolicy)
        if let path = environment["ATOF_BRIDGE_FALLBACK_PATH"].map({ EnvironmentValue.trimmed($0) }) {
            configuration.fallbackPath = path.isEmpty || path.lowercased() == "none" ? nil : path
        }
        configuration.isDisabled =
            reader.value(reader.entry("OTEL_SDK_DISABLED"), expected: "true or false", shown: "false (enabled)") {
                ["true": true, "false": false][$0.lowercased()]
            } ?? false
        configuration.mapping = MappingOptions.fromEnvironment(environment)
        configuration.mapping.readLimits(&reader)
        configuration.sampling.read(&reader)
        configuration.input = InputOptions.read(&reader)
        // A warning quotes the bad value: an endpoint may hold user:password@ (also after a
        // mistyped scheme) and any text a header value.
        configuration.warnings = reader.warnings.map(configuration.exporter.redactor.redact)
        return configuration
    }
}
