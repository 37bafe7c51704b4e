import ATOFThreads
import Logging
import Synchronization

/// What the OTLP exporters (``OTLPHTTPExporter``, ``OTLPGRPCExporter``) share around their wire
/// format: one libcurl session used by one export at a time, what is known of the receiver's
/// health, the retry loop, shutting down and cancelling. Each exporter supplies only how one
/// batch is sent.
final class CurlExportChannel: Sendable {
    /// The state an export holds while it runs: the session and the receiver's health.
    struct State: ExportLinkHolding {
        var session: CurlSession
        var link = ExportLinkState()
    }

    private let state: Mutex<State>
    private let isShutDown = Atomic<Bool>(false)
    private let cancellation: Cancellation
    /// The retry loop, with the export timeout, the logger and the redactor.
    let driver: RetryDriver

    init(settings: CurlSessionSettings, configuration: OTLPExporterConfiguration, logger: Logger) throws(ExportError) {
        let cancellation = Cancellation()
        self.cancellation = cancellation
        driver = RetryDriver(
            retry: configuration.retry, exportTimeout: configuration.exportTimeout, cancellation: cancellation, logger: logger,
            redactor: configuration.redactor)
        state = Mutex(State(session: try CurlSession(settings: settings, cancellation: cancellation)))
    }

    /// Sends `batch` with `send` (given the export's deadline and the state) unless the batch is
    /// empty or the channel is shut down or cancelled; the failure, if any, comes back redacted.
    func export(_ batch: OTLP.SpanBatch, _ send: (OTLP.SpanBatch, MonotonicInstant, inout State) -> ExportResult) -> ExportResult {
        guard !batch.spans.isEmpty else { return ExportResult() }
        guard !isShutDown.load(ordering: .acquiring), !cancellation.isCancelled else { return .failed(batch, .shutDown) }
        let deadline = MonotonicInstant.after(driver.exportTimeout)
        var result = state.withLock { state in send(batch, deadline, &state) }
        result.failure = result.failure?.redacted(by: driver.redactor)
        return result
    }

    /// Later exports fail at once.
    func shutdown() {
        isShutDown.store(true, ordering: .releasing)
    }

    /// The export in progress gives up as soon as it can; later exports fail at once.
    func cancel() {
        cancellation.cancel()
    }

    /// An accepted request's outcome from its `partial_success` (`rejected` spans, with the
    /// receiver's `message` logged once).
    func accepted(_ batch: OTLP.SpanBatch, rejected: Int64, message: String, link: inout ExportLinkState) -> ExportResult {
        if rejected > 0 || !message.isEmpty {
            driver.logOnce("the receiver rejected \(rejected) span(s): \(message.isEmpty ? "(no message)" : message)", link: &link)
        }
        let rejectedCount = Int(clamping: min(max(0, rejected), Int64(batch.spans.count)))
        return ExportResult(delivered: batch.spans.count - rejectedCount, rejected: rejectedCount)
    }
}
