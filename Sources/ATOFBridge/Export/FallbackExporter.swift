import Logging
import Synchronization

/// Sends batches to a primary exporter (OTLP/HTTP) and writes whatever it could not deliver to
/// an OTLP/JSON-lines file, from which `atof-bridge replay` sends it later. Nothing is dropped
/// unless the file cannot be written either; that is reported as undelivered.
public final class FallbackExporter: SpanExporter {
    /// Where spans go first.
    public let primary: any SpanExporter
    /// Where undelivered spans go.
    public let fallback: JSONLinesExporter
    private let logger: Logger
    private let announced = Atomic<Bool>(false)

    /// Creates an exporter that falls back from `primary` to `fallback`.
    public init(primary: any SpanExporter, fallback: JSONLinesExporter, logger: Logger = Logger(label: "atof-bridge.fallback")) {
        self.primary = primary
        self.fallback = fallback
        self.logger = logger
    }

    public func export(_ batch: OTLP.SpanBatch) -> ExportResult {
        keepUndelivered(primary.export(batch))
    }

    /// Writes what the primary did not deliver to the file and counts it there.
    private func keepUndelivered(_ result: ExportResult) -> ExportResult {
        var result = result
        guard !result.undelivered.isEmpty else { return result }
        var remaining: [OTLP.SpanBatch] = []
        announce(result.failure)
        for part in result.undelivered {
            let written = fallback.export(part)
            result.writtenToFallback += written.delivered
            remaining += written.undelivered
            if let failure = written.failure { result.failure = failure }
        }
        result.undelivered = remaining
        return result
    }

    /// Logs, the first time spans go to the file, where they go, why, and how to send them later.
    private func announce(_ reason: ExportError?) {
        guard !announced.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let why = reason.map { " (\($0))" } ?? ""
        logger.warning(
            "writing spans that were not delivered to \(fallback.path)\(why); send them later with: atof-bridge replay \(fallback.path)")
    }

    public func forceFlush() {
        primary.forceFlush()
        fallback.forceFlush()
    }

    public func shutdown() {
        primary.shutdown()
        fallback.shutdown()
    }

    public func cancel() {
        primary.cancel()
    }
}

extension FallbackExporter: BatchPreparingExporter {
    /// Encodes through the primary when it prepares; otherwise only holds the batch.
    func prepare(_ batch: OTLP.SpanBatch) -> PreparedExport {
        (primary as? any BatchPreparingExporter)?.prepare(batch) ?? PreparedExport(batch: batch, body: nil)
    }

    func export(prepared: PreparedExport) -> ExportResult {
        guard let preparing = primary as? any BatchPreparingExporter else { return export(prepared.batch) }
        return keepUndelivered(preparing.export(prepared: prepared))
    }
}
