/// A batch made ready to send by ``BatchPreparingExporter/prepare(_:)``: the spans, and the
/// request body encoded (and compressed) away from the thread that posts it.
struct PreparedExport: Sendable {
    /// The spans: what is counted, retried by halves (HTTP 413) and written to the fallback file.
    var batch: OTLP.SpanBatch
    /// The request body; `nil` when it could not be made (compression ran out of memory), which
    /// ``BatchPreparingExporter/export(prepared:)`` reports as the batch's failure.
    var body: [UInt8]?
}

/// An exporter that can do the CPU part of an export (encoding) before, and apart from, the
/// sending. The ``BatchSpanProcessor`` calls ``prepare(_:)`` on its worker threads, several
/// batches at once, and ``export(prepared:)`` on its export thread, one batch at a time in the
/// order the batches were made, exactly as it calls ``SpanExporter/export(_:)``.
protocol BatchPreparingExporter: SpanExporter {
    /// Encodes `batch`; safe to call from several threads at once.
    func prepare(_ batch: OTLP.SpanBatch) -> PreparedExport

    /// Sends a prepared batch; the same contract as ``SpanExporter/export(_:)``.
    func export(prepared: PreparedExport) -> ExportResult
}
