/// Where finished spans go: the last stage of the pipeline.
///
/// The ``BatchSpanProcessor`` calls ``export(_:)`` from its one export thread, one batch at a
/// time, in queue order, never concurrently (the OTLP exporters also encode ahead of time, on
/// the processor's worker threads). An exporter owns its retries; the processor never sends a batch
/// twice.
public protocol SpanExporter: Sendable {
    /// Sends one batch and returns when it is delivered or given up on. Must return within the
    /// exporter's own timeout.
    func export(_ batch: OTLP.SpanBatch) -> ExportResult

    /// Makes what earlier exports wrote durable (a file is synced); called by the processor's
    /// `forceFlush` and `shutdown` after the queue is drained.
    func forceFlush()

    /// Ends the exporter: later exports fail with ``ExportError/shutDown``. Safe to call twice.
    func shutdown()

    /// Asks an export in progress to give up as soon as it can (its batch is returned as
    /// undelivered). Used when a shutdown runs out of time.
    func cancel()
}

extension SpanExporter {
    public func forceFlush() {}
    public func cancel() {}
}
