import ATOFThreads
import Logging

/// Queues finished spans and exports them in batches from one dedicated thread.
///
/// - Bounded queue (``BatchConfiguration/maximumQueueSize``); producers never wait for the
///   network: ``enqueue(_:)`` takes a lock, appends and returns.
/// - A batch is exported as soon as ``BatchConfiguration/maximumExportBatchSize`` spans are
///   queued, and the thread keeps draining while full batches remain; a partial batch goes after
///   ``BatchConfiguration/scheduleDelay``. Never two exports at once, and batches are sent in
///   the order they were queued.
/// - Paired scopes are mapped, and the request encoded when the exporter can, on a few worker
///   threads (one per core the producer leaves free), a few batches ahead of the one being sent:
///   the export thread only sends.
/// - When the queue is full, ``OverflowPolicy`` decides: `spill` writes the span to the fallback
///   file (batched, never dropped), `block` makes the producer wait for room, `drop` counts it.
///   Memory stays bounded whatever the burst.
/// - ``forceFlush(timeout:)`` drains everything and syncs the files. ``shutdown(timeout:)`` does
///   the same, stops the thread and is safe to call twice; if the drain runs out of time the
///   export in progress is cancelled and what is left goes to the fallback file.
public final class BatchSpanProcessor: Sendable {
    /// What became of the spans given to the processor so far.
    public struct Counters: Sendable, Hashable {
        /// Spans accepted by the receiver.
        public var exported = 0
        /// Spans the receiver declared rejected (`partial_success`).
        public var rejected = 0
        /// Requests sent again after a transient failure.
        public var retries = 0
        /// Spans written to the fallback file (undelivered, or spilled from a full queue).
        public var writtenToFallback = 0
        /// Of ``writtenToFallback``, those spilled because the queue was full.
        public var spilled = 0
        /// Spans dropped: `drop` policy with a full queue, no fallback file, or after shutdown.
        public var dropped = 0
        /// Spans whose export failed with no fallback file to keep them (or the file failed).
        public var failed = 0
        /// Spans waiting in the queue now.
        public var queued = 0

        mutating func add(_ result: ExportResult) {
            exported += result.delivered
            rejected += result.rejected
            retries += result.retries
            writtenToFallback += result.writtenToFallback
            failed += result.undeliveredCount
        }
    }

    private struct State: Sendable {
        var queue = SpanQueue()
        var overflow: [PendingSpan] = []
        var counters = Counters()
        var flushRequested: UInt64 = 0
        var flushCompleted: UInt64 = 0
        var shutdownRequested = false
        /// Set by ``stopWaiting()``: `block` no longer waits; a full queue spills to the file.
        var waitingStopped = false
        var abandonNetwork = false
        var finished = false
        var overflowAnnounced = false
        /// Spans the export thread has taken from the queue and not yet accounted for.
        var inFlight = 0
    }

    /// A batch handed to the workers and not yet sent.
    private struct Submitted {
        var number: UInt64
        var count: Int
    }

    private struct Work {
        var batch: [PendingSpan]
        var overflow: [PendingSpan]
        var flushTarget: UInt64?
        var shutdown: Bool
    }

    private let state = ConditionLock(State())
    private let exporter: any SpanExporter
    private let spillFile: JSONLinesExporter?
    private let resource: OTLP.Resource
    private let scope: OTLP.InstrumentationScope
    private let configuration: BatchConfiguration
    private let overflowPolicy: OverflowPolicy
    private let logger: Logger
    private let mapper: SpanMapper
    private let pool: BatchPreparationPool
    private let preparing: (any BatchPreparingExporter)?

    /// Starts the export thread and the worker threads.
    ///
    /// - Parameters:
    ///   - exporter: where batches go (usually a ``FallbackExporter``).
    ///   - resource, scope: the envelope of every batch.
    ///   - configuration: queue size, batch size, schedule delay (`OTEL_BSP_*`).
    ///   - overflowPolicy: what a full queue does.
    ///   - spillFile: the file `spill` writes to; without one, `spill` drops and counts.
    public convenience init(
        exporter: any SpanExporter,
        resource: OTLP.Resource,
        scope: OTLP.InstrumentationScope = .atofBridge,
        configuration: BatchConfiguration = BatchConfiguration(),
        overflowPolicy: OverflowPolicy = .spill,
        spillFile: JSONLinesExporter? = nil,
        logger: Logger = Logger(label: "atof-bridge.processor")
    ) {
        self.init(
            exporter: exporter, resource: resource, scope: scope, configuration: configuration, overflowPolicy: overflowPolicy,
            spillFile: spillFile, mapper: SpanMapper(), logger: logger)
    }

    /// Starts the export thread and `workerThreads` workers (default: one per core the producer
    /// leaves free); paired scopes given to ``enqueue(assembled:)`` are mapped with `mapper` on
    /// the workers.
    init(
        exporter: any SpanExporter,
        resource: OTLP.Resource,
        scope: OTLP.InstrumentationScope,
        configuration: BatchConfiguration,
        overflowPolicy: OverflowPolicy,
        spillFile: JSONLinesExporter?,
        mapper: SpanMapper,
        workerThreads: Int? = nil,
        logger: Logger
    ) {
        self.mapper = mapper
        self.exporter = exporter
        self.resource = resource
        self.scope = scope
        self.configuration = configuration
        self.overflowPolicy = overflowPolicy
        self.spillFile = spillFile
        self.logger = logger
        let preparing = exporter as? any BatchPreparingExporter
        self.preparing = preparing
        pool = BatchPreparationPool(
            threads: workerThreads ?? BatchPreparationPool.threadCount(cores: OfflineConversion.workerCount)
        ) { [resource, scope, mapper] pending in
            let batch = OTLP.SpanBatch(resource: resource, scope: scope, spans: pending.map { $0.span(mapper) })
            return BatchPreparationPool.Prepared(batch: batch, export: preparing?.prepare(batch))
        }
        state.withLock { $0.queue = SpanQueue(chunkCapacity: configuration.maximumExportBatchSize) }
        if !WorkerThread.start({ [self] in run() }) {
            logger.critical("could not start the export thread (the system refused a new thread); spans will not be exported")
        }
    }

    /// The counters now.
    public var counters: Counters {
        state.withLock { state in
            var counters = state.counters
            counters.queued = state.queue.count + state.overflow.count + state.inFlight
            return counters
        }
    }

    /// Queues one finished span.
    public func enqueue(_ span: OTLP.Span) {
        var late: [PendingSpan] = []
        admit(.span(span), late: &late)
        if !late.isEmpty { spill(late) }
    }

    /// Queues finished spans, applying the overflow policy to those that do not fit.
    ///
    /// Only the iteration is generic: each span goes through the non-generic ``admit(_:late:)``
    /// (called from another module this function is not specialized, and a generic loop body
    /// looked up type metadata for every span).
    public func enqueue(_ spans: some Collection<OTLP.Span>) {
        var late: [PendingSpan] = []
        for span in spans { admit(.span(span), late: &late) }
        if !late.isEmpty { spill(late) }
    }

    /// Queues paired scopes; they are mapped on the worker threads.
    func enqueue(assembled items: [AssembledItem]) {
        var late: [PendingSpan] = []
        for item in items { admit(.assembled(item), late: &late) }
        if !late.isEmpty { spill(late) }
    }

    /// Queues one span, applying the overflow policy when it does not fit; spans that arrive after
    /// shutdown collect in `late` (written to the file by the caller, and here once a batch is full).
    private func admit(_ span: PendingSpan, late: inout [PendingSpan]) {
        let capacity = configuration.maximumQueueSize
        let batchSize = configuration.maximumExportBatchSize
        var toSpill: [PendingSpan] = []
        var wakeWorker = false
        var announceOverflow = false
        let ready: (State) -> Bool = { [overflowPolicy] state in
            overflowPolicy != .block || state.queue.count < capacity || state.shutdownRequested || state.waitingStopped
        }
        state.withLock(when: ready, before: nil) { state, _ in
            if state.shutdownRequested {
                // Late spans go straight to the file (written below, by this thread) rather
                // than being lost; without a file they are counted as dropped.
                if spillFile != nil { late.append(span) } else { state.counters.dropped += 1 }
            } else if state.queue.count < capacity {
                state.queue.append(span)
                if state.queue.count == batchSize { wakeWorker = true }
            } else {
                if !state.overflowAnnounced {
                    state.overflowAnnounced = true
                    announceOverflow = true
                }
                if overflowPolicy == .spill || (overflowPolicy == .block && state.waitingStopped), spillFile != nil {
                    state.overflow.append(span)
                    if state.overflow.count >= batchSize { swap(&toSpill, &state.overflow) }
                } else {
                    state.counters.dropped += 1
                }
            }
        }
        if announceOverflow {
            let action =
                overflowPolicy != .drop && spillFile != nil
                ? "writing the overflow to \(spillFile?.path ?? "")" : "dropping the overflow (counted)"
            logger.warning("the export queue is full (\(capacity) spans); \(action)")
        }
        if wakeWorker { state.broadcast() }
        if !toSpill.isEmpty { spill(toSpill) }
        if late.count >= batchSize {
            spill(late)
            late.removeAll()
        }
    }

    /// Exports everything queued, then syncs the exporter's files. Returns `false` when
    /// `timeout` passed first (the export goes on in the background).
    @discardableResult
    public func forceFlush(timeout: Duration = .seconds(30)) -> Bool {
        let target: UInt64? = state.withLock { state in
            guard !state.finished else { return nil }
            state.flushRequested += 1
            return state.flushRequested
        }
        guard let target else { return true }
        state.broadcast()
        let deadline = MonotonicInstant.after(timeout)
        return state.withLock(when: { $0.flushCompleted >= target || $0.finished }, before: deadline) { _, done in done }
    }

    /// Drains the queue, shuts the exporter down and stops the export thread. When `timeout`
    /// passes first (a hung or slow collector), the export in progress is cancelled and the
    /// remaining spans are written to the fallback file, which needs no network; that is given
    /// at most ``fileDrainTimeout`` more, after which the files are closed between two lines and
    /// whatever is left is counted as queued (lost). Spans enqueued after this call go straight
    /// to the fallback file. Safe to call twice. Returns `false` when the drain ran out of time.
    @discardableResult
    public func shutdown(timeout: Duration = .seconds(30)) -> Bool {
        state.withLock { $0.shutdownRequested = true }
        state.broadcast()
        let deadline = MonotonicInstant.after(timeout)
        if state.withLock(when: { $0.finished }, before: deadline, { _, finished in finished }) { return true }
        logger.warning("shutdown timed out while exporting; writing the remaining spans to the fallback file")
        abandonNetwork()
        if state.withLock(when: { $0.finished }, before: .after(Self.fileDrainTimeout), { _, finished in finished }) { return false }
        // The file is stuck too: close it between two lines, so that the process may end
        // without leaving a torn line; later writes fail and are counted.
        logger.error("the fallback file could not be written in time; the spans still queued are lost")
        spillFile?.shutdown()
        exporter.shutdown()
        return false
    }

    /// How long ``shutdown(timeout:)`` waits for the file after giving up the network: 5 s.
    static let fileDrainTimeout: Duration = .seconds(5)

    /// Stops making producers wait (`block`): from now on, spans that do not fit in the queue
    /// go to the fallback file instead. Used when the run is asked to stop (a signal), so that
    /// every span already read is delivered or written without waiting for the network.
    package func stopWaiting() {
        state.withLock { $0.waitingStopped = true }
        state.broadcast()
    }

    /// Gives up the network now: the request in progress is cancelled and everything queued,
    /// and every later batch, is written to the fallback file.
    package func abandonNetwork() {
        state.withLock {
            $0.waitingStopped = true
            $0.abandonNetwork = true
        }
        exporter.cancel()
        state.broadcast()
    }

    // MARK: - The export thread

    /// Takes batches from the queue and hands them to the workers, up to one more than there
    /// are workers ahead of the batch being sent, and sends them in order. Flushes and the
    /// shutdown are served once nothing taken is left unsent, as when one thread did everything.
    private func run() {
        let batchSize = configuration.maximumExportBatchSize
        let ahead = pool.threadCount + 1
        var submitted: [Submitted] = []
        var nextScheduled = MonotonicInstant.after(configuration.scheduleDelay)
        while true {
            if submitted.count < ahead {
                // With batches submitted, take another only if one is due, without waiting: the
                // oldest submitted one is to be sent first.
                let idle = submitted.isEmpty
                let scheduled = nextScheduled
                let work = state.withLock(
                    when: { !idle || $0.queue.count >= batchSize || $0.flushRequested > $0.flushCompleted || $0.shutdownRequested },
                    before: scheduled
                ) { state, _ in
                    var overflow: [PendingSpan] = []
                    swap(&overflow, &state.overflow)
                    let due =
                        idle || state.queue.count >= batchSize || state.flushRequested > state.flushCompleted || state.shutdownRequested
                        || scheduled.hasPassed
                    let batch = due ? state.queue.removeFirst(upTo: batchSize) : []
                    state.inFlight += batch.count + overflow.count
                    return Work(
                        batch: batch,
                        overflow: overflow,
                        flushTarget: state.flushRequested > state.flushCompleted ? state.flushRequested : nil,
                        shutdown: state.shutdownRequested)
                }
                if overflowPolicy == .block { state.broadcast() }
                if !work.overflow.isEmpty { spill(work.overflow, fromQueue: true) }
                if !work.batch.isEmpty {
                    submitted.append(Submitted(number: pool.submit(work.batch), count: work.batch.count))
                    nextScheduled = .after(configuration.scheduleDelay)
                    continue
                }
                if idle {
                    finishIdleRound(work, nextScheduled: &nextScheduled)
                    if work.shutdown { return }
                    continue
                }
            }
            let oldest = submitted.removeFirst()
            let prepared = pool.take(oldest.number)
            send(prepared, count: oldest.count)
            pool.recycle(prepared)
        }
    }

    /// With nothing taken left unsent: serves a flush and the shutdown.
    private func finishIdleRound(_ work: Work, nextScheduled: inout MonotonicInstant) {
        if nextScheduled.hasPassed { nextScheduled = .after(configuration.scheduleDelay) }
        if let target = work.flushTarget {
            exporter.forceFlush()
            spillFile?.forceFlush()
            state.withLock { $0.flushCompleted = max($0.flushCompleted, target) }
            state.broadcast()
        }
        if work.shutdown {
            pool.stop()
            exporter.shutdown()
            spillFile?.shutdown()
            state.withLock { $0.finished = true }
            state.broadcast()
        }
    }

    /// Sends one prepared batch of `count` taken spans (to the fallback file once the network is
    /// given up) and accounts for it.
    private func send(_ prepared: BatchPreparationPool.Prepared, count: Int) {
        let batch = prepared.batch
        let result: ExportResult
        if !state.withLock({ $0.abandonNetwork }) {
            if let preparing, let ready = prepared.export {
                result = preparing.export(prepared: ready)
            } else {
                result = exporter.export(batch)
            }
        } else if let spillFile {
            let written = spillFile.export(batch)
            result = ExportResult(writtenToFallback: written.delivered, undelivered: written.undelivered, failure: written.failure)
        } else {
            result = .failed(batch, .shutDown)
        }
        state.withLock { state in
            state.counters.add(result)
            state.inFlight -= count
        }
    }

    /// Writes spans to the fallback file; `fromQueue` when the export thread took them from the
    /// state (they stop counting as in flight in the same step).
    private func spill(_ pending: [PendingSpan], fromQueue: Bool = false) {
        guard let spillFile else {
            state.withLock { state in
                if fromQueue { state.inFlight -= pending.count }
                state.counters.dropped += pending.count
            }
            return
        }
        let written = spillFile.export(OTLP.SpanBatch(resource: resource, scope: scope, spans: pending.map { $0.span(mapper) }))
        state.withLock { state in
            if fromQueue { state.inFlight -= pending.count }
            state.counters.writtenToFallback += written.delivered
            state.counters.spilled += written.delivered
            state.counters.failed += written.undeliveredCount
        }
    }
}
