/// The batch span processor's limits and timing (OTLP specification, batch span processor).
public struct BatchConfiguration: Sendable, Hashable {
    /// The most spans waiting to be exported; what happens to more is ``Bridge/Configuration/overflowPolicy``.
    /// Environment: `OTEL_BSP_MAX_QUEUE_SIZE` (a positive integer). Default 2048.
    public var maximumQueueSize: Int
    /// The most spans in one export request. Must not exceed ``maximumQueueSize``: the initializer
    /// and ``Bridge/Configuration/fromEnvironment(serviceName:_:)`` clamp it to that.
    /// Environment: `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` (a positive integer). Default 512.
    public var maximumExportBatchSize: Int
    /// The longest a span waits in the queue before a batch is sent.
    /// Environment: `OTEL_BSP_SCHEDULE_DELAY` (a non-negative integer, milliseconds). Default 5 s.
    /// (`OTEL_BSP_EXPORT_TIMEOUT` bounds each export: ``OTLPExporterConfiguration/exportTimeout``.)
    public var scheduleDelay: Duration

    /// Creates a batch configuration; the defaults are the specification's. Sizes below 1 act as 1,
    /// and the batch size is clamped to the queue size.
    public init(
        maximumQueueSize: Int = 2048,
        maximumExportBatchSize: Int = 512,
        scheduleDelay: Duration = .seconds(5)
    ) {
        self.maximumQueueSize = max(1, maximumQueueSize)
        self.maximumExportBatchSize = min(max(1, maximumExportBatchSize), self.maximumQueueSize)
        self.scheduleDelay = scheduleDelay
    }
}
