/// What became of one exported batch. Every span of the batch is counted exactly once in
/// ``delivered``, ``rejected``, ``writtenToFallback`` or ``undelivered``.
public struct ExportResult: Sendable {
    /// Spans the receiver accepted.
    public var delivered: Int
    /// Spans the receiver answered but declared rejected (OTLP `partial_success`); never sent again.
    public var rejected: Int
    /// Spans written to the fallback file instead.
    public var writtenToFallback: Int
    /// Spans neither delivered nor written anywhere, with the batches that hold them.
    public var undelivered: [OTLP.SpanBatch]
    /// Requests sent again after a transient failure.
    public var retries: Int
    /// Why the last undelivered part failed, if any part failed.
    public var failure: ExportError?

    /// Creates a result.
    public init(
        delivered: Int = 0,
        rejected: Int = 0,
        writtenToFallback: Int = 0,
        undelivered: [OTLP.SpanBatch] = [],
        retries: Int = 0,
        failure: ExportError? = nil
    ) {
        self.delivered = delivered
        self.rejected = rejected
        self.writtenToFallback = writtenToFallback
        self.undelivered = undelivered
        self.retries = retries
        self.failure = failure
    }

    /// A whole batch delivered.
    static func delivered(_ count: Int, retries: Int = 0) -> ExportResult {
        ExportResult(delivered: count, retries: retries)
    }

    /// A whole batch not delivered.
    static func failed(_ batch: OTLP.SpanBatch, _ failure: ExportError, retries: Int = 0) -> ExportResult {
        ExportResult(undelivered: [batch], retries: retries, failure: failure)
    }

    /// The number of spans in ``undelivered``.
    public var undeliveredCount: Int { undelivered.reduce(0) { $0 + $1.spans.count } }

    /// Adds up the results of two parts of one batch.
    mutating func merge(_ other: ExportResult) {
        delivered += other.delivered
        rejected += other.rejected
        writtenToFallback += other.writtenToFallback
        undelivered += other.undelivered
        retries += other.retries
        failure = other.failure ?? failure
    }
}
